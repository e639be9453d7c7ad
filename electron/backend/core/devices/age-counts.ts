// Profiles per (type, test, date of birth and zone | explicit age | unknown), kept by triggers like
// reach_counts, so the overview's age histogram reads tens of thousands of rows instead of three scans.
// Ages change with the calendar, so the table keeps birth dates, not ages: the overview turns them into
// ages with the shared function when it reads them.
import type { CountRow } from '../../../../shared/devices/types'
import { ageFromPacked, packDate, todayPacked } from '../../../../shared/profile/identity'
import { utcDateOf } from '../../../../shared/profile/validators-dates'
import type { SqlObject } from '../db/bulk-load'
import type { Db } from '../db/connection'

/** Age buckets: [label, lowest age, highest age]. */
export const AGE_BUCKETS: readonly [string, number, number][] = [
  ['Under 18', 0, 17],
  ['18–24', 18, 24],
  ['25–34', 25, 34],
  ['35–44', 35, 44],
  ['45–54', 45, 54],
  ['55–64', 55, 64],
  ['65 and over', 65, Number.POSITIVE_INFINITY],
]

/** kind 0: a date of birth (dob, zone); 1: only an explicit Age (age); 2: neither. Unused columns are 0/''. */
export const AGE_COUNTS_SQL = `
  CREATE TABLE age_counts (
    identified INTEGER NOT NULL, is_test INTEGER NOT NULL, kind INTEGER NOT NULL,
    dob INTEGER NOT NULL, zone TEXT NOT NULL, age INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (identified, is_test, kind, dob, zone, age)
  ) STRICT, WITHOUT ROWID;
`

/** The key columns of a profile row (`r` is new, old or a table alias); DOB wins over Age, as on the page. */
const keyOf = (r: string) =>
  `${r}.identified, ${r}.is_test,
   CASE WHEN ${r}.dob IS NOT NULL THEN 0 WHEN ${r}.age IS NOT NULL THEN 1 ELSE 2 END,
   coalesce(${r}.dob, 0),
   CASE WHEN ${r}.dob IS NOT NULL THEN coalesce(${r}.timezone, '') ELSE '' END,
   CASE WHEN ${r}.dob IS NULL THEN coalesce(${r}.age, 0) ELSE 0 END`

const count = (row: 'old' | 'new', delta: 1 | -1) =>
  `INSERT INTO age_counts (identified, is_test, kind, dob, zone, age, n) SELECT ${keyOf(row)}, ${delta}
     ON CONFLICT (identified, is_test, kind, dob, zone, age) DO UPDATE SET n = n + ${delta};`

/** Dropped for a bulk load (recountAges rebuilds the table at its end). */
export const AGE_COUNT_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'age_counts_ai',
    sql: `CREATE TRIGGER age_counts_ai AFTER INSERT ON profiles BEGIN ${count('new', 1)} END`,
  },
  {
    name: 'age_counts_ad',
    sql: `CREATE TRIGGER age_counts_ad AFTER DELETE ON profiles BEGIN ${count('old', -1)} END`,
  },
  {
    name: 'age_counts_au',
    sql: `CREATE TRIGGER age_counts_au AFTER UPDATE OF dob, timezone, age, identified, is_test ON profiles
      WHEN old.dob IS NOT new.dob OR old.timezone IS NOT new.timezone OR old.age IS NOT new.age
        OR old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test
      BEGIN ${count('old', -1)} ${count('new', 1)} END`,
  },
]

/** Sets age_counts from the profiles table (after a bulk load, or the migration). */
export function recountAges(db: Db): void {
  db.exec(`DELETE FROM age_counts;
    INSERT INTO age_counts (identified, is_test, kind, dob, zone, age, n)
      SELECT ${keyOf('p')}, count(*) FROM profiles p GROUP BY 1, 2, 3, 4, 5, 6;`)
}

/** The bucket of an age (AGE_BUCKETS index), or -1 for Unknown (below 0). */
export function bucketOfAge(age: number): number {
  return AGE_BUCKETS.findIndex(([, low, high]) => age >= low && age <= high)
}

/** Counts per bucket and the unknowns as the overview's rows. */
export function histogramRows(counts: readonly number[], unknown: number): CountRow[] {
  return [
    ...AGE_BUCKETS.map(([label], i) => ({ label, count: counts[i] ?? 0 })),
    { label: 'Unknown', count: unknown },
  ]
}

/**
 * Version 32: birth dates by zone in date order (covering), so the histogram reads each zone's rows as
 * one index range and never sorts the table (the GROUP BY over the primary key needed a temporary B-tree).
 */
export const AGE_COUNTS_ZONE_INDEX_SQL =
  'CREATE INDEX age_counts_zone ON age_counts(kind, zone, dob, identified, is_test, n)'

/** A WHERE over age_counts' identified / is_test columns and its parameters. */
export interface CountFilter {
  sql: string
  params: number[]
}

/**
 * The first birth date (epoch seconds) at which a person is younger than `years` on `today`, by the
 * shared ageFromPacked (the profile page's rule): age never grows with the birth date, so a binary search
 * over epoch seconds finds it, leap days included, without restating the rule.
 */
function youngerFrom(years: number, today: number): number {
  let lo = -(2 ** 40)
  let hi = 2 ** 40
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (ageFromPacked(packDate(utcDateOf(mid)), today) < years) hi = mid
    else lo = mid + 1
  }
  return lo
}

/**
 * The age histogram from age_counts. Birth dates (kind 0) are aged per zone: each zone's today gives a
 * birth-date cutoff per bucket boundary, and each bucket is one range sum over age_counts_zone (a covering
 * index: no sort, no expression per row). The zones are found by a skip scan of the same index (a seek
 * per zone). Explicit ages (kind 1) and unknowns (kind 2) are few rows.
 */
export function ageHistogramOf(db: Db, filter: CountFilter, nowMs: number): CountRow[] {
  const counts = AGE_BUCKETS.map(() => 0)
  let unknown = 0
  const add = (bucket: number, n: number) => {
    if (bucket < 0 || bucket >= counts.length) unknown += n
    else counts[bucket] = (counts[bucket] ?? 0) + n
  }
  const boundaries = [0, ...AGE_BUCKETS.slice(1).map(([, low]) => low)]
  const nextZone = db.prepare('SELECT min(zone) FROM age_counts WHERE kind = 0 AND zone > ?').pluck()
  // Ranges between consecutive cutoffs: [t(k+1), t(k)) is bucket k; before the last, the oldest bucket;
  // from t(0) on, not born yet (Unknown, as an age below 0 always was).
  const inRange = db
    .prepare(
      `SELECT sum(n) FROM age_counts WHERE kind = 0 AND zone = ? AND dob >= ? AND dob < ? AND ${filter.sql}`,
    )
    .pluck()
  // '' (no zone) sorts first; min(zone) > '' then walks the others.
  const zones: string[] = []
  if (db.prepare("SELECT 1 FROM age_counts WHERE kind = 0 AND zone = '' LIMIT 1").get()) zones.push('')
  for (
    let zone = nextZone.get('') as string | null;
    zone !== null;
    zone = nextZone.get(zone) as string | null
  )
    zones.push(zone)
  for (const zone of zones) {
    const today = todayPacked(nowMs, zone === '' ? null : zone)
    const cutoffs = [...boundaries.map((years) => youngerFrom(years, today)), -(2 ** 53)]
    cutoffs.unshift(2 ** 53)
    // cutoffs: [+∞, t0 .. t6, -∞]; the rows in [cutoffs[i+1], cutoffs[i]) are i boundaries old, bucket i-1.
    for (let i = 0; i + 1 < cutoffs.length; i += 1) {
      const n = inRange.get(zone, cutoffs[i + 1], cutoffs[i], ...filter.params) as number | null
      if (n !== null) add(i - 1, n)
    }
  }
  const explicit = db
    .prepare(
      `SELECT kind, age, sum(n) FROM age_counts WHERE kind IN (1, 2) AND ${filter.sql} GROUP BY kind, age`,
    )
    .raw()
    .all(...filter.params) as [number, number, number][]
  for (const [kind, age, n] of explicit) {
    if (kind === 2) unknown += n
    else add(bucketOfAge(age), n)
  }
  return histogramRows(counts, unknown)
}
