// One event name's events as the segment snapshot holds them: owner (internal profile id) and time in
// id order, read by id ranges (events are only ever added with higher ids, so new ones are appended).
import type { Db } from '../db/connection'

export interface EventColumn {
  profile: Int32Array
  ts: Float64Array
  length: number
  lastId: number
  /**
   * Event-property values by key, parallel to the events up to id `upTo` (event-props.ts: loaded on first
   * use, the tail added after a reload).
   */
  props: Map<string, { values: unknown[]; upTo: number }>
}

export function emptyEvents(): EventColumn {
  return { profile: new Int32Array(1024), ts: new Float64Array(1024), length: 0, lastId: 0, props: new Map() }
}

/** Appends the events `WHERE id > ? <and>` (parameters: the id, then `and`'s), in id order. */
export function appendEvents(column: EventColumn, db: Db, and: string, params: unknown[]): void {
  const rows = db
    .prepare(`SELECT id, profile_id, ts FROM events WHERE id > ? ${and} ORDER BY id`)
    .raw()
    .iterate(...params) as Iterable<[number, number, number]>
  for (const [id, profile, ts] of rows) {
    if (column.length === column.profile.length) {
      const profiles = new Int32Array(column.length * 2)
      profiles.set(column.profile)
      const times = new Float64Array(column.length * 2)
      times.set(column.ts)
      column.profile = profiles
      column.ts = times
    }
    column.profile[column.length] = profile
    column.ts[column.length] = ts
    column.length++
    column.lastId = id
  }
}
