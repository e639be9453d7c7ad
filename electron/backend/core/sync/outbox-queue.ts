// The outbox seen from sync: which entries wait, how a profile's entries coalesce into upload records,
// the idempotency key of each record, and the bookkeeping when the server accepts or refuses them.
import type { WireFieldValue } from '../../../../shared/ipc/channels/sync'
import type { Db } from '../db/connection'
import { prepared } from '../profiles/statements'
import { onTheWire, wireData } from './wire-record'

/** Outbox rows still in the queue: an accepted entry's id is in outbox_done until its row is purged. */
export const NOT_DONE = 'id NOT IN (SELECT id FROM outbox_done)'

export interface OutboxRow {
  id: number
  object_id: string
  kind: 'profile' | 'event' | 'delete'
  payload: string
  created_at: number
}

/** One upload record and the outbox entries it carries (all leave together, or are parked together). */
export interface PlannedRecord {
  /** The record as JSON: most are the stored payload as it is, never parsed on the way out. */
  json: string
  entryIds: number[]
  objectId: string
  kind: 'profile' | 'event'
  /** The `$idem` key sent with it, if any. */
  idem?: string
}

export interface PlannedDelete {
  objectId: string
  identity: string | null
  /** Every entry of the profile up to and including its delete: all of it is moot once it is deleted. */
  entryIds: number[]
  deleteEntryId: number
}

/**
 * What one profile's entries of a chunk become, in order: upload records, or a delete (which makes the
 * entries before it moot). A profile recreated after its delete gets a second unit after the delete.
 */
export type PlannedUnit =
  | { kind: 'records'; objectId: string; records: PlannedRecord[] }
  | { kind: 'delete'; objectId: string; delete: PlannedDelete }

/** Profile operations that are not idempotent: a resent one would apply twice. */
const NON_IDEMPOTENT_OPS = new Set(['$add', '$remove', '$incr', '$decr'])

export const IDEMPOTENCY_FIELD = '$idem'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when a profileData value is an operation object ({"$incr": 2}, {"$add": [...]}, …) that must not repeat. */
export function isNonIdempotentValue(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  return Object.keys(value).some((key) => NON_IDEMPOTENT_OPS.has(key))
}

/**
 * The idempotency key of one outbox entry: stable across retries and restarts (it is derived from the
 * entry, not from an attempt), unique across data folders (install id) and across id reuse.
 */
export function idempotencyKey(installId: string, row: Pick<OutboxRow, 'id' | 'created_at'>): string {
  return `pd1-${installId}-${row.id}-${row.created_at}`
}

/** Reads pending entries after `afterId` in id order, skipping profile changes held by an open conflict. */
export function readPendingChunk(db: Db, afterId: number, limit: number): OutboxRow[] {
  if (prepared(db, 'SELECT 1 FROM sync_conflicts WHERE resolved_at IS NULL LIMIT 1').get() === undefined) {
    return prepared(
      db,
      `SELECT id, object_id, kind, payload, created_at FROM outbox
       WHERE state = 'pending' AND id > ? AND ${NOT_DONE} ORDER BY id LIMIT ?`,
    ).all(afterId, limit) as OutboxRow[]
  }
  return prepared(
    db,
    `SELECT id, object_id, kind, payload, created_at FROM outbox
     WHERE state = 'pending' AND id > ? AND ${NOT_DONE}
       AND NOT (kind = 'profile' AND object_id IN (SELECT object_id FROM sync_conflicts WHERE resolved_at IS NULL))
     ORDER BY id LIMIT ?`,
  ).all(afterId, limit) as OutboxRow[]
}

/** Refused changes come back when a newer change to the same profile is waiting (the person fixed it). */
export function unparkFixedProfiles(db: Db): number {
  return prepared(
    db,
    `UPDATE outbox SET state = 'pending'
     WHERE state = 'parked' AND EXISTS (
       SELECT 1 FROM outbox AS newer
       WHERE newer.object_id = outbox.object_id AND newer.state = 'pending' AND newer.id > outbox.id
         AND newer.id NOT IN (SELECT id FROM outbox_done))`,
  ).run().changes
}

/**
 * A stored JSON object, or null when its text cannot be read (a damaged entry: the server refuses any
 * request carrying it as malformed, push isolates and parks it, and it stays listed until discarded).
 */
function readObject(text: string): Record<string, unknown> | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  return isPlainObject(value) ? value : {}
}

/** A stored JSON object; one that cannot be read has no fields to find, merge or rewrite. */
function parse(text: string): Record<string, unknown> {
  return readObject(text) ?? {}
}

/** A cheap first look: only a payload that mentions an operation is parsed to check it. */
const OPERATION_TEXT = /"\$(?:add|remove|incr|decr)"/

function carriesOperation(payloadText: string): boolean {
  if (!OPERATION_TEXT.test(payloadText)) return false
  const data = parse(payloadText).profileData
  return isPlainObject(data) && Object.values(data).some(isNonIdempotentValue)
}

/** The stored record with `$idem` put first (the payload is always a non-empty JSON object). */
function withKey(payloadText: string, key: string): string {
  return `{"${IDEMPOTENCY_FIELD}":${JSON.stringify(key)},${payloadText.slice(1)}`
}

/** One profile's entries (no delete among them) as upload records. */
function recordsOf(
  objectId: string,
  rows: readonly OutboxRow[],
  options: { installId: string; idempotencyKeys: boolean },
): PlannedRecord[] {
  const records: PlannedRecord[] = []
  let run: OutboxRow[] = []
  // Consecutive plain profile changes: one record, the latest value of each key winning.
  const closeRun = () => {
    const alone = (row: OutboxRow) =>
      records.push({ json: onTheWire(row.payload), entryIds: [row.id], objectId, kind: 'profile' })
    if (run.length === 1) {
      alone(run[0] as OutboxRow)
    } else if (run.length > 1) {
      // A damaged entry (its text cannot be read) is never merged: it goes alone, as stored, and is
      // refused and parked again, while the readable changes around it still go through.
      const readable: { row: OutboxRow; payload: Record<string, unknown> }[] = []
      for (const row of run) {
        const payload = readObject(row.payload)
        if (payload === null) alone(row)
        else readable.push({ row, payload })
      }
      const [first] = readable
      if (first !== undefined && readable.length === 1) {
        alone(first.row)
      } else if (first !== undefined) {
        const data: Record<string, unknown> = {}
        const record: Record<string, unknown> = { ...first.payload }
        for (const { payload } of readable) {
          // The identity the server knows the profile by is the one before the first change.
          if (record.identity === undefined && typeof payload.identity === 'string')
            record.identity = payload.identity
          if (isPlainObject(payload.profileData)) Object.assign(data, payload.profileData)
        }
        record.profileData = wireData(data)
        records.push({
          json: JSON.stringify(record),
          entryIds: readable.map((r) => r.row.id),
          objectId,
          kind: 'profile',
        })
      }
    }
    run = []
  }
  for (const row of rows) {
    if (row.kind === 'event' || carriesOperation(row.payload)) {
      if (row.kind !== 'event') closeRun()
      const idem = options.idempotencyKeys ? idempotencyKey(options.installId, row) : undefined
      const payload = row.kind === 'event' ? row.payload : onTheWire(row.payload)
      records.push({
        json: idem === undefined ? payload : withKey(payload, idem),
        entryIds: [row.id],
        objectId,
        kind: row.kind === 'event' ? 'event' : 'profile',
        ...(idem === undefined ? {} : { idem }),
      })
      continue
    }
    run.push(row)
  }
  closeRun()
  return records
}

/**
 * Groups a chunk per profile (in the order profiles first appear) and coalesces each: consecutive plain
 * profile changes merge into one record (the latest value of each key wins; the first known identity
 * locates the profile); an operation that must not repeat ($incr, $add…) stays its own record with its
 * own key, and so does every event. A delete makes everything before it moot.
 */
export function planUnits(
  rows: readonly OutboxRow[],
  options: { installId: string; idempotencyKeys: boolean },
): PlannedUnit[] {
  const byObject = new Map<string, OutboxRow[]>()
  for (const row of rows) {
    const list = byObject.get(row.object_id)
    if (list) list.push(row)
    else byObject.set(row.object_id, [row])
  }
  const units: PlannedUnit[] = []
  for (const [objectId, list] of byObject) {
    let start = 0
    for (let i = 0; i < list.length; i += 1) {
      const row = list[i] as OutboxRow
      if (row.kind !== 'delete') continue
      const payload = parse(row.payload)
      units.push({
        kind: 'delete',
        objectId,
        delete: {
          objectId,
          identity: typeof payload.identity === 'string' ? payload.identity : null,
          entryIds: list.slice(start, i + 1).map((r) => r.id),
          deleteEntryId: row.id,
        },
      })
      start = i + 1
    }
    if (start < list.length) {
      units.push({ kind: 'records', objectId, records: recordsOf(objectId, list.slice(start), options) })
    }
  }
  return units
}

/**
 * A profile change the server accepted supersedes the same keys in older refused changes of that
 * profile: they must never be resent over it (a retry of the refused change sends only what is left).
 */
export function supersedeParked(db: Db, objectId: string, keys: readonly string[], beforeId: number): void {
  // Only older refused changes: a newer one refused meanwhile holds newer values.
  const rows = prepared(
    db,
    "SELECT id, payload, base FROM outbox WHERE object_id = ? AND state = 'parked' AND kind = 'profile' AND id < ?",
  ).all(objectId, beforeId) as { id: number; payload: string; base: string | null }[]
  for (const row of rows) {
    const payload = parse(row.payload)
    const data = isPlainObject(payload.profileData) ? { ...payload.profileData } : {}
    const base = row.base === null ? {} : parse(row.base)
    let touched = false
    for (const key of keys) {
      if (!(key in data)) continue
      delete data[key]
      delete base[key]
      touched = true
    }
    if (!touched) continue
    if (Object.keys(data).length === 0) prepared(db, 'DELETE FROM outbox WHERE id = ?').run(row.id)
    else
      prepared(db, 'UPDATE outbox SET payload = ?, base = ? WHERE id = ?').run(
        JSON.stringify({ ...payload, profileData: data }),
        JSON.stringify(base),
        row.id,
      )
  }
}

/** Whether any refused change is parked (the common case is none: then nothing needs superseding). */
export function anyParked(db: Db): boolean {
  return prepared(db, "SELECT 1 FROM outbox WHERE state = 'parked' LIMIT 1").get() !== undefined
}

/**
 * Accepted entries leave the queue: their ids go into outbox_done (runs of consecutive ids as one
 * statement, the common case after a bulk change); `purgeDone` deletes the outbox rows later.
 */
export function markDone(db: Db, ids: readonly number[]): void {
  const one = prepared(db, 'INSERT OR IGNORE INTO outbox_done (id) VALUES (?)')
  const range = prepared(
    db,
    `INSERT OR IGNORE INTO outbox_done (id)
     WITH RECURSIVE r(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM r WHERE x < ?) SELECT x FROM r`,
  )
  const sorted = [...ids].sort((a, b) => a - b)
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j += 1
    if (j === i) one.run(sorted[i])
    else range.run(sorted[i], sorted[j])
    i = j + 1
  }
}

/** Deletes the outbox rows of up to `limit` done entries, in one transaction; returns how many (0: none left). */
export function purgeDone(db: Db, limit: number): number {
  const last = prepared(db, 'SELECT id FROM outbox_done ORDER BY id LIMIT 1 OFFSET ?').get(limit - 1) as
    { id: number } | undefined
  const upTo = last?.id ?? Number.MAX_SAFE_INTEGER
  return db.transaction(() => {
    prepared(db, 'DELETE FROM outbox WHERE id <= ? AND id IN (SELECT id FROM outbox_done WHERE id <= ?)').run(
      upTo,
      upTo,
    )
    return prepared(db, 'DELETE FROM outbox_done WHERE id <= ?').run(upTo).changes
  })()
}

/** Forgets done marks of outbox rows deleted by other means (a profile's delete). */
export function dropDoneMarks(db: Db, objectId: string, upToId: number): void {
  prepared(
    db,
    'DELETE FROM outbox_done WHERE id IN (SELECT id FROM outbox WHERE object_id = ? AND id <= ?)',
  ).run(objectId, upToId)
}

/** Parks refused entries with the server's code and message. */
export function parkEntries(db: Db, ids: readonly number[], code: number, message: string, at: number): void {
  const statement = prepared(
    db,
    `UPDATE outbox SET state = 'parked', attempts = attempts + 1, error_code = ?, error_message = ?, parked_at = ?
     WHERE id = ?`,
  )
  for (const id of ids) statement.run(code, message, at, id)
}

export interface PendingField {
  /** The latest waiting value (null: to be removed). Operations ($incr…) have no single value. */
  value: WireFieldValue
  /** The value before the first waiting change: the last synced value. */
  base: WireFieldValue
  operation: boolean
  entryIds: number[]
}

function wireField(value: unknown): WireFieldValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map(String)
  // {"$delete": true}: the field goes away.
  return null
}

/** The profile's waiting (or refused) property changes, by wire key. */
export function pendingFields(db: Db, objectId: string): Map<string, PendingField> {
  const rows = prepared(
    db,
    `SELECT id, payload, base FROM outbox WHERE object_id = ? AND kind = 'profile' AND state IN ('pending','parked')
       AND ${NOT_DONE} ORDER BY id`,
  ).all(objectId) as { id: number; payload: string; base: string | null }[]
  const fields = new Map<string, PendingField>()
  for (const row of rows) {
    const payload = parse(row.payload)
    const data = isPlainObject(payload.profileData) ? payload.profileData : {}
    const base = row.base === null ? {} : parse(row.base)
    for (const [key, value] of Object.entries(data)) {
      const existing = fields.get(key)
      const operation = isNonIdempotentValue(value)
      if (existing) {
        existing.value = operation ? existing.value : wireField(value)
        existing.operation = existing.operation || operation
        existing.entryIds.push(row.id)
      } else {
        fields.set(key, {
          value: operation ? null : wireField(value),
          base: wireField(base[key]),
          operation,
          entryIds: [row.id],
        })
      }
    }
  }
  return fields
}

/** Whether a delete of this profile waits to be sent (a pull must not bring it back meanwhile). */
export function hasPendingDelete(db: Db, objectId: string): boolean {
  return (
    prepared(
      db,
      `SELECT 1 FROM outbox WHERE object_id = ? AND kind = 'delete' AND state = 'pending' AND ${NOT_DONE} LIMIT 1`,
    ).get(objectId) !== undefined
  )
}

/**
 * Rewrites the waiting changes of one field: `drop` removes it from them (entries left empty go),
 * `rebase` records the server's value as what they were based on (so it is no longer a conflict).
 */
export function rewritePendingField(
  db: Db,
  objectId: string,
  key: string,
  action: { drop: true } | { rebase: WireFieldValue },
): void {
  const rows = prepared(
    db,
    `SELECT id, payload, base FROM outbox WHERE object_id = ? AND kind = 'profile' AND state IN ('pending','parked')
       AND ${NOT_DONE} ORDER BY id`,
  ).all(objectId) as { id: number; payload: string; base: string | null }[]
  for (const row of rows) {
    const payload = parse(row.payload)
    const data = isPlainObject(payload.profileData) ? { ...payload.profileData } : {}
    if (!(key in data)) continue
    const base = row.base === null ? {} : parse(row.base)
    if ('drop' in action) {
      delete data[key]
      delete base[key]
      if (Object.keys(data).length === 0) {
        prepared(db, 'DELETE FROM outbox WHERE id = ?').run(row.id)
        continue
      }
    } else {
      base[key] = action.rebase
    }
    prepared(db, 'UPDATE outbox SET payload = ?, base = ? WHERE id = ?').run(
      JSON.stringify({ ...payload, profileData: data }),
      JSON.stringify(base),
      row.id,
    )
  }
}
