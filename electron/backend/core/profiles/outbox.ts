// The outbox: every local change as a CleverTap upload record, written in the transaction of the change
// so sync can never miss one. Profile records carry the changed keys only; `base` holds the old values.
// An import writes the compact keyed shape instead (KeyedProfileRecord): the keys it changed, whose
// values sync reads from the profile's current row at push time (sync/keyed-outbox.ts).
import { toDollarDate } from '../../../../shared/profile/validators-dates'
import type { Db } from '../db/connection'
import { prepared } from './statements'

/** `{"$delete": true}` removes a property remotely (CLEVERTAP-API.md §1). */
export const DELETE_OPERATION = { $delete: true } as const
export type WireValue = string | number | boolean | string[] | typeof DELETE_OPERATION

export interface ProfileRecord {
  type: 'profile'
  objectId: string
  identity?: string
  profileData: Record<string, WireValue>
}

/**
 * A profile change stored by its keys only: `keys` the wire keys it changed ('all': a new profile, every
 * key it holds). At push time each key is sent with the profile's current value, or {"$delete": true}
 * when it has none. Never an operation ($add, $incr…): those keep their own records (exactly once).
 */
export interface KeyedProfileRecord {
  type: 'profile'
  objectId: string
  identity?: string
  keys: string[] | 'all'
}

export interface EventRecord {
  type: 'event'
  objectId: string
  evtName: string
  ts: number
  evtData: Record<string, unknown>
}

export interface DeleteRecord {
  type: 'delete'
  objectId: string
  identity?: string
}

/** Dates travel as "$D_<epoch seconds>", padded so the shared reader never takes them for $D_YYYYMMDD. */
export function toWireValue(type: string, value: string | number | boolean | string[]): WireValue {
  return type === 'date' && typeof value === 'number' ? toDollarDate(value) : value
}

/**
 * `at` (the entry's created_at) is the change's time in epoch seconds, like the audit log's. `base` keeps
 * only the keys that had a value: readers take a missing key as null (sync/outbox-queue.ts), and a new
 * profile (no old values at all) stores NULL, which keeps a million-row import's outbox smaller.
 */
export function writeProfileOutbox(
  db: Db,
  record: ProfileRecord,
  base: Record<string, WireValue | null>,
  at: number,
): void {
  prepared(db, 'INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, ?, ?, ?, ?)').run(
    record.objectId,
    'profile',
    JSON.stringify(record),
    heldBase(base),
    at,
  )
}

/** The keyed shape of writeProfileOutbox (same `base` rule: only keys that had a value, NULL for none). */
export function writeKeyedProfileOutbox(
  db: Db,
  record: KeyedProfileRecord,
  base: Record<string, WireValue | null> | null,
  at: number,
): void {
  prepared(db, 'INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, ?, ?, ?, ?)').run(
    record.objectId,
    'profile',
    JSON.stringify(record),
    base === null ? null : heldBase(base),
    at,
  )
}

function heldBase(base: Record<string, WireValue | null>): string | null {
  let held: Record<string, WireValue> | null = null
  for (const key in base) {
    const value = base[key]
    if (value === null || value === undefined) continue
    held ??= {}
    held[key] = value
  }
  return held === null ? null : JSON.stringify(held)
}

export function writeEventOutbox(db: Db, record: EventRecord, at: number): void {
  prepared(
    db,
    'INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, ?, ?, NULL, ?)',
  ).run(record.objectId, 'event', JSON.stringify(record), at)
}

export function writeDeleteOutbox(db: Db, record: DeleteRecord, at: number): void {
  prepared(
    db,
    'INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, ?, ?, NULL, ?)',
  ).run(record.objectId, 'delete', JSON.stringify(record), at)
}
