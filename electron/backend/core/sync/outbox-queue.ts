// The outbox seen from sync, in SQL: which entries wait, and the bookkeeping when the server accepts or
// refuses them (how waiting entries coalesce into records is outbox-coalesce.ts).
import type { WireFieldValue } from '../../../../shared/ipc/channels/sync'
import type { Db } from '../db/connection'
import { prepared } from '../profiles/statements'
import { fullPayloadText, keyedKeys, ProfileViews } from './keyed-outbox'
import { isNonIdempotentValue, isPlainObject, parseStored, type OutboxRow } from './outbox-coalesce'

/** Outbox rows still in the queue: an accepted entry's id is in outbox_done until its row is purged. */
export const NOT_DONE = 'id NOT IN (SELECT id FROM outbox_done)'

/**
 * Reads pending entries after `afterId` in id order, skipping profile changes held by an open conflict.
 * Keyed profile entries (an import's) come back as full records built from the profile's current row
 * (keyed-outbox.ts); one whose profile no longer exists is moot and leaves the queue here.
 */
export function readPendingChunk(db: Db, afterId: number, limit: number): OutboxRow[] {
  const views = new ProfileViews(db)
  let after = afterId
  // Bounded: every pass either returns rows or marks the moot ones it read done (never read again).
  for (;;) {
    const raw = readRawChunk(db, after, limit)
    if (raw.length === 0) return raw
    const rows: OutboxRow[] = []
    const moot: number[] = []
    for (const row of raw) {
      if (row.kind !== 'profile') rows.push(row)
      else {
        const payload = fullPayloadText(views, row.object_id, row.payload)
        if (payload === null) moot.push(row.id)
        else rows.push(payload === row.payload ? row : { ...row, payload })
      }
    }
    if (moot.length > 0) db.transaction(() => markDone(db, moot))()
    if (rows.length > 0) return rows
    after = (raw[raw.length - 1] as OutboxRow).id
  }
}

function readRawChunk(db: Db, afterId: number, limit: number): OutboxRow[] {
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
 * A profile change the server accepted supersedes the same keys in older refused changes of that
 * profile: they must never be resent over it (a retry of the refused change sends only what is left).
 */
export function supersedeParked(db: Db, objectId: string, keys: readonly string[], beforeId: number): void {
  // Only older refused changes: a newer one refused meanwhile holds newer values.
  const rows = prepared(
    db,
    "SELECT id, payload, base FROM outbox WHERE object_id = ? AND state = 'parked' AND kind = 'profile' AND id < ?",
  ).all(objectId, beforeId) as { id: number; payload: string; base: string | null }[]
  const views = new ProfileViews(db)
  for (const row of rows) {
    const payload = parseStored(row.payload)
    const keyed = keyedKeys(payload)
    if (keyed !== null) {
      dropKeys(db, views, row, payload, keyed, keys)
      continue
    }
    const data = isPlainObject(payload.profileData) ? { ...payload.profileData } : {}
    const base = row.base === null ? {} : parseStored(row.base)
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

/**
 * Takes `drop` keys out of a keyed entry (and its base); an entry left with no key goes. 'all' becomes the
 * profile's current keys first, so the rest of a new profile still goes out.
 */
function dropKeys(
  db: Db,
  views: ProfileViews,
  row: { id: number; base: string | null; object_id?: string },
  payload: Record<string, unknown>,
  stored: string[] | 'all',
  drop: readonly string[],
): boolean {
  const objectId = typeof payload.objectId === 'string' ? payload.objectId : (row.object_id ?? '')
  const keys = views.keysOf(objectId, stored)
  const left = keys.filter((k) => !drop.includes(k))
  if (left.length === keys.length) return false
  const base = row.base === null ? {} : parseStored(row.base)
  for (const key of drop) delete base[key]
  if (left.length === 0) prepared(db, 'DELETE FROM outbox WHERE id = ?').run(row.id)
  else
    prepared(db, 'UPDATE outbox SET payload = ?, base = ? WHERE id = ?').run(
      JSON.stringify({ ...payload, keys: left }),
      Object.keys(base).length === 0 ? null : JSON.stringify(base),
      row.id,
    )
  return true
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
  const views = new ProfileViews(db)
  for (const row of rows) {
    const payload = parseStored(fullPayloadText(views, objectId, row.payload) ?? '{}')
    const data = isPlainObject(payload.profileData) ? payload.profileData : {}
    const base = row.base === null ? {} : parseStored(row.base)
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
  const views = new ProfileViews(db)
  for (const row of rows) {
    const payload = parseStored(row.payload)
    const keyed = keyedKeys(payload)
    if (keyed !== null) {
      if ('drop' in action) dropKeys(db, views, { ...row, object_id: objectId }, payload, keyed, [key])
      else if (views.keysOf(objectId, keyed).includes(key)) rebaseKey(db, row, key, action.rebase)
      continue
    }
    const data = isPlainObject(payload.profileData) ? { ...payload.profileData } : {}
    if (!(key in data)) continue
    const base = row.base === null ? {} : parseStored(row.base)
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

/** Records the server's value as what a keyed entry's change of `key` was based on. */
function rebaseKey(
  db: Db,
  row: { id: number; base: string | null },
  key: string,
  value: WireFieldValue,
): void {
  const base = row.base === null ? {} : parseStored(row.base)
  base[key] = value
  prepared(db, 'UPDATE outbox SET base = ? WHERE id = ?').run(JSON.stringify(base), row.id)
}
