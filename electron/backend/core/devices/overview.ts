// The audience at a glance (Overview page, `profile-desk overview`): profiles by type and test, age
// histogram, reachability per channel by reason, devices by platform, imports and sync per day.
import type { CountRow, OverviewNumbers } from '../../../../shared/devices/types'
import type { ProfileFilters } from '../../../../shared/profile/search'
import {
  CHANNEL_LABELS,
  CHANNELS,
  PLATFORMS,
  REACH_CODES,
  REASON_LABELS,
  type ReachCode,
} from '../../../../shared/reachability/rules'
import type { Db } from '../db/connection'
import { ageHistogramOf } from './age-counts'
import { unpackCodes } from './schema'

export { AGE_BUCKETS } from './age-counts'

const ACTIVITY_DAYS = 30
const DAY_MS = 86_400_000

function where(filters: ProfileFilters): { sql: string; params: number[] } {
  const parts: string[] = []
  const params: number[] = []
  if (filters.type !== undefined) {
    parts.push('identified = ?')
    params.push(filters.type === 'Identified' ? 1 : 0)
  }
  if (filters.test !== undefined) {
    parts.push('is_test = ?')
    params.push(filters.test ? 1 : 0)
  }
  return { sql: parts.length === 0 ? 'true' : parts.join(' AND '), params }
}

function reachLabel(code: ReachCode): string {
  return code === 'reachable' ? 'Reachable' : `Not reachable: ${REASON_LABELS[code]}`
}

export function overviewNumbers(db: Db, filters: ProfileFilters, nowMs: number): OverviewNumbers {
  const started = performance.now()
  const filter = where(filters)
  // Type and test from the trigger-kept profile_counts: O(1) on a million profiles.
  const counts = db
    .prepare(`SELECT identified, is_test, sum(n) AS n FROM profile_counts WHERE ${filter.sql} GROUP BY 1, 2`)
    .all(...filter.params) as { identified: number; is_test: number; n: number }[]
  const sum = (pick: (r: { identified: number; is_test: number }) => boolean) =>
    counts.filter(pick).reduce((total, r) => total + r.n, 0)
  // Every number below is read from a table kept by triggers (version 34 added the last two): none
  // grows with the number of profiles or devices.
  const excluded = db
    .prepare(`SELECT coalesce(sum(n), 0) FROM excluded_counts WHERE ${filter.sql}`)
    .pluck()
    .get(...filter.params) as number

  const perChannel = CHANNELS.map(() => REACH_CODES.map(() => 0))
  // From the trigger-kept reach_counts: a few hundred rows whatever the number of profiles.
  const packed = db
    .prepare(`SELECT reach, sum(n) FROM reach_counts WHERE ${filter.sql} GROUP BY reach`)
    .raw()
    .all(...filter.params) as [number, number][]
  for (const [reach, n] of packed) {
    unpackCodes(reach).forEach((code, channel) => {
      const row = perChannel[channel] as number[]
      row[code] = (row[code] ?? 0) + n
    })
  }
  const platforms = db
    .prepare(`SELECT platform, sum(n) FROM platform_counts WHERE ${filter.sql} GROUP BY platform`)
    .raw()
    .all(...filter.params) as [string, number][]

  return assembleOverview(db, nowMs, started, {
    segment: null,
    identified: sum((r) => r.identified === 1),
    anonymous: sum((r) => r.identified === 0),
    test: sum((r) => r.is_test === 1),
    excluded,
    perChannel,
    ageHistogram: ageHistogramOf(db, filter, nowMs),
    platforms,
  })
}

/** What the overview counts, however it was counted (kept tables for everyone, members for a segment). */
export interface AudienceCounts {
  /** The saved segment's name (or "the selection"), null for everyone. */
  segment: string | null
  identified: number
  anonymous: number
  test: number
  excluded: number
  /** Profiles per channel (CHANNELS order) per stored code (REACH_CODES order). */
  perChannel: number[][]
  ageHistogram: CountRow[]
  platforms: [string, number][]
}

/** The overview's reply from its counts; activity is the account's (runs belong to no profile). */
export function assembleOverview(
  db: Db,
  nowMs: number,
  started: number,
  counts: AudienceCounts,
): OverviewNumbers {
  return {
    segment: counts.segment,
    total: counts.identified + counts.anonymous,
    byType: [
      { label: 'Identified', count: counts.identified },
      { label: 'Anonymous', count: counts.anonymous },
    ],
    test: [
      { label: 'Test profiles', count: counts.test },
      { label: 'Excluded from control groups', count: counts.excluded },
    ],
    ageHistogram: counts.ageHistogram,
    reachability: CHANNELS.map((channel, i) => ({
      channel,
      label: CHANNEL_LABELS[channel],
      rows: REACH_CODES.map((code, c) => ({
        label: reachLabel(code),
        count: counts.perChannel[i]?.[c] ?? 0,
      })),
    })),
    devicesByPlatform: PLATFORMS.map((platform) => ({
      label: platform,
      count: counts.platforms.find(([p]) => p === platform)?.[1] ?? 0,
    })),
    activity: activity(db, nowMs),
    tookMs: Math.round((performance.now() - started) * 10) / 10,
  }
}

/**
 * Imports and sync runs per day (UTC) over the last 30 days, counted per day in SQL over the runs' start
 * time indexes (version 34): at most 30 × 3 rows come back, whatever the history holds.
 */
function activity(db: Db, nowMs: number): OverviewNumbers['activity'] {
  const since = nowMs - ACTIVITY_DAYS * DAY_MS
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  const days = new Map<string, { day: string; imports: number; pushes: number; pulls: number }>()
  for (let t = nowMs - (ACTIVITY_DAYS - 1) * DAY_MS; t <= nowMs; t += DAY_MS) {
    days.set(day(t), { day: day(t), imports: 0, pushes: 0, pulls: 0 })
  }
  const imports = db
    .prepare(
      `SELECT started_at / ${DAY_MS}, count(*) FROM import_runs WHERE mode = 'import' AND started_at >= ?
       GROUP BY 1`,
    )
    .raw()
    .all(since) as [number, number][]
  for (const [dayNumber, n] of imports) {
    const entry = days.get(day(dayNumber * DAY_MS))
    if (entry) entry.imports += n
  }
  const runs = db
    .prepare(
      `SELECT kind, started_at / ${DAY_MS}, count(*) FROM sync_runs WHERE started_at >= ? GROUP BY 1, 2`,
    )
    .raw()
    .all(since) as ['push' | 'pull', number, number][]
  for (const [kind, dayNumber, n] of runs) {
    const entry = days.get(day(dayNumber * DAY_MS))
    if (entry && kind === 'push') entry.pushes += n
    else if (entry) entry.pulls += n
  }
  return [...days.values()]
}
