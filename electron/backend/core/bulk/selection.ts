// What a bulk selection names, as the profiles' internal ids in ascending order: explicit CleverTap IDs,
// Find People's question (search text and filters) or a segment, less the rows unchecked afterwards. The
// backend answers "all N matching" itself, so the page never loads the rows.
import type { BulkSelection } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { filterSql } from '../profiles/search'
import type { SegmentService } from '../segments/service'

/** Ids per SQL statement when ids go in as a JSON array (json_each): well under SQLite's limits. */
const CHUNK = 20_000

/** Runs `sql` (with one `?` that receives a JSON array of values last) over `values` in chunks. */
export function chunkedAll<T>(
  db: Db,
  sql: string,
  values: readonly (string | number)[],
  params: unknown[] = [],
): T[] {
  const statement = db.prepare(sql)
  const out: T[] = []
  for (let i = 0; i < values.length; i += CHUNK)
    out.push(...(statement.all(...params, JSON.stringify(values.slice(i, i + CHUNK))) as T[]))
  return out
}

function sortedUnique(ids: Iterable<number>): Int32Array {
  const out = Int32Array.from(new Set(ids))
  out.sort()
  return out
}

function without(ids: Int32Array, except: Set<number>): Int32Array {
  return except.size === 0 ? ids : ids.filter((id) => !except.has(id))
}

function internalIds(db: Db, objectIds: readonly string[]): number[] {
  return chunkedAll<{ id: number }>(
    db,
    'SELECT id FROM profiles WHERE object_id IN (SELECT value FROM json_each(?))',
    objectIds,
  ).map((r) => r.id)
}

/** The selection's profiles (internal ids, ascending); ids of profiles that do not exist are left out. */
export async function resolveSelection(
  db: Db,
  segments: SegmentService,
  selection: BulkSelection,
  nowMs: number,
): Promise<Int32Array> {
  if (selection.kind === 'ids') return sortedUnique(internalIds(db, selection.ids))
  const except = new Set(internalIds(db, selection.except ?? []))
  if (selection.kind === 'segment') {
    const definition = segments.definitionOf(selection.source)
    segments.checkDefinition(definition)
    return without(await segments.queries.memberIds([definition], nowMs), except)
  }
  const { query, filters } = selection
  const filter = filterSql(filters)
  if (query.trim() === '' && filters.segmentId === undefined) {
    const rows = db
      .prepare(`SELECT id FROM profiles WHERE 1${filter.sql} ORDER BY id`)
      .all(...filter.params) as {
      id: number
    }[]
    return without(
      Int32Array.from(rows, (r) => r.id),
      except,
    )
  }
  const members = await segments.queries.memberIds(segments.searchDefinitions(query, filters), nowMs)
  if (filters.reach === undefined) return without(members, except)
  // The reachability filter is not a segment condition: the members are narrowed by it in SQL.
  const kept = chunkedAll<{ id: number }>(
    db,
    `SELECT id FROM profiles WHERE 1${filter.sql} AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    [...members],
    filter.params,
  )
  return without(
    Int32Array.from(kept, (r) => r.id),
    except,
  )
}

/** Refuses an empty selection of explicit ids that names no existing profile (a search may match none). */
export function assertIdsExist(selection: BulkSelection, ids: Int32Array): void {
  if (selection.kind === 'ids' && ids.length === 0)
    throw new AppError('not_found', 'None of the selected profiles exists any more; search again.')
}
