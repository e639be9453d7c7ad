// The overview's age histogram from the trigger-kept age_counts: the table always equals a recount of
// profiles after inserts, edits (DOB, zone, Age, type, test) and deletes, and the histogram equals a brute
// force that ages every profile with the shared ageFromDob in its own zone.
import { afterEach, describe, expect, it } from 'vitest'
import { AGE_BUCKETS } from '../../electron/backend/core/devices/overview'
import { ageFromDob } from '../../shared/profile/identity'
import { seeded } from '../../test-support/seeded'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

const ZONES = [null, 'Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'] as const

/** Everything age_counts should hold, counted from the profiles table now. */
function recounted() {
  return h.rows(
    `SELECT identified, is_test, CASE WHEN dob IS NOT NULL THEN 0 WHEN age IS NOT NULL THEN 1 ELSE 2 END AS kind,
       coalesce(dob, 0) AS dob, CASE WHEN dob IS NOT NULL THEN coalesce(timezone, '') ELSE '' END AS zone,
       CASE WHEN dob IS NULL THEN coalesce(age, 0) ELSE 0 END AS age, count(*) AS n
     FROM profiles GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
  )
}

function brute(filter: (row: { identified: number; is_test: number }) => boolean): number[] {
  const counts = [...AGE_BUCKETS.map(() => 0), 0]
  const rows = h.rows<{
    dob: number | null
    timezone: string | null
    age: number | null
    identified: number
    is_test: number
  }>('SELECT dob, timezone, age, identified, is_test FROM profiles')
  for (const row of rows.filter(filter)) {
    const age = row.dob !== null ? ageFromDob(row.dob, h.now(), row.timezone ?? 'UTC') : row.age
    const bucket = age === null ? -1 : AGE_BUCKETS.findIndex(([, low, high]) => age >= low && age <= high)
    const at = bucket < 0 ? AGE_BUCKETS.length : bucket
    counts[at] = (counts[at] ?? 0) + 1
  }
  return counts
}

describe('age_counts', () => {
  it('stays equal to a recount through edits, and the histogram equals the brute force', async () => {
    h = openHarness()
    const random = seeded(41)
    const db = h.backend.context.db
    const ids: string[] = []
    for (let i = 0; i < 150; i += 1) ids.push((await h.call('profiles.create', { changes: [] })).id)
    // Birthdays around "today" in the test clock, so a profile's zone decides its age.
    const today = Math.floor(h.now() / 1000)
    for (let round = 0; round < 3; round += 1) {
      for (const id of ids) {
        const roll = random()
        const dob =
          roll < 0.5
            ? today - Math.floor(random() * 80) * 365.25 * 86_400 + Math.floor(random() * 3 - 1) * 43_200
            : null
        db.prepare(
          'UPDATE profiles SET dob = ?, timezone = ?, age = ?, identified = ?, is_test = ? WHERE object_id = ?',
        ).run(
          dob === null ? null : Math.floor(dob),
          ZONES[Math.floor(random() * ZONES.length)] ?? null,
          roll > 0.75 ? null : Math.floor(random() * 90),
          random() < 0.5 ? 1 : 0,
          random() < 0.1 ? 1 : 0,
          id,
        )
      }
      expect(
        h.rows(
          'SELECT identified, is_test, kind, dob, zone, age, n FROM age_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6',
        ),
      ).toEqual(recounted())
    }
    for (const id of ids.slice(0, 20)) await h.call('profiles.delete', { id })
    expect(
      h.rows(
        'SELECT identified, is_test, kind, dob, zone, age, n FROM age_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6',
      ),
    ).toEqual(recounted())

    const all = await h.call('overview.get', {})
    expect(all.ageHistogram.map((r) => r.count)).toEqual(brute(() => true))
    expect(all.ageHistogram.reduce((sum, r) => sum + r.count, 0)).toBe(130)
    const real = await h.call('overview.get', { filters: { type: 'Identified', test: false } })
    expect(real.ageHistogram.map((r) => r.count)).toEqual(brute((r) => r.identified === 1 && r.is_test === 0))
  })

  it('puts birthdays on each bucket boundary in the bucket their own zone says (today differs by zone)', async () => {
    h = openHarness()
    const db = h.backend.context.db
    // 12:00 UTC on the harness day: already tomorrow in Kiritimati (UTC+14), still today in Pago Pago.
    const now = new Date(h.now())
    const rows: [number, string | null][] = []
    for (const years of [0, 18, 25, 35, 45, 55, 65]) {
      for (const dayOffset of [-1, 0, 1, 2]) {
        const dob =
          Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() + dayOffset) / 1000
        for (const zone of ZONES) rows.push([dob, zone])
      }
    }
    for (const [dob, zone] of rows) {
      const { id } = await h.call('profiles.create', { changes: [] })
      db.prepare('UPDATE profiles SET dob = ?, timezone = ? WHERE object_id = ?').run(dob, zone, id)
    }
    const all = await h.call('overview.get', {})
    expect(all.ageHistogram.map((r) => r.count)).toEqual(brute(() => true))
    // The zone matters: some boundary birthday is counted differently in Kiritimati than in Pago Pago.
    const ages = new Set(rows.map(([dob, zone]) => ageFromDob(dob, h.now(), zone ?? 'UTC')))
    expect(ages.has(-1)).toBe(true)
    expect(all.ageHistogram.reduce((sum, r) => sum + r.count, 0)).toBe(rows.length)
  })
})
