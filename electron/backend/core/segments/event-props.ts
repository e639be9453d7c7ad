// Event-property values the snapshot keeps per event name and key, parallel to the event column's events
// (both in id order). New events only ever get higher ids, so after a reload only the tail past what was
// read is added; in the worker a first load runs in chunks between requests, never in front of a count.
import type { Db } from '../db/connection'
import type { EventColumn } from './event-columns'

/** Event ids per chunk of a background load of one property's values. */
const PROPS_CHUNK = 200_000

export interface PropsRef {
  event: string
  key: string
  /** The key's JSON path (column-sources.ts jsonPath). */
  path: string
}

/** Appends the values of events with ids in (entry.upTo, upTo], in id order. */
function appendValues(db: Db, ref: PropsRef, entry: { values: unknown[]; upTo: number }, upTo: number): void {
  const rows = db
    .prepare('SELECT json_extract(props, ?) FROM events WHERE name = ? AND id > ? AND id <= ? ORDER BY id')
    .pluck()
    .iterate(ref.path, ref.event, entry.upTo, upTo)
  for (const value of rows) entry.values.push(value)
  entry.upTo = upTo
}

export class EventProps {
  /** First loads under way (background mode), by `event\0key`. */
  private readonly pending = new Map<string, PropsRef>()

  /** The values parallel to `column`'s events: only what is missing is read (the tail after a reload). */
  values(db: Db, column: EventColumn, ref: PropsRef): unknown[] {
    let entry = column.props.get(ref.key)
    if (!entry) {
      entry = { values: [], upTo: 0 }
      column.props.set(ref.key, entry)
    }
    if (entry.upTo < column.lastId) appendValues(db, ref, entry, column.lastId)
    return entry.values
  }

  /** Whether the property's values were read (what is missing is queued for `step`). */
  ready(column: EventColumn | undefined, ref: PropsRef): boolean {
    const key = `${ref.event}\0${ref.key}`
    if (column?.props.has(ref.key) && !this.pending.has(key)) return true
    this.pending.set(key, ref)
    return false
  }

  /** One chunk of a first load whose event column is loaded; true while more is to do. */
  step(db: Db, events: ReadonlyMap<string, EventColumn>): boolean {
    for (const [key, ref] of this.pending) {
      const column = events.get(ref.event)
      if (!column) continue
      let entry = column.props.get(ref.key)
      if (!entry) {
        entry = { values: [], upTo: 0 }
        column.props.set(ref.key, entry)
      }
      const upTo = Math.min(entry.upTo + PROPS_CHUNK, column.lastId)
      try {
        appendValues(db, ref, entry, upTo)
      } catch (error) {
        // Forgotten, as a failed column load is: the next question asks again.
        this.pending.delete(key)
        column.props.delete(ref.key)
        throw error
      }
      if (upTo >= column.lastId) this.pending.delete(key)
      return true
    }
    return false
  }

  clear(): void {
    this.pending.clear()
  }
}
