// Find People's reachability filter (profiles.list / profiles.search with filters.reach) against a brute
// force: every profile's answer computed by the shared rules from its stored row and devices.
import { afterEach, describe, expect, it } from 'vitest'
import { devicesOf, profileFacts } from '../../electron/backend/core/devices/device-store'
import type { ProfileRow } from '../../electron/backend/core/profiles/profile-rows'
import type { ProfileFilters } from '../../shared/profile/search'
import { codeMatches, REACH_FILTER_ANSWERS } from '../../shared/reachability/filter'
import { CHANNELS, reachCodes } from '../../shared/reachability/rules'
import { seeded } from '../../test-support/seeded'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

const pick = <T>(random: () => number, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T

/** Profiles with every kind of address, opt-in, DND, device and token state, some nameless. */
async function seed(profiles: number): Promise<void> {
  const random = seeded(31)
  const db = h.backend.context.db
  for (let i = 0; i < profiles; i += 1) {
    const { id } = await h.call('profiles.create', {
      changes: random() < 0.7 ? [{ op: 'set', key: 'Name', value: `Person ${i}` }] : [],
    })
    const set = (sql: string, ...values: unknown[]) =>
      db.prepare(`UPDATE profiles SET ${sql} WHERE object_id = ?`).run(...values, id)
    set('email = ?', pick(random, [null, `p${i}@example.com`, `p${i}-at-example`]))
    set('phone = ?', pick(random, [null, `+4930${String(1000000 + i)}`, '12']))
    for (const column of ['msg_email', 'msg_push', 'msg_sms', 'msg_whatsapp']) {
      set(`${column} = ?`, pick(random, [null, 0, 1]))
    }
    set('system_extra = ?', random() < 0.2 ? '{"MSG-dndEmail":true,"MSG-dndSMS":true}' : '{}')
    set('identified = ?', random() < 0.5 ? 1 : 0)
    set('is_test = ?', random() < 0.1 ? 1 : 0)
    const devices = Math.floor(random() * 3)
    for (let d = 0; d < devices; d += 1) {
      await h.call('devices.setToken', {
        profileId: id,
        deviceId: `dev-${i}-${d}`,
        platform: pick(random, ['Android', 'iOS', 'Web'] as const),
        pushToken: `tok-${i}-${d}`,
      })
      db.prepare('UPDATE devices SET token_state = ? WHERE device_id = ?').run(
        pick(random, ['valid', 'valid', 'invalid', 'unregistered']),
        `dev-${i}-${d}`,
      )
    }
  }
}

/** Brute force: the object ids of the profiles the filters select, by the shared rules. */
function expected(filters: ProfileFilters, where = '1'): string[] {
  const db = h.backend.context.db
  const rows = h.rows<ProfileRow>(`SELECT * FROM profiles WHERE ${where}`)
  return rows
    .filter((row) => {
      if (filters.type !== undefined && (row.identified === 1) !== (filters.type === 'Identified'))
        return false
      if (filters.test !== undefined && (row.is_test === 1) !== filters.test) return false
      if (filters.reach === undefined) return true
      const codes = reachCodes(profileFacts(row, devicesOf(db, row.id)))
      return codeMatches(codes[CHANNELS.indexOf(filters.reach.channel)] ?? -1, filters.reach.answer)
    })
    .map((row) => row.object_id)
    .sort()
}

async function listed(filters: ProfileFilters, query = ''): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = []
  let total = -1
  for (let offset = 0; offset < 10_000; offset += 40) {
    const page =
      query === ''
        ? await h.call('profiles.list', { sort: 'name', direction: 'asc', filters, offset, limit: 40 })
        : await h.call('profiles.search', { query, filters, offset, limit: 40 })
    total = page.total
    ids.push(...page.items.map((p) => p.id))
    if (page.items.length < 40) break
  }
  return { ids: ids.sort(), total }
}

describe('Find People reachability filter', () => {
  it('lists and counts exactly the profiles the shared rules answer, for every channel and answer', async () => {
    h = openHarness()
    await seed(240)
    let nonEmpty = 0
    for (const channel of CHANNELS) {
      for (const answer of REACH_FILTER_ANSWERS) {
        for (const extra of [{}, { type: 'Identified' as const }, { test: false }]) {
          const filters: ProfileFilters = { ...extra, reach: { channel, answer } }
          const want = expected(filters)
          const got = await listed(filters)
          expect(got.ids, `${channel}=${answer} ${JSON.stringify(extra)}`).toEqual(want)
          expect(got.total).toBe(want.length)
          if (want.length > 0) nonEmpty += 1
        }
      }
    }
    // The seed reaches most answers (so the comparison is not between empty lists).
    expect(nonEmpty).toBeGreaterThan(60)
  })

  it('filters search results (name matches and exact profile ids) the same way', async () => {
    h = openHarness()
    await seed(120)
    for (const channel of ['email', 'mobilepush', 'sms'] as const) {
      for (const answer of ['reachable', 'not-reachable', 'invalid'] as const) {
        const filters: ProfileFilters = { reach: { channel, answer } }
        const want = expected(filters, "name LIKE 'Person %'")
        const got = await listed(filters, 'person')
        expect(got.ids, `${channel}=${answer}`).toEqual(want)
        expect(got.total).toBe(want.length)
      }
    }
    // An exact match (the profile id) is kept or dropped by the filter too.
    const [first] = h.rows<{ object_id: string; reach_email: number }>(
      'SELECT object_id, reach_email FROM profiles LIMIT 1',
    )
    if (!first) throw new Error('no profiles')
    const keep = first.reach_email === 0 ? 'reachable' : 'not-reachable'
    const drop = first.reach_email === 0 ? 'not-reachable' : 'reachable'
    const hit = await h.call('profiles.search', {
      query: first.object_id,
      filters: { reach: { channel: 'email', answer: keep } },
    })
    expect(hit.items.map((p) => p.id)).toContain(first.object_id)
    const miss = await h.call('profiles.search', {
      query: first.object_id,
      filters: { reach: { channel: 'email', answer: drop } },
    })
    expect(miss.items.map((p) => p.id)).not.toContain(first.object_id)
  })

  it('refuses an unknown channel or answer at the boundary', async () => {
    h = openHarness()
    await expect(
      h.call('profiles.list', {
        sort: 'name',
        direction: 'asc',
        // @ts-expect-error: an unknown channel, as a caller outside TypeScript could send it
        filters: { reach: { channel: 'pigeon', answer: 'reachable' } },
      }),
    ).rejects.toThrow(/channel|invalid/i)
  })
})
