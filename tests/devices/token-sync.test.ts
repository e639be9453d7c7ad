// Tokens over real HTTP: the sandbox takes CleverTap token records (from the official `clevertap` client
// too), keeps their state and returns them in platformInfo; a token set here is pushed and pulled back
// into another data folder; a token removed here stays removed when the next pull brings it again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import CleverTap from 'clevertap'
import { afterEach, describe, expect, it } from 'vitest'
import { ACCOUNT, PASSCODE, openApp, startSandbox, type Sandbox } from '../../test-support/sync-harness'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sandbox(): Promise<Sandbox> {
  const s = await startSandbox()
  cleanups.push(() => s.stop())
  return s
}

function app() {
  const a = openApp()
  cleanups.push(() => a.close())
  return a
}

async function platformInfo(s: Sandbox, objectId: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${s.baseUrl}/1/profile.json?objectId=${encodeURIComponent(objectId)}`, {
    headers: { 'X-CleverTap-Account-Id': ACCOUNT, 'X-CleverTap-Passcode': PASSCODE },
  })
  const body = (await response.json()) as { record: { platformInfo: Record<string, unknown>[] } }
  return body.record.platformInfo
}

describe('token records in the sandbox', () => {
  it('takes token records from the official client and returns them in lookups with their state', async () => {
    const s = await sandbox()
    const client = CleverTap.init(ACCOUNT, PASSCODE, CleverTap.REGIONS.EUROPE)
    client.api.apiEndpoint = `${s.baseUrl}/1`
    await client.upload([{ type: 'profile', objectId: '__hdev1', profileData: { Name: 'Tok' } }])
    // The client passes records through as they are; its typings only name profile and event records.
    const tokens = [
      { type: 'token', objectId: '__hdev1', tokenData: { id: 'apns-123', type: 'apns' } },
      { type: 'token', objectId: '__hnobody', tokenData: { id: 'x', type: 'fcm' } },
      { type: 'token', objectId: '__hdev1', tokenData: { id: '', type: 'fcm' } },
    ]
    const reply = await client.upload(tokens as unknown as Parameters<typeof client.upload>[0])
    expect(reply).toMatchObject({ status: 'partial', processed: 1 })
    expect(
      (reply as { unprocessed: { code: number; error: string }[] }).unprocessed.map((u) => u.code),
    ).toEqual([530, 530])
    expect(await platformInfo(s, '__hdev1')).toEqual([
      {
        platform: 'iOS',
        push_token: 'apns-123',
        token_type: 'apns',
        token_state: 'valid',
        objectId: '__hdev1',
      },
    ])
    // The push provider reports the token unregistered (sandbox-only endpoint); the state is kept.
    const state = await fetch(`${s.baseUrl}/sandbox/token-state`, {
      method: 'POST',
      headers: { 'X-CleverTap-Account-Id': ACCOUNT, 'X-CleverTap-Passcode': PASSCODE },
      body: JSON.stringify({ token: 'apns-123', state: 'unregistered' }),
    })
    expect(await state.json()).toEqual({ status: 'success', changed: 1 })
    expect((await platformInfo(s, '__hdev1'))[0]).toMatchObject({ token_state: 'unregistered' })
    // Sending the same token again keeps its state; a new token starts valid.
    await s.upload([{ type: 'token', objectId: '__hdev1', tokenData: { id: 'apns-123', type: 'apns' } }])
    expect((await platformInfo(s, '__hdev1'))[0]).toMatchObject({ token_state: 'unregistered' })
    await s.upload([{ type: 'token', objectId: '__hdev1', tokenData: { id: 'apns-456', type: 'apns' } }])
    expect((await platformInfo(s, '__hdev1'))[0]).toMatchObject({
      push_token: 'apns-456',
      token_state: 'valid',
    })
  })
})

describe('tokens through sync', () => {
  it('pushes a token set here and pulls it back elsewhere with platform and state', async () => {
    const s = await sandbox()
    const here = app()
    await here.configure(s)
    const created = await here.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Round Trip' }],
      identifiers: [{ kind: 'identity', value: 'rt-1' }],
    })
    await here.call('devices.setToken', { profileId: created.id, platform: 'Android', pushToken: 'fcm-rt-1' })
    await here.pushUntilDone()
    expect(await platformInfo(s, created.id)).toEqual([
      {
        platform: 'Android',
        push_token: 'fcm-rt-1',
        token_type: 'fcm',
        token_state: 'valid',
        objectId: created.id,
      },
    ])

    const elsewhere = app()
    await elsewhere.configure(s)
    const pulled = await elsewhere.run('sync.pull')
    expect(pulled.summary).toMatchObject({ status: 'succeeded', created: 1 })
    const view = await elsewhere.call('devices.reachability', { id: created.id })
    expect(view.devices).toMatchObject([
      {
        deviceId: created.id,
        platform: 'Android',
        pushToken: 'fcm-rt-1',
        tokenState: 'valid',
        source: 'pull',
      },
    ])
    expect(view.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('reachable')
    // A token does not change the profile type (the identity made it Identified, on both sides).
    expect((await elsewhere.call('profiles.get', { id: created.id })).type).toBe('Identified')

    // The provider invalidates it; the next pull brings the state and the profile is not reachable.
    await fetch(`${s.baseUrl}/sandbox/token-state`, {
      method: 'POST',
      headers: { 'X-CleverTap-Account-Id': ACCOUNT, 'X-CleverTap-Passcode': PASSCODE },
      body: JSON.stringify({ token: 'fcm-rt-1', state: 'invalid' }),
    })
    await elsewhere.run('sync.pull')
    const after = await elsewhere.call('devices.reachability', { id: created.id })
    expect(after.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('invalid')

    // Removed here: local only, and a later pull does not bring it back.
    const removed = await elsewhere.call('devices.removeToken', {
      profileId: created.id,
      deviceId: created.id,
    })
    expect(removed.remote).toBe('local-only')
    await elsewhere.run('sync.pull')
    const final = await elsewhere.call('devices.reachability', { id: created.id })
    expect(final.devices[0]?.pushToken).toBeNull()
    expect(await platformInfo(s, created.id)).toMatchObject([{ push_token: 'fcm-rt-1' }])
  })

  it('pushes a token imported from a profile CSV and pulls it back elsewhere', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const folder = mkdtempSync(join(tmpdir(), 'token-csv-'))
    cleanups.push(async () => {
      delete process.env.PROFILE_DESK_IMPORT_THREADING
      rmSync(folder, { recursive: true, force: true })
    })
    const s = await sandbox()
    const here = app()
    await here.configure(s)
    const path = join(folder, 'people.csv')
    writeFileSync(path, 'identity,Name,push_token,platform\ncsv-1,Imported,apns-csv-1,iOS\n')
    const file = here.backend.grantFile(path, 'dialog').handle
    const { jobId } = await here.call('imports.start', { file, kind: 'profiles' })
    expect((await here.finished(jobId)).status).toBe('succeeded')
    const { id } = await here.call('profiles.lookup', { key: 'csv-1' })
    await here.pushUntilDone()
    expect(await platformInfo(s, id)).toEqual([
      { platform: 'iOS', push_token: 'apns-csv-1', token_type: 'apns', token_state: 'valid', objectId: id },
    ])

    const elsewhere = app()
    await elsewhere.configure(s)
    await elsewhere.run('sync.pull')
    const view = await elsewhere.call('devices.reachability', { id })
    expect(view.devices).toMatchObject([
      { deviceId: id, platform: 'iOS', pushToken: 'apns-csv-1', source: 'pull' },
    ])
    expect(view.channels.find((c) => c.channel === 'mobilepush')?.code).toBe('reachable')
  })
})
