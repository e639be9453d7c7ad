// The time zone on the wire is `tz` with CleverTap's values (IANA names and GMT offsets such as
// GMT+0530, CLEVERTAP-API.md §7): push sends it so, the sandbox takes and returns it so, and a pull
// keeps it as the profile's Timezone. Round trip through the real sandbox over HTTP.
import { describe, expect, it } from 'vitest'
import { type App, stoppedAfterEach } from '../../test-support/sync-harness'
import { startLoopback, uploadedRecords } from '../../test-support/loopback-server'

const { sandboxWith, appWith } = stoppedAfterEach()

async function withZone(app: App, identity: string, zone: string): Promise<string> {
  const profile = await app.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: identity }],
    changes: [{ op: 'set', key: 'Timezone', value: zone }],
  })
  return profile.id
}

describe('the time zone', () => {
  it('is uploaded as tz, with the value as CleverTap writes it', async () => {
    const server = await startLoopback((request) => ({
      status: 200,
      body: { status: 'success', processed: uploadedRecords(request).length, unprocessed: [] },
    }))
    const app = appWith({ sync: { precheckLimit: 0 } })
    await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: server.baseUrl },
      accountId: 'A',
      passcode: 'P',
    })
    await withZone(app, 'tz-web', 'GMT+0530')
    // Two changes of one profile are merged into one record: the merged record is renamed too.
    const id = await withZone(app, 'tz-android', 'Asia/Kolkata')
    await app.call('profiles.update', { id, changes: [{ op: 'set', key: 'Timezone', value: 'GMT-8:00' }] })

    expect((await app.run('sync.push')).summary).toMatchObject({ status: 'succeeded', records: 2 })
    const sent = server.requests.flatMap(uploadedRecords)
    expect(sent.map((record) => [record.identity, record.profileData])).toEqual([
      ['tz-web', { Identity: 'tz-web', tz: 'GMT+0530' }],
      ['tz-android', { Identity: 'tz-android', tz: 'GMT-8:00' }],
    ])
  })

  it('goes through the sandbox and back: a pulled tz is the profile’s Timezone', async () => {
    const sandbox = await sandboxWith()
    const here = appWith()
    await here.configure(sandbox)
    await withZone(here, 'tz-1', 'GMT+0530')
    await withZone(here, 'tz-2', 'Europe/Berlin')
    expect((await here.run('sync.push')).summary).toMatchObject({ status: 'succeeded', records: 2 })

    // Someone else's uploads, in the spellings the SDKs use.
    expect(
      await sandbox.upload([
        { type: 'profile', identity: 'tz-3', profileData: { Tz: 'America/Los_Angeles' } },
        { type: 'profile', identity: 'tz-4', profileData: { tz: 'GMT-08:00' } },
        { type: 'profile', identity: 'tz-5', profileData: { tz: 'Mars/Olympus_Mons' } },
      ]),
    ).toMatchObject({ processed: 2, unprocessed: [{ code: 555 }] })

    const remote = await sandbox.profiles()
    const zones = Object.fromEntries(remote.map((record) => [record.identity, record.profileData]))
    expect(zones).toEqual({
      'tz-1': { tz: 'GMT+0530' },
      'tz-2': { tz: 'Europe/Berlin' },
      'tz-3': { tz: 'America/Los_Angeles' },
      'tz-4': { tz: 'GMT-08:00' },
    })

    const there = appWith()
    await there.configure(sandbox)
    expect((await there.run('sync.pull')).summary).toMatchObject({ records: 4, created: 4, skipped: 0 })
    for (const [identity, zone] of [
      ['tz-1', 'GMT+0530'],
      ['tz-2', 'Europe/Berlin'],
      ['tz-3', 'America/Los_Angeles'],
      ['tz-4', 'GMT-08:00'],
    ]) {
      const profile = await there.call('profiles.lookup', { key: identity as string })
      expect(profile.system.Timezone, identity).toBe(zone)
      expect(profile.custom.map((c) => c.key)).toEqual([])
    }
    // Nothing to send back, and a second pull finds nothing new.
    expect((await there.call('sync.status', {})).pending).toBe(0)
    expect((await there.run('sync.pull')).summary).toMatchObject({ unchanged: 4, updated: 0 })
    // The first computer pulls its own values back unchanged.
    expect((await here.run('sync.pull')).summary).toMatchObject({ unchanged: 2, created: 2 })
  })
})
