// The overview of a saved segment describes its members by the same rules as the everyone-overview's
// kept tables: a segment of everyone equals the everyone numbers, a segment of one type equals the type
// filter, a reachability segment holds only that answer, and a brute force over the members' rows (the
// shared age and reachability functions) gives the same age and reachability counts.
import { afterEach, describe, expect, it } from 'vitest'
import type { OverviewNumbers } from '../../shared/devices/types'
import { ageFromDob } from '../../shared/profile/identity'
import { CHANNELS } from '../../shared/reachability/rules'
import type { SegmentDefinition } from '../../shared/segments/definition'
import { AGE_BUCKETS } from '../../electron/backend/core/devices/overview'
import { fillMissingReach, unpackCodes } from '../../electron/backend/core/devices/schema'
import { seeded } from '../../test-support/seeded'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

const ZONES = [null, 'Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'] as const
const without = (n: OverviewNumbers) => ({ ...n, segment: null, tookMs: 0 })
const definition = (conditions: SegmentDefinition['conditions']): SegmentDefinition => ({
  version: 1,
  join: 'and',
  conditions,
})

async function makeProfiles(): Promise<void> {
  const random = seeded(77)
  const today = Math.floor(h.now() / 1000)
  for (let i = 0; i < 80; i++) {
    const changes: { op: 'set'; key: string; value: unknown }[] = []
    if (random() < 0.6) changes.push({ op: 'set', key: 'Email', value: `p${i}@example.com` })
    if (random() < 0.3) changes.push({ op: 'set', key: 'MSG-email', value: random() < 0.5 })
    if (random() < 0.3) changes.push({ op: 'set', key: 'Age', value: Math.floor(random() * 90) })
    const identifiers = random() < 0.5 ? [{ kind: 'identity' as const, value: `u${i}` }] : []
    const { id } = await h.call('profiles.create', { changes: changes as never, identifiers })
    if (random() < 0.6) {
      const dob = Math.floor((today - Math.floor(random() * 80 * 365.25) * 86_400) / 86_400) * 86_400
      h.backend.context.db
        .prepare('UPDATE profiles SET dob = ?, timezone = ? WHERE object_id = ?')
        .run(dob, ZONES[Math.floor(random() * ZONES.length)] ?? null, id)
    }
    if (random() < 0.15) await h.call('profiles.setTest', { id, test: true })
    if (random() < 0.1) await h.call('profiles.setControlGroupExclusion', { id, excluded: false })
    for (let d = 0; d < Math.floor(random() * 3); d++)
      await h.call('devices.setToken', {
        profileId: id,
        deviceId: `${id}-${d}`,
        platform: (['Android', 'iOS', 'Web'] as const)[d % 3] ?? 'Android',
        pushToken: `t-${i}-${d}`,
      })
  }
}

describe('the overview of a segment', () => {
  it('describes exactly its members, by the same rules as the everyone numbers', async () => {
    h = openHarness()
    await makeProfiles()
    const everyone = await h.call('overview.get', {})
    const all = await h.call('overview.get', { segment: { definition: definition([]) } })
    expect(all.segment).toBe('The selection')
    expect(without(all)).toEqual(without(everyone))

    const identified = definition([
      { type: 'property', property: { kind: 'type' }, op: 'eq', value: 'Identified' },
    ])
    const saved = await h.call('segments.save', { name: 'Identified people', definition: identified })
    const ofSegment = await h.call('overview.get', { segment: { segmentId: saved.id } })
    expect(ofSegment.segment).toBe('Identified people')
    expect(without(ofSegment)).toEqual(
      without(await h.call('overview.get', { filters: { type: 'Identified' } })),
    )
    // The filters narrow a segment too.
    const realIdentified = await h.call('overview.get', {
      segment: { segmentId: saved.id },
      filters: { test: false },
    })
    expect(without(realIdentified)).toEqual(
      without(await h.call('overview.get', { filters: { type: 'Identified', test: false } })),
    )

    // Reachable on email: the email rows hold only "Reachable"; the other charts follow the members.
    const email = definition([
      { type: 'property', property: { kind: 'reachable', channel: 'email' }, op: 'eq', value: 'reachable' },
    ])
    const reach = await h.call('overview.get', { segment: { definition: email } })
    const members = h.rows<{
      id: number
      reach: number
      dob: number | null
      timezone: string | null
      age: number | null
    }>('SELECT id, reach, dob, timezone, age FROM profiles WHERE reach_email = 0')
    expect(reach.total).toBe(members.length)
    expect(reach.total).toBeGreaterThan(0)
    expect(reach.total).toBeLessThan(everyone.total)
    expect(reach.reachability[0]?.rows.map((r) => r.count)).toEqual([members.length, 0, 0, 0, 0])
    // Brute force over the members: reachability per channel and Age by the shared functions.
    CHANNELS.forEach((channel, c) => {
      const counts = [0, 0, 0, 0, 0]
      for (const m of members) counts[unpackCodes(m.reach)[c] as number]! += 1
      expect(
        reach.reachability[c]?.rows.map((r) => r.count),
        channel,
      ).toEqual(counts)
    })
    const ages = [...AGE_BUCKETS.map(() => 0), 0]
    for (const m of members) {
      const age = m.dob !== null ? ageFromDob(m.dob, h.now(), m.timezone ?? 'UTC') : m.age
      const bucket = age === null ? -1 : AGE_BUCKETS.findIndex(([, low, high]) => age >= low && age <= high)
      ages[bucket < 0 ? AGE_BUCKETS.length : bucket]! += 1
    }
    expect(reach.ageHistogram.map((r) => r.count)).toEqual(ages)
    const devices = h.rows<{ platform: string; n: number }>(
      'SELECT platform, count(*) AS n FROM devices WHERE profile_id IN (SELECT id FROM profiles WHERE reach_email = 0) GROUP BY 1',
    )
    for (const row of reach.devicesByPlatform)
      expect(row.count, row.label).toBe(devices.find((d) => d.platform === row.label)?.n ?? 0)

    await expect(h.call('overview.get', { segment: { segmentId: 'no-such-segment' } })).rejects.toThrow(
      /segment/i,
    )
  })

  it('equals plain SQL over the members after edits, device changes and deletes (the engine keeps up)', async () => {
    h = openHarness()
    await makeProfiles()
    const db = h.backend.context.db
    const anyone = definition([])
    const identified = definition([
      { type: 'property', property: { kind: 'type' }, op: 'eq', value: 'Identified' },
    ])
    // The first answer loads the engine's columns; the edits below must reach them.
    expect(without(await h.call('overview.get', { segment: { definition: identified } }))).toEqual(
      without(await h.call('overview.get', { filters: { type: 'Identified' } })),
    )
    const ids = h
      .rows<{ object_id: string }>('SELECT object_id FROM profiles ORDER BY id')
      .map((r) => r.object_id)
    const random = seeded(5)
    for (let round = 0; round < 3; round++) {
      for (const id of ids.filter(() => random() < 0.2)) {
        const roll = random()
        if (roll < 0.3) await h.call('profiles.setTest', { id, test: random() < 0.5 })
        else if (roll < 0.5) await h.call('profiles.setControlGroupExclusion', { id, excluded: false })
        else if (roll < 0.8)
          await h.call('devices.setToken', {
            profileId: id,
            deviceId: `${id}-x${round}`,
            platform: (['Android', 'iOS', 'Web'] as const)[round] ?? 'Web',
            pushToken: `x-${id}-${round}`,
          })
        else await h.call('profiles.update', { id, changes: [{ op: 'set', key: 'Age', value: 40 + round }] })
      }
      await h.call('profiles.delete', { id: ids.pop() as string })
      for (const [source, filters] of [
        [anyone, {}],
        [identified, {}],
        [anyone, { test: false }],
      ] as const) {
        const got = await h.call('overview.get', { segment: { definition: source }, filters })
        const want = await h.call('overview.get', {
          filters: source === identified ? { ...filters, type: 'Identified' } : filters,
        })
        expect(without(got), `round ${round}`).toEqual(without(want))
      }
    }
    // A profile with more devices than the engine's packed per-platform field holds is counted exactly.
    const [holder] = h.rows<{ id: number }>('SELECT id FROM profiles ORDER BY id LIMIT 1')
    // As a bulk load writes them: the holder's codes cleared first (each device insert would otherwise
    // re-read all its devices), then given again in one pass.
    db.transaction(() => {
      db.prepare('UPDATE profiles SET reach = NULL WHERE id = ?').run(holder?.id)
      const insert = db.prepare("INSERT INTO devices (device_id, profile_id, platform) VALUES (?, ?, 'Web')")
      for (let i = 0; i < 4100; i++) insert.run(`many-${i}`, holder?.id)
      fillMissingReach(db)
    })()
    const got = await h.call('overview.get', { segment: { definition: anyone } })
    const web = h.rows<{ n: number }>("SELECT count(*) AS n FROM devices WHERE platform = 'Web'")[0]?.n
    expect(got.devicesByPlatform.find((r) => r.label === 'Web')?.count).toBe(web)
    expect(without(got)).toEqual(without(await h.call('overview.get', {})))
  }, 60_000)
})
