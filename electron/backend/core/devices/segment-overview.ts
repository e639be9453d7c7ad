// The overview of a saved segment (or any selection): the segment engine (in its worker) evaluates the
// members and counts them in one pass over its snapshot (segment-audience.ts), by the same rules as the
// everyone-overview's kept tables. Activity stays the account's: runs belong to no profile.
import type { OverviewNumbers } from '../../../../shared/devices/types'
import type { ProfileFilters } from '../../../../shared/profile/search'
import type { Condition, SegmentDefinition } from '../../../../shared/segments/definition'
import type { SegmentSource } from '../../../../shared/segments/types'
import type { BackendContext } from '../context'
import { getSegment } from '../segments/saved'
import type { SegmentService } from '../segments/service'
import { histogramRows } from './age-counts'
import { assembleOverview } from './overview'

/** The type/test filters as one more definition the members must also match. */
function narrowing(filters: ProfileFilters): SegmentDefinition[] {
  const conditions: Condition[] = []
  if (filters.type !== undefined)
    conditions.push({ type: 'property', property: { kind: 'type' }, op: 'eq', value: filters.type })
  if (filters.test !== undefined)
    conditions.push({ type: 'property', property: { kind: 'test' }, op: 'eq', value: filters.test })
  return conditions.length === 0 ? [] : [{ version: 1, join: 'and', conditions }]
}

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
  // The engine evaluates the members and counts them in the same place (segment-audience.ts): no member
  // list crosses threads and no per-chart query reads their rows again.
  const tally = await segments.queries.audience([definition, ...narrowing(filters)], nowMs)
  return assembleOverview(db, nowMs, started, {
    segment: name,
    identified: tally.identified,
    anonymous: tally.anonymous,
    test: tally.test,
    excluded: tally.excluded,
    perChannel: tally.perChannel,
    ageHistogram: histogramRows(tally.ages, tally.unknownAge),
    platforms: tally.platforms,
  })
}
