// The overview's kept counts (version 34: devices per platform and control-group exclusions per type and
// test, beside reach_counts and profile_counts) always equal a brute-force recount of profiles and devices
// through inserts, edits, device moves and deletes (a profile's devices go by cascade), and the overview's
// numbers, with and without Find People's filters, equal plain SQL over the tables. Activity per day
// counts only the last 30 days' runs.
import { afterEach, describe, expect, it } from 'vitest'
import type { OverviewNumbers } from '../../shared/devices/types'
import type { ProfileFilters } from '../../shared/profile/search'
import { CHANNELS } from '../../shared/reachability/rules'
import { seeded } from '../../test-support/seeded'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
afterEach(async () => {
  await h.close()
})

const PLATFORMS = ['Android', 'iOS', 'Web', 'Other'] as const
const FILTERS: ProfileFilters[] = [
  {},
  { type: 'Identified' },
  { type: 'Anonymous', test: true },
  { test: false },
  { type: 'Identified', test: false },
]

/** Every kept count table equals a recount of the tables now (rows with n = 0 are left out). */
function expectCountsKept(): void {
  const kept = (sql: string) => h.rows(sql)
  expect(
    kept('SELECT identified, is_test, platform, n FROM platform_counts WHERE n <> 0 ORDER BY 1, 2, 3'),
    'platform_counts',
  ).toEqual(
    kept(`SELECT p.identified, p.is_test, d.platform, count(*) AS n FROM devices d
          JOIN profiles p ON p.id = d.profile_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`),
  )
  expect(
    kept('SELECT identified, is_test, n FROM excluded_counts WHERE n <> 0 ORDER BY 1, 2'),
    'excluded_counts',
  ).toEqual(
    kept(
      'SELECT identified, is_test, count(*) AS n FROM profiles WHERE cg_excluded = 1 GROUP BY 1, 2 ORDER BY 1, 2',
    ),
  )
  expect(
    kept('SELECT identified, is_test, reach, n FROM reach_counts WHERE n <> 0 ORDER BY 1, 2, 3'),
    'reach_counts',
  ).toEqual(
    kept('SELECT identified, is_test, reach, count(*) AS n FROM profiles GROUP BY 1, 2, 3 ORDER BY 1, 2, 3'),
  )
}

/** The overview's profile and device numbers counted straight from the tables. */
function bruteForce(filters: ProfileFilters) {
  const parts = ['1']
  if (filters.type !== undefined) parts.push(`p.identified = ${filters.type === 'Identified' ? 1 : 0}`)
  if (filters.test !== undefined) parts.push(`p.is_test = ${filters.test ? 1 : 0}`)
  const where = parts.join(' AND ')
  const one = (sql: string) => (h.rows<{ n: number }>(sql)[0]?.n ?? 0) as number
  return {
    total: one(`SELECT count(*) AS n FROM profiles p WHERE ${where}`),
    identified: one(`SELECT count(*) AS n FROM profiles p WHERE ${where} AND p.identified = 1`),
    test: one(`SELECT count(*) AS n FROM profiles p WHERE ${where} AND p.is_test = 1`),
    excluded: one(`SELECT count(*) AS n FROM profiles p WHERE ${where} AND p.cg_excluded = 1`),
    platforms: PLATFORMS.map((platform) =>
      one(
        `SELECT count(*) AS n FROM devices d JOIN profiles p ON p.id = d.profile_id
         WHERE ${where} AND d.platform = '${platform}'`,
      ),
    ),
    reachable: CHANNELS.map((channel) =>
      one(`SELECT count(*) AS n FROM profiles p WHERE ${where} AND p.reach_${channel} = 0`),
    ),
  }
}

function shown(n: OverviewNumbers) {
  return {
    total: n.total,
    identified: n.byType[0]?.count,
    test: n.test[0]?.count,
    excluded: n.test[1]?.count,
    platforms: PLATFORMS.map((p) => n.devicesByPlatform.find((r) => r.label === p)?.count ?? 0),
    reachable: n.reachability.map((channel) => channel.rows[0]?.count),
  }
}

async function expectOverviewIsBruteForce(): Promise<void> {
  for (const filters of FILTERS) {
    const numbers = await h.call('overview.get', { filters })
    expect(shown(numbers), JSON.stringify(filters)).toEqual(bruteForce(filters))
  }
}

describe('the overview kept counts', () => {
  it('equal a recount through profile and device inserts, edits, moves and deletes', async () => {
    h = openHarness()
    const random = seeded(1313)
    const db = h.backend.context.db
    const ids: string[] = []
    for (let i = 0; i < 60; i++) {
      const identifiers = random() < 0.5 ? [{ kind: 'identity' as const, value: `u${i}` }] : []
      const changes = random() < 0.6 ? [{ op: 'set' as const, key: 'Email', value: `p${i}@example.com` }] : []
      const { id } = await h.call('profiles.create', { changes, identifiers })
      ids.push(id)
      for (let d = 0; d < Math.floor(random() * 3); d++)
        await h.call('devices.setToken', {
          profileId: id,
          deviceId: `${id}-${d}`,
          platform: PLATFORMS[Math.floor(random() * 3)] ?? 'Android',
          pushToken: `t-${i}-${d}`,
        })
    }
    expectCountsKept()
    await expectOverviewIsBruteForce()

    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        const roll = random()
        if (roll < 0.15) await h.call('profiles.setTest', { id, test: random() < 0.5 })
        else if (roll < 0.3)
          await h.call('profiles.setControlGroupExclusion', { id, excluded: random() < 0.6 })
        else if (roll < 0.4)
          // Type and test flips with devices and exclusions attached move every count of the profile.
          db.prepare('UPDATE profiles SET identified = 1 - identified, is_test = ? WHERE object_id = ?').run(
            random() < 0.5 ? 1 : 0,
            id,
          )
        else if (roll < 0.5)
          await h.call('devices.setToken', {
            profileId: id,
            deviceId: `${id}-r${round}`,
            platform: PLATFORMS[Math.floor(random() * 3)] ?? 'Web',
            pushToken: `t-${id}-r${round}`,
          })
      }
      // A device changes platform, one moves to another holder (a merge), one is deleted outright.
      const devices = h.rows<{ id: number }>('SELECT id FROM devices ORDER BY id')
      const pick = () => devices[Math.floor(random() * devices.length)]?.id ?? 0
      db.prepare("UPDATE devices SET platform = 'Other' WHERE id = ?").run(pick())
      db.prepare(
        'UPDATE devices SET profile_id = (SELECT id FROM profiles ORDER BY id DESC LIMIT 1) WHERE id = ?',
      ).run(pick())
      db.prepare('DELETE FROM devices WHERE id = ?').run(pick())
      // Deleted profiles take their devices with them (ON DELETE CASCADE).
      for (const id of ids.splice(0, 4)) await h.call('profiles.delete', { id })
      expectCountsKept()
      await expectOverviewIsBruteForce()
    }
    expect(h.rows('SELECT 1 FROM excluded_counts WHERE n <> 0').length).toBeGreaterThan(0)
    expect(h.rows("SELECT 1 FROM platform_counts WHERE platform = 'Other' AND n > 0").length).toBeGreaterThan(
      0,
    )
  })

  it('counts imports and sync runs of the last 30 days per day, older runs left out', async () => {
    h = openHarness()
    const db = h.backend.context.db
    const day = 86_400_000
    const importRun = db.prepare(
      `INSERT INTO import_runs (kind, mode, file_path, file_name, file_bytes, actor, started_at, status, mapping, pid)
       VALUES ('profiles', ?, 'f.csv', 'f.csv', 1, 'tester', ?, 'succeeded', '{}', 1)`,
    )
    const syncRun = db.prepare(
      "INSERT INTO sync_runs (kind, trigger, status, started_at) VALUES (?, 'manual', 'succeeded', ?)",
    )
    const now = h.now()
    const times = [0, 0.5, 1, 3, 29, 31, 400].map((days) => now - days * day)
    for (const at of times) {
      importRun.run('import', at)
      importRun.run('dry-run', at)
      syncRun.run('push', at)
      syncRun.run('push', at - 1000)
      syncRun.run('pull', at)
    }
    const { activity } = await h.call('overview.get', {})
    expect(activity).toHaveLength(30)
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    const inWindow = times.filter((at) => at >= now - 30 * day)
    for (const row of activity) {
      const runs = inWindow.filter((at) => dayOf(at) === row.day).length
      const pushes = inWindow.flatMap((at) => [at, at - 1000]).filter((at) => dayOf(at) === row.day).length
      expect(row, row.day).toEqual({ day: row.day, imports: runs, pushes, pulls: runs })
    }
    expect(activity.reduce((sum, r) => sum + r.imports, 0)).toBe(5)
  })
})
