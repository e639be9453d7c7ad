// Stored reachability codes: written by the shared rules (through the triggers' reach_codes function)
// whenever a profile or its devices change, and read back by devices.reachability with per-device answers.
import { afterEach, describe, expect, it } from 'vitest'
import { CHANNELS, reachCodes } from '../../shared/reachability/rules'
import { devicesOf, profileFacts } from '../../electron/backend/core/devices/device-store'
import { unpackCodes } from '../../electron/backend/core/devices/schema'
import type { ProfileRow } from '../../electron/backend/core/profiles/profile-rows'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

function stored(id: string): number[] {
  const [row] = h.rows<{ reach: number }>('SELECT reach FROM profiles WHERE object_id = ?', id)
  return unpackCodes(row?.reach ?? -1)
}

/** The codes the shared function gives for the row as stored now (what the triggers must have written). */
function expected(id: string): number[] {
  const [row] = h.rows<ProfileRow>('SELECT * FROM profiles WHERE object_id = ?', id)
  if (!row) throw new Error(`no profile ${id}`)
  return reachCodes(profileFacts(row, devicesOf(h.backend.context.db, row.id)))
}

describe('stored reachability codes', () => {
  it('follow profile edits and device changes, always equal to the shared function', async () => {
    h = openHarness()
    const created = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Email', value: 'ada@example.com' }],
    })
    const id = created.id
    // email reachable; everything else missing.
    expect(stored(id)).toEqual([0, 1, 1, 1, 1])
    const steps: (() => Promise<unknown>)[] = [
      () => h.call('profiles.update', { id, changes: [{ op: 'set', key: 'MSG-email', value: false }] }),
      () => h.call('profiles.update', { id, changes: [{ op: 'set', key: 'Phone', value: '+14155551234' }] }),
      () => h.call('profiles.update', { id, changes: [{ op: 'set', key: 'MSG-dndSMS', value: true }] }),
      () => h.call('devices.setToken', { profileId: id, platform: 'iOS', pushToken: 'apns-token-1' }),
      () =>
        h.call('devices.setToken', {
          profileId: id,
          deviceId: 'browser-1',
          platform: 'Web',
          pushToken: 'wp-1',
        }),
      () => h.call('profiles.update', { id, changes: [{ op: 'set', key: 'MSG-push', value: false }] }),
      () => h.call('profiles.update', { id, changes: [{ op: 'unset', key: 'MSG-push' }] }),
      () => h.call('devices.removeToken', { profileId: id, deviceId: 'browser-1' }),
    ]
    for (const step of steps) {
      await step()
      expect(stored(id)).toEqual(expected(id))
    }
    // email opted out, mobile push reachable, web push missing (removed), sms DND, whatsapp reachable.
    expect(stored(id)).toEqual([3, 0, 1, 4, 0])
    // The overview's trigger-kept counts agree with counting the table.
    const counted = (sql: string) => h.rows(sql)
    expect(
      counted('SELECT identified, is_test, reach, n FROM reach_counts WHERE n > 0 ORDER BY 1, 2, 3'),
    ).toEqual(
      counted(
        'SELECT identified, is_test, reach, count(*) AS n FROM profiles GROUP BY 1, 2, 3 ORDER BY 1, 2, 3',
      ),
    )
    expect(
      counted('SELECT platform, sum(n) AS n FROM platform_counts GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1'),
    ).toEqual(counted('SELECT platform, count(*) AS n FROM devices GROUP BY 1 ORDER BY 1'))
  })

  it('shows each channel and each device with its own answer (user vs profile not reachable)', async () => {
    h = openHarness()
    const { id } = await h.call('profiles.create', { changes: [] })
    await h.call('devices.setToken', {
      profileId: id,
      deviceId: 'web-1',
      platform: 'Web',
      pushToken: 'wp-token',
    })
    const view = await h.call('devices.reachability', { id })
    expect(view.channels.map((c) => [c.channel, c.code])).toEqual([
      ['email', 'missing'],
      ['mobilepush', 'missing'],
      ['webpush', 'reachable'],
      ['sms', 'missing'],
      ['whatsapp', 'missing'],
    ])
    const [device] = view.devices
    expect(device).toMatchObject({
      deviceId: 'web-1',
      platform: 'Web',
      pushToken: 'wp-token',
      tokenType: 'webpush',
    })
    const answers = Object.fromEntries(device?.answers.map((a) => [a.channel, a.kind]) ?? [])
    expect(answers).toMatchObject({
      mobilepush: 'user-not-reachable',
      webpush: 'reachable',
      email: 'profile-not-reachable',
    })
    expect(CHANNELS).toHaveLength(5)
  })

  it('audits a token set by hand, queues a token record, and keeps a removal local', async () => {
    h = openHarness()
    const { id } = await h.call('profiles.create', { changes: [] })
    const set = await h.call('devices.setToken', { profileId: id, platform: 'Android', pushToken: 'fcm-abc' })
    expect(set.remote).toBe('queued')
    const again = await h.call('devices.setToken', {
      profileId: id,
      platform: 'Android',
      pushToken: 'fcm-abc',
    })
    expect(again.remote).toBe('unchanged')
    const outbox = h.rows<{ kind: string; payload: string }>(
      "SELECT kind, payload FROM outbox WHERE kind = 'token'",
    )
    expect(outbox.map((r) => JSON.parse(r.payload))).toEqual([
      { type: 'token', objectId: id, tokenData: { id: 'fcm-abc', type: 'fcm' } },
    ])
    const removed = await h.call('devices.removeToken', { profileId: id, deviceId: id })
    expect(removed.remote).toBe('local-only')
    expect(removed.message).toMatch(/CleverTap has no upload record that removes a push token/)
    expect(h.rows("SELECT count(*) AS n FROM outbox WHERE kind = 'token'")).toEqual([{ n: 1 }])
    const history = await h.call('profiles.history', { id })
    expect(history.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['device.token.set', 'device.token.remove']),
    )
    // A token does not change the profile type: identifiers do.
    expect((await h.call('profiles.get', { id })).type).toBe('Anonymous')
  })

  it('refuses an empty token and a device of another profile with what to do', async () => {
    h = openHarness()
    const a = await h.call('profiles.create', { changes: [] })
    const b = await h.call('profiles.create', { changes: [] })
    expect(
      (await h.fail('devices.setToken', { profileId: a.id, platform: 'iOS', pushToken: '  ' })).code,
    ).toBe('validation')
    await h.call('devices.setToken', {
      profileId: a.id,
      deviceId: 'shared-dev',
      platform: 'iOS',
      pushToken: 't1',
    })
    const error = await h.fail('devices.setToken', {
      profileId: b.id,
      deviceId: 'shared-dev',
      platform: 'iOS',
      pushToken: 't2',
    })
    expect(error).toMatchObject({ code: 'conflict' })
    expect(error.message).toMatch(/belongs to another profile/)
  })
})
