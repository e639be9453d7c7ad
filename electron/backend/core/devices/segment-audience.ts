// The overview's numbers for a segment, counted where its members are known: in the segment engine (its
// worker), in one pass over the member mask and the snapshot's columns for type, test, exclusion, the
// packed reachability codes, Age's inputs and each profile's devices per platform. Counted by the same
// rules as the everyone-overview's kept tables (age: DOB in the profile's zone, else the explicit Age).
import { ageFromPacked, todayPacked } from '../../../../shared/profile/identity'
import { CHANNELS, PLATFORMS, REACH_CODES } from '../../../../shared/reachability/rules'
import { columnSource, type ColumnSource } from '../segments/column-sources'
import type { Column, Snapshot } from '../segments/snapshot'
import { AGE_BUCKETS, bucketOfAge } from './age-counts'
import { REACH_BITS } from './schema'

/** What the overview counts over a set of members (devices per platform in PLATFORMS order). */
export interface AudienceTally {
  identified: number
  anonymous: number
  test: number
  excluded: number
  /** Profiles per channel (CHANNELS order) per stored code (REACH_CODES order). */
  perChannel: number[][]
  /** Per AGE_BUCKETS bucket. */
  ages: number[]
  unknownAge: number
  platforms: [string, number][]
}

const IDS_IN = 'IN (SELECT value FROM json_each(?))'

const profilesSource = (
  id: string,
  kind: ColumnSource['kind'],
  columns: string,
  expr: string,
): ColumnSource => ({
  id,
  kind,
  sql: `SELECT id, ${columns} FROM profiles`,
  params: [],
  subsetSql: `SELECT id, ${columns} FROM profiles WHERE id ${IDS_IN}`,
  rangeSql: `SELECT id, ${columns} FROM profiles WHERE id > ? AND id <= ?`,
  expr,
})

/**
 * A profile's devices per platform packed in one number: PLATFORM_BITS bits per platform (PLATFORMS
 * order). A profile with more devices than one field holds gets -1 and is counted by a query instead.
 */
const PLATFORM_BITS = 12
const PLATFORM_LIMIT = 2 ** PLATFORM_BITS
const platformWeight = PLATFORMS.map(
  (platform, i) => `WHEN '${platform}' THEN ${2 ** (PLATFORM_BITS * i)}`,
).join(' ')
const devicesExpr = `CASE WHEN count(*) < ${PLATFORM_LIMIT}
  THEN sum(CASE platform ${platformWeight} ELSE 0 END) ELSE -1 END`

/** The columns the tally reads (cached in the snapshot beside the segments' own, kept on edits). */
export const AUDIENCE_SOURCES = {
  // The segments' own columns of these properties (a segment on type or test has them loaded already).
  type: columnSource({ kind: 'type' }, new Map()),
  test: columnSource({ kind: 'test' }, new Map()),
  excluded: columnSource({ kind: 'excluded' }, new Map()),
  reach: profilesSource('overview:reach', 'num', 'reach AS v', 'reach'),
  // Age's inputs without the custom `birthday`: the overview's rule is age_counts' (DOB, else Age).
  age: profilesSource(
    'overview:age',
    'age',
    'dob, NULL AS birthday, age, timezone AS tz',
    'dob, NULL, age, timezone',
  ),
  devices: {
    id: 'overview:devices',
    kind: 'num',
    sql: `SELECT profile_id AS id, ${devicesExpr} AS v FROM devices GROUP BY profile_id`,
    params: [],
    subsetSql: `SELECT profile_id AS id, ${devicesExpr} AS v FROM devices WHERE profile_id ${IDS_IN}
      GROUP BY profile_id`,
    rangeSql: `SELECT profile_id AS id, ${devicesExpr} AS v FROM devices
      WHERE profile_id > ? AND profile_id <= ? GROUP BY profile_id`,
    expr: `(SELECT ${devicesExpr} FROM devices WHERE profile_id = profiles.id)`,
  },
} satisfies Record<string, ColumnSource>

function numbers(column: Column): Float64Array {
  if (column.kind !== 'num') throw new Error(`expected a numeric column, got ${column.kind}`)
  return column.values
}

/**
 * One pass over the members (mask[id] = 1). Reading a column the first time loads it (one query); after
 * that the pass is arithmetic over typed arrays. `devicesOf` counts the rare profile whose devices
 * overflow the packed field.
 */
export function tallyAudience(
  snapshot: Snapshot,
  mask: Uint8Array,
  nowMs: number,
  devicesOf: (id: number) => [string, number][],
): AudienceTally {
  const type = numbers(snapshot.column(AUDIENCE_SOURCES.type))
  const test = numbers(snapshot.column(AUDIENCE_SOURCES.test))
  const excluded = numbers(snapshot.column(AUDIENCE_SOURCES.excluded))
  const reach = numbers(snapshot.column(AUDIENCE_SOURCES.reach))
  const devices = numbers(snapshot.column(AUDIENCE_SOURCES.devices))
  const age = snapshot.column(AUDIENCE_SOURCES.age)
  if (age.kind !== 'age') throw new Error('expected the age column')
  // Today per zone code (index code + 1; slot 0: no zone), the profile page's rule: unknown zones read UTC.
  const todays = [todayPacked(nowMs, null), ...age.zones.values.map((zone) => todayPacked(nowMs, zone))]
  // Profiles per packed value (five 3-bit codes: 2^15 values), unpacked once per value after the pass.
  const perPacked = new Int32Array(1 << (REACH_BITS * CHANNELS.length))
  // Bucket per whole age for the ages people have (a table read in the loop); others ask bucketOfAge.
  const bucketOf = Int8Array.from({ length: 151 }, (_v, years) => bucketOfAge(years))
  const tally = {
    identified: 0,
    anonymous: 0,
    test: 0,
    excluded: 0,
    ages: AGE_BUCKETS.map(() => 0),
    unknownAge: 0,
  }
  const platforms = PLATFORMS.map(() => 0)
  const limit = Math.min(mask.length, type.length)
  for (let id = 0; id < limit; id++) {
    if (mask[id] !== 1) continue
    if (type[id] === 1) tally.identified++
    else tally.anonymous++
    if (test[id] === 1) tally.test++
    if (excluded[id] === 1) tally.excluded++
    const packed = reach[id] as number
    // A row without codes yet (a bulk load finishing) is left out of reachability, as reach_counts does.
    if (packed === packed) perPacked[packed]!++
    const birth = age.birth[id] as number
    const explicit = age.explicit[id] as number
    const years =
      birth !== 0
        ? ageFromPacked(birth, todays[(age.zone[id] as number) + 1] as number)
        : explicit === explicit
          ? explicit
          : null
    const bucket =
      years === null
        ? -1
        : (years | 0) === years && years >= 0 && years <= 150
          ? (bucketOf[years] as number)
          : bucketOfAge(years)
    if (bucket < 0) tally.unknownAge++
    else tally.ages[bucket]!++
    const packedDevices = devices[id] as number
    if (packedDevices > 0) {
      let rest = packedDevices
      for (let p = 0; p < platforms.length; p++) {
        platforms[p]! += rest % PLATFORM_LIMIT
        rest = Math.floor(rest / PLATFORM_LIMIT)
      }
    } else if (packedDevices === -1)
      for (const [platform, n] of devicesOf(id)) {
        const at = PLATFORMS.indexOf(platform as (typeof PLATFORMS)[number])
        if (at >= 0) platforms[at]! += n
      }
  }
  const perChannel = CHANNELS.map(() => REACH_CODES.map(() => 0))
  perPacked.forEach((n, packed) => {
    if (n === 0) return
    CHANNELS.forEach((_channel, c) => {
      const code = (packed >> (REACH_BITS * c)) & 7
      const row = perChannel[c] as number[]
      row[code] = (row[code] ?? 0) + n
    })
  })
  return {
    ...tally,
    perChannel,
    platforms: PLATFORMS.map((platform, i): [string, number] => [platform, platforms[i] ?? 0]),
  }
}
