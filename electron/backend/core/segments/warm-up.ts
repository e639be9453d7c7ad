// What the count worker loads as soon as the backend opens, before anyone asks (one read of profiles,
// with the exists mask): the columns the common shapes read (Age, the profile type, the test mark), the
// custom properties (lists aside: parsing every profile's list costs more than the rest together) and
// the properties saved segments ask about. Name and Email are left out: their common tests are answered
// from their key indexes, and their columns are the largest to hold.
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { DefinitionItem, PropertyRef, SegmentDefinition } from '../../../../shared/segments/definition'
import type { Db } from '../db/connection'
import type { SegmentEngineStatus } from '../../../../shared/segments/types'
import { columnSource, type ColumnSource } from './column-sources'
import type { Snapshot } from './snapshot'

/** Custom properties loaded ahead at most (each is a column of every profile). */
export const WARM_CUSTOM_LIMIT = 12
const KEYED_TEXT = new Set(['Name', 'Email', 'Identity', 'Phone'])

function savedProperties(db: Db): PropertyRef[] {
  const refs: PropertyRef[] = []
  const rows = db.prepare('SELECT definition FROM saved_segments').pluck().all() as string[]
  const visit = (item: DefinitionItem) => {
    if (item.type === 'group') item.conditions.forEach(visit)
    else if (item.type === 'property') refs.push(item.property)
  }
  for (const text of rows) {
    try {
      ;(JSON.parse(text) as SegmentDefinition).conditions.forEach(visit)
    } catch {
      // A saved definition that does not parse is reported where it is opened, not here.
    }
  }
  return refs
}

export function warmUpSources(db: Db): ColumnSource[] {
  const rows = db.prepare('SELECT key, type FROM custom_property_types ORDER BY key').all() as {
    key: string
    type: CustomPropertyType
  }[]
  const customTypes = new Map(rows.map((r) => [r.key, r.type]))
  const refs: PropertyRef[] = [
    { kind: 'age' },
    { kind: 'type' },
    { kind: 'test' },
    ...savedProperties(db),
    ...rows
      .filter((r) => r.type !== 'multi')
      .slice(0, WARM_CUSTOM_LIMIT)
      .map((r): PropertyRef => ({ kind: 'custom', key: r.key })),
  ]
  const sources = new Map<string, ColumnSource>()
  for (const ref of refs) {
    if (ref.kind === 'system' && KEYED_TEXT.has(ref.key)) continue
    try {
      const source = columnSource(ref, customTypes)
      if (!sources.has(source.id)) sources.set(source.id, source)
    } catch {
      // A property that no longer exists (a saved segment's): nothing to load.
    }
  }
  return [...sources.values()]
}

/** What the page shows: ready once nothing asked for (or warmed up) is still loading. */
export function engineStatus(snapshot: Snapshot): SegmentEngineStatus {
  const { loaded, pending, progress } = snapshot.loading()
  return {
    state: pending === 0 ? 'ready' : 'loading',
    progress: Math.round(progress * 1000) / 1000,
    loadedColumns: loaded,
  }
}
