// Duplicate Platform ID: the report against a brute-force grouping of the same data (random tokens and
// phones shared between profiles), the receiver rule, paging, and resolve (tokens local, phones pushed).
import { afterEach, describe, expect, it } from 'vitest'
import type { DuplicateGroup, DuplicateKind } from '../../shared/devices/types'
import { seeded } from '../../test-support/seeded'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

interface Holder {
  id: string
  deviceSeen: number | null
  lastSeen: number | null
  rowid: number
}

/** Brute force: every value held by 2+ profiles, holders ordered by the receiver rule. */
function bruteForce(kind: DuplicateKind): Map<string, string[]> {
  const rows =
    kind === 'token'
      ? h.rows<{ value: string; id: string; seen: number | null; last: number | null; rowid: number }>(
          `SELECT d.push_token AS value, p.object_id AS id, d.last_seen AS seen, p.last_seen AS last, p.id AS rowid
           FROM devices d JOIN profiles p ON p.id = d.profile_id WHERE d.push_token IS NOT NULL`,
        )
      : h.rows<{ value: string; id: string; seen: number | null; last: number | null; rowid: number }>(
          `SELECT p.phone AS value, p.object_id AS id, (SELECT max(last_seen) FROM devices WHERE profile_id = p.id) AS seen,
             p.last_seen AS last, p.id AS rowid FROM profiles p WHERE p.phone IS NOT NULL`,
        )
  const groups = new Map<string, Holder[]>()
  for (const row of rows) {
    const list = groups.get(row.value) ?? []
    const same = list.find((x) => x.id === row.id)
    if (same) same.deviceSeen = Math.max(same.deviceSeen ?? -1, row.seen ?? -1)
    else list.push({ id: row.id, deviceSeen: row.seen, lastSeen: row.last, rowid: row.rowid })
    groups.set(row.value, list)
  }
  const out = new Map<string, string[]>()
  for (const [value, list] of groups) {
    if (list.length < 2) continue
    list.sort(
      (a, b) =>
        (b.deviceSeen ?? -1) - (a.deviceSeen ?? -1) ||
        (b.lastSeen ?? -1) - (a.lastSeen ?? -1) ||
        a.rowid - b.rowid,
    )
    out.set(
      value,
      list.map((x) => x.id),
    )
  }
  return out
}

async function reportAll(kind: DuplicateKind, limit: number): Promise<DuplicateGroup[]> {
  const groups: DuplicateGroup[] = []
  let after: string | null = null
  for (let i = 0; i < 100; i += 1) {
    const page: { groups: DuplicateGroup[]; next: string | null } = await h.call('duplicates.list', {
      kind,
      after,
      limit,
    })
    groups.push(...page.groups)
    if (page.next === null) break
    after = page.next
  }
  return groups
}

async function seed(profiles: number): Promise<string[]> {
  const random = seeded(13)
  const ids: string[] = []
  const db = h.backend.context.db
  for (let i = 0; i < profiles; i += 1) {
    const phone = random() < 0.3 ? `+4930000${String(Math.floor(random() * 12)).padStart(4, '0')}` : null
    const created = await h.call('profiles.create', {
      changes: phone === null ? [] : [{ op: 'set', key: 'Phone', value: phone }],
    })
    ids.push(created.id)
    db.prepare('UPDATE profiles SET last_seen = ? WHERE object_id = ?').run(
      random() < 0.2 ? null : Math.floor(random() * 1000),
      created.id,
    )
  }
  for (let i = 0; i < profiles * 1.5; i += 1) {
    const owner = ids[Math.floor(random() * ids.length)] as string
    const token = `tok-${Math.floor(random() * profiles)}`
    await h.call('devices.setToken', {
      profileId: owner,
      deviceId: `dev-${i}`,
      platform: random() < 0.7 ? 'Android' : 'Web',
      pushToken: token,
    })
    // Device last seen: sometimes equal on purpose, to exercise the ties.
    db.prepare('UPDATE devices SET last_seen = ? WHERE device_id = ?').run(
      random() < 0.2 ? null : Math.floor(random() * 5) * 100,
      `dev-${i}`,
    )
  }
  return ids
}

describe('Duplicate Platform ID', () => {
  it('lists exactly the brute-force groups, paged, with the receiver first', async () => {
    h = openHarness()
    await seed(120)
    for (const kind of ['token', 'phone'] as const) {
      const expected = bruteForce(kind)
      expect(expected.size).toBeGreaterThan(3)
      const report = await reportAll(kind, 7)
      const got = new Map(report.map((g) => [g.value, g.holders.map((x) => x.profileId)]))
      expect(got).toEqual(expected)
      for (const group of report) {
        expect(group.holders.map((x) => x.receives)).toEqual(group.holders.map((_x, i) => i === 0))
      }
    }
  })

  it('keeps the shared token and phone keys equal to a recount through edits, moves and deletes', async () => {
    h = openHarness()
    const ids = await seed(80)
    const db = h.backend.context.db
    const kept = () => ({
      tokens: h.rows('SELECT token_hash FROM shared_tokens ORDER BY 1'),
      phones: h.rows('SELECT phone_key FROM shared_phones ORDER BY 1'),
    })
    const recount = () => ({
      tokens: h.rows(
        `SELECT token_hash FROM devices WHERE token_hash IS NOT NULL GROUP BY 1
         HAVING count(DISTINCT profile_id) > 1 ORDER BY 1`,
      ),
      phones: h.rows(
        'SELECT phone_key FROM profiles WHERE phone_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY 1',
      ),
    })
    expect(kept()).toEqual(recount())
    expect(kept().tokens.length).toBeGreaterThan(3)
    const random = seeded(99)
    // Any device as it is now (moves and deletes change who holds what).
    const device = () => {
      const devices = h.rows<{ id: number; device_id: string; object_id: string }>(
        'SELECT d.id, d.device_id, p.object_id FROM devices d JOIN profiles p ON p.id = d.profile_id ORDER BY d.id',
      )
      return devices[Math.floor(random() * devices.length)] as (typeof devices)[number]
    }
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 6; i++) {
        const d = device()
        // A new token on the device, a token removed, a device moved to another holder, a device deleted.
        await h.call('devices.setToken', {
          profileId: d.object_id,
          deviceId: d.device_id,
          platform: 'Android',
          pushToken: `tok-${Math.floor(random() * 80)}`,
        })
        const r = device()
        await h.call('devices.removeToken', { profileId: r.object_id, deviceId: r.device_id })
        db.prepare(
          'UPDATE devices SET profile_id = (SELECT id FROM profiles WHERE object_id = ?) WHERE id = ?',
        ).run(ids[Math.floor(random() * ids.length)], device().id)
        db.prepare('DELETE FROM devices WHERE id = ?').run(device().id)
        const id = ids[Math.floor(random() * ids.length)] as string
        await h.call('profiles.update', {
          id,
          changes:
            random() < 0.3
              ? [{ op: 'unset', key: 'Phone' }]
              : [
                  {
                    op: 'set',
                    key: 'Phone',
                    value: `+4930000${String(Math.floor(random() * 12)).padStart(4, '0')}`,
                  },
                ],
        })
      }
      // Deleted profiles take their devices and phones with them.
      for (const id of ids.splice(0, 3)) await h.call('profiles.delete', { id })
      expect(kept(), `round ${round}`).toEqual(recount())
    }
    for (const kind of ['token', 'phone'] as const) {
      const report = await reportAll(kind, 5)
      expect(new Map(report.map((g) => [g.value, g.holders.map((x) => x.profileId)]))).toEqual(
        bruteForce(kind),
      )
    }
  })

  it('resolves: the receiver keeps the token or phone; tokens removed locally, phones pushed as $delete', async () => {
    h = openHarness()
    await seed(60)
    const tokens = bruteForce('token')
    const phones = bruteForce('phone')
    const dry = await h.call('duplicates.resolve', { kinds: ['token', 'phone'], dryRun: true })
    const losers = (groups: Map<string, string[]>) =>
      [...groups.values()].reduce((n, list) => n + list.length - 1, 0)
    expect(dry).toMatchObject({
      groups: tokens.size + phones.size,
      tokensRemoved: losers(tokens),
      phonesRemoved: losers(phones),
    })
    expect(bruteForce('token')).toEqual(tokens)

    const outboxBefore = h.rows<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE kind = 'token'")[0]?.n
    const done = await h.call('duplicates.resolve', { kinds: ['token', 'phone'] })
    expect(done).toMatchObject({
      dryRun: false,
      tokensRemoved: losers(tokens),
      phonesRemoved: losers(phones),
    })
    expect(bruteForce('token').size).toBe(0)
    expect(bruteForce('phone').size).toBe(0)
    for (const [token, holders] of tokens) {
      const keeper = await h.call('devices.reachability', { id: holders[0] as string })
      expect(keeper.devices.some((d) => d.pushToken === token)).toBe(true)
      for (const loser of holders.slice(1)) {
        const view = await h.call('devices.reachability', { id: loser })
        expect(view.devices.some((d) => d.pushToken === token)).toBe(false)
      }
    }
    // Token removals queue nothing; phone removals queue a $delete of Phone and are audited.
    expect(h.rows<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE kind = 'token'")[0]?.n).toBe(
      outboxBefore,
    )
    const [firstPhone] = [...phones.values()]
    const loser = firstPhone?.[1] as string
    const payloads = h.rows<{ payload: string }>(
      "SELECT payload FROM outbox WHERE object_id = ? AND kind = 'profile' ORDER BY id DESC LIMIT 1",
      loser,
    )
    expect(JSON.parse(payloads[0]?.payload ?? '{}').profileData).toEqual({ Phone: { $delete: true } })
    const audit = h.rows<{ action: string }>("SELECT action FROM audit WHERE action = 'device.token.remove'")
    expect(audit.length).toBe(losers(tokens))
  })

  it('resolves one group only when asked', async () => {
    h = openHarness()
    const a = await h.call('profiles.create', { changes: [] })
    const b = await h.call('profiles.create', { changes: [] })
    const c = await h.call('profiles.create', { changes: [] })
    await h.call('devices.setToken', { profileId: a.id, platform: 'iOS', pushToken: 'one' })
    await h.call('devices.setToken', { profileId: b.id, platform: 'iOS', pushToken: 'one' })
    await h.call('devices.setToken', { profileId: b.id, deviceId: 'b2', platform: 'iOS', pushToken: 'two' })
    await h.call('devices.setToken', { profileId: c.id, platform: 'iOS', pushToken: 'two' })
    // No device seen, no profile seen: the lowest internal id (the oldest profile) receives.
    const page = await h.call('duplicates.list', { kind: 'token' })
    expect(page.groups.find((g) => g.value === 'one')?.holders.map((x) => x.profileId)).toEqual([a.id, b.id])
    const result = await h.call('duplicates.resolve', { kinds: ['token'], values: ['one'] })
    expect(result).toMatchObject({ groups: 1, tokensRemoved: 1, changedProfiles: [b.id] })
    expect((await h.call('duplicates.list', { kind: 'token' })).groups.map((g) => g.value)).toEqual(['two'])
  })
})
