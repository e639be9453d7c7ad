// Deep pages of the profile list without skipping hundreds of thousands of index entries: every
// STRIDE-th (key, id) of a sort order is remembered, so a page is a keyset seek to the checkpoint
// below it plus at most STRIDE skipped entries. Built in one pass; dropped whenever the database changes.
import type { Db } from '../db/connection'
import { prepared } from './statements'

export const CHECKPOINT_STRIDE = 20_000
const MAX_CACHED_ORDERS = 16

export interface Checkpoint {
  key: string | number | null
  id: number
}

interface Cached {
  version: string
  /** points[i] is the row at ascending position (i + 1) * STRIDE - 1. */
  points: Checkpoint[]
}

const caches = new WeakMap<Db, Map<string, Cached>>()

/** Changes whenever this connection writes (total_changes) or another one commits (data_version). */
function dataVersion(db: Db): string {
  const row = prepared(db, 'SELECT total_changes() AS changes').get() as { changes: number }
  return `${row.changes}:${db.pragma('data_version', { simple: true }) as number}`
}

/**
 * The checkpoints of the rows matching `where` (with its params) in ascending (column, id) order, or
 * in id order when column is null. The column must never be NULL within `where` (row values cannot
 * seek past NULLs).
 */
export function checkpointsFor(
  db: Db,
  where: string,
  params: readonly number[],
  column: string | null,
  count: number,
): Checkpoint[] {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
  }
  const cacheKey = `${where}|${params.join(',')}|${column ?? 'id'}`
  const version = dataVersion(db)
  const hit = cache.get(cacheKey)
  if (hit && hit.version === version) return hit.points
  const select = column === null ? 'NULL AS key, id' : `${column} AS key, id`
  const order = column === null ? 'id' : `${column}, id`
  const first = prepared(
    db,
    `SELECT ${select} FROM profiles WHERE ${where} ORDER BY ${order} LIMIT 1 OFFSET ?`,
  )
  const after = prepared(
    db,
    `SELECT ${select} FROM profiles WHERE ${where} AND ${seekAfter(column)} ORDER BY ${order} LIMIT 1 OFFSET ?`,
  )
  const points: Checkpoint[] = []
  for (let position = CHECKPOINT_STRIDE - 1; position < count; position += CHECKPOINT_STRIDE) {
    const previous = points.at(-1)
    const row = (
      previous === undefined
        ? first.get(...params, CHECKPOINT_STRIDE - 1)
        : after.get(...params, ...seekParams(column, previous), CHECKPOINT_STRIDE - 1)
    ) as Checkpoint | undefined
    if (!row) break
    points.push(row)
  }
  if (cache.size >= MAX_CACHED_ORDERS) cache.clear()
  cache.set(cacheKey, { version, points })
  return points
}

/** The condition "after this checkpoint" in (column, id) order. */
export function seekAfter(column: string | null): string {
  return column === null ? 'id > ?' : `(${column}, id) > (?, ?)`
}

export function seekParams(column: string | null, point: Checkpoint): (string | number | null)[] {
  return column === null ? [point.id] : [point.key, point.id]
}
