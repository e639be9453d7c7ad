// The overview of a saved segment (or any selection): the segment engine names the members (in its
// worker), then their rows are counted here by the same rules as the everyone-overview's kept tables:
// type and test, control groups, the stored reachability codes, Age (DOB in the profile's zone, else the
// explicit Age) and devices per platform. Activity stays the account's: runs belong to no profile.
import type { OverviewNumbers } from '../../../../shared/devices/types'
import type { ProfileFilters } from '../../../../shared/profile/search'
import { ageFromPacked, packDate, todayPacked } from '../../../../shared/profile/identity'
import { utcDateOf } from '../../../../shared/profile/validators-dates'
import { CHANNELS, REACH_CODES } from '../../../../shared/reachability/rules'
import type { Condition, SegmentDefinition } from '../../../../shared/segments/definition'
import type { SegmentSource } from '../../../../shared/segments/types'
import type { BackendContext } from '../context'
import { getSegment } from '../segments/saved'
import type { SegmentService } from '../segments/service'
import { AGE_BUCKETS, bucketOfAge, histogramRows } from './age-counts'
import { assembleOverview } from './overview'
import { unpackCodes } from './schema'

/** Member ids per statement: json_each keeps the list one bound parameter, the rowid lookups are cheap. */
const CHUNK = 10_000

/** The type/test filters as one more definition the members must also match. */
function narrowing(filters: ProfileFilters): SegmentDefinition[] {
  const conditions: Condition[] = []
  if (filters.type !== undefined)
    conditions.push({ type: 'property', property: { kind: 'type' }, op: 'eq', value: filters.type })
  if (filters.test !== undefined)
    conditions.push({ type: 'property', property: { kind: 'test' }, op: 'eq', value: filters.test })
  return conditions.length === 0 ? [] : [{ version: 1, join: 'and', conditions }]
}

type MemberRow = [number, number, number, number | null, number | null, string | null, number | null]

export async function segmentOverview(
  ctx: BackendContext,
  segments: SegmentService,
  source: SegmentSource,
  filters: ProfileFilters,
  nowMs: number,
): Promise<OverviewNumbers> {
  const started = performance.now()
  const db = ctx.db
  const name = 'segmentId' in source ? getSegment(db, source.segmentId).name : 'The selection'
  const definition = segments.definitionOf(source)
  segments.checkDefinition(definition)
  const ids = await segments.queries.memberIds([definition, ...narrowing(filters)], nowMs)

  let identified = 0
  let anonymous = 0
  let test = 0
  let excluded = 0
  const perChannel = CHANNELS.map(() => REACH_CODES.map(() => 0))
  const ages = AGE_BUCKETS.map(() => 0)
  let unknownAge = 0
  const platforms = new Map<string, number>()
  // Today's packed date per zone, read once per zone (the profile page's rule: unknown zones read UTC).
  const todays = new Map<string, number>()
  const todayIn = (zone: string | null) => {
    const key = zone ?? ''
    let today = todays.get(key)
    if (today === undefined) {
      today = todayPacked(nowMs, zone)
      todays.set(key, today)
    }
    return today
  }

  const rows = db
    .prepare(
      `SELECT identified, is_test, cg_excluded, reach, dob, timezone, age FROM profiles
       WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .raw()
  const devices = db
    .prepare(
      `SELECT platform, count(*) FROM devices WHERE profile_id IN (SELECT value FROM json_each(?))
       GROUP BY platform`,
    )
    .raw()
  for (let at = 0; at < ids.length; at += CHUNK) {
    const chunk = JSON.stringify(Array.from(ids.subarray(at, at + CHUNK)))
    for (const [isIdentified, isTest, isExcluded, reach, dob, zone, age] of rows.iterate(
      chunk,
    ) as Iterable<MemberRow>) {
      if (isIdentified === 1) identified += 1
      else anonymous += 1
      if (isTest === 1) test += 1
      if (isExcluded === 1) excluded += 1
      // A row without codes yet (a bulk load still finishing) is left out of reachability, as the
      // kept reach_counts leave it out.
      if (reach !== null)
        unpackCodes(reach).forEach((code, channel) => {
          const row = perChannel[channel] as number[]
          row[code] = (row[code] ?? 0) + 1
        })
      // DOB wins over an explicit Age, as in age_counts (age-counts.ts).
      const years =
        dob !== null ? ageFromPacked(packDate(utcDateOf(dob)), todayIn(zone)) : age !== null ? age : null
      const bucket = years === null ? -1 : bucketOfAge(years)
      if (bucket < 0) unknownAge += 1
      else ages[bucket] = (ages[bucket] ?? 0) + 1
    }
    for (const [platform, n] of devices.iterate(chunk) as Iterable<[string, number]>)
      platforms.set(platform, (platforms.get(platform) ?? 0) + n)
  }

  return assembleOverview(db, nowMs, started, {
    segment: name,
    identified,
    anonymous,
    test,
    excluded,
    perChannel,
    ageHistogram: histogramRows(ages, unknownAge),
    platforms: [...platforms],
  })
}
