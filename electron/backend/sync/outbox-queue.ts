// The outbox seen from sync: which entries wait, how a profile's entries coalesce into upload records,
// the idempotency key of each record, and the bookkeeping when the server accepts or refuses them.
import type { WireFieldValue } from '../../../shared/ipc/channels/sync'
import type { Db } from '../db/connection'
import { prepared } from '../profiles/statements'

export interface OutboxRow {
  id: number
  object_id: string
  kind: 'profile' | 'event' | 'delete'
  payload: string
  base: string | null
  created_at: number
  attempts: number
}

/** One upload record and the outbox entries it carries (all leave together, or are parked together). */
export interface PlannedRecord {
  record: Record<string, unknown>
  entryIds: number[]
  objectId: string
  kind: 'profile' | 'event'
}

export interface PlannedDelete {
  objectId: string
  identity: string | null
  /** Every entry of the profile up to and including its delete: all of it is moot once it is deleted. */
  entryIds: number[]
  deleteEntryId: number
}

export interface ChunkPlan {
  records: PlannedRecord[]
  deletes: PlannedDelete[]
  /** Entries read in this chunk. */
  entries: number
}

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

/** Reads pending entries in id order, skipping profile changes held by an open conflict. */
export function readPendingChunk(db: Db, limit: number): OutboxRow[] {
  return prepared(
    db,
    `SELECT id, object_id, kind, payload, base, created_at, attempts FROM outbox
     WHERE state = 'pending'
       AND NOT (kind = 'profile' AND object_id IN (SELECT object_id FROM sync_conflicts WHERE resolved_at IS NULL))
     ORDER BY id LIMIT ?`,
  ).all(limit) as OutboxRow[]
}

/** Refused changes come back when a newer change to the same profile is waiting (the person fixed it). */
export function unparkFixedProfiles(db: Db): number {
  return prepared(
    db,
    `UPDATE outbox SET state = 'pending'
     WHERE state = 'parked' AND EXISTS (
       SELECT 1 FROM outbox AS newer
       WHERE newer.object_id = outbox.object_id AND newer.state = 'pending' AND newer.id > outbox.id)`,
  ).run().changes
}

function parse(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text)
  return isPlainObject(value) ? value : {}
}

/**
 * Groups a chunk per profile and coalesces it: consecutive plain profile changes merge into one record
 * (the latest value of each key wins; the first known identity locates the profile); an operation that
 * must not repeat ($incr, $add…) stays its own record with its own key, and so does every event. A
 * delete makes everything before it moot; entries after a delete wait for the next chunk, so they are
 * sent only once the delete is done.
 */
export function planChunk(
  rows: readonly OutboxRow[],
  options: { installId: string; idempotencyKeys: boolean },
): ChunkPlan {
  const groups = new Map<string, { rows: OutboxRow[]; closed: boolean }>()
  let entries = 0
  for (const row of rows) {
    let group = groups.get(row.object_id)
    if (!group) {
      group = { rows: [], closed: false }
      groups.set(row.object_id, group)
    }
    if (group.closed) continue
    group.rows.push(row)
    entries += 1
    if (row.kind === 'delete') group.closed = true
  }

  const records: PlannedRecord[] = []
  const deletes: PlannedDelete[] = []
  for (const [objectId, group] of groups) {
    const last = group.rows[group.rows.length - 1]
    if (last?.kind === 'delete') {
      const payload = parse(last.payload)
      deletes.push({
        objectId,
        identity: typeof payload.identity === 'string' ? payload.identity : null,
        entryIds: group.rows.map((row) => row.id),
        deleteEntryId: last.id,
      })
      continue
    }
    let merged: { record: Record<string, unknown>; data: Record<string, unknown>; ids: number[] } | null = null
    const flush = () => {
      if (merged) records.push({ record: merged.record, entryIds: merged.ids, objectId, kind: 'profile' })
      merged = null
    }
    for (const row of group.rows) {
      const payload = parse(row.payload)
      if (row.kind === 'event') {
        const record = { ...payload }
        if (options.idempotencyKeys) record[IDEMPOTENCY_FIELD] = idempotencyKey(options.installId, row)
        records.push({ record, entryIds: [row.id], objectId, kind: 'event' })
        continue
      }
      const data = isPlainObject(payload.profileData) ? payload.profileData : {}
      if (Object.values(data).some(isNonIdempotentValue)) {
        flush()
        const record = { ...payload }
        if (options.idempotencyKeys) record[IDEMPOTENCY_FIELD] = idempotencyKey(options.installId, row)
        records.push({ record, entryIds: [row.id], objectId, kind: 'profile' })
        continue
      }
      if (merged === null) {
        const next: { record: Record<string, unknown>; data: Record<string, unknown>; ids: number[] } = {
          record: { ...payload },
          data: {},
          ids: [],
        }
        next.record.profileData = next.data
        merged = next
      }
      const current: { record: Record<string, unknown>; data: Record<string, unknown>; ids: number[] } = merged
      // The identity the server knows the profile by is the one before the first change.
      if (current.record.identity === undefined && typeof payload.identity === 'string') {
        current.record.identity = payload.identity
      }
      Object.assign(current.data, data)
      current.ids.push(row.id)
    }
    flush()
  }
  return { records, deletes, entries }
}

/** Drops accepted entries. */
export function removeEntries(db: Db, ids: readonly number[]): void {
  const statement = prepared(db, 'DELETE FROM outbox WHERE id = ?')
  for (const id of ids) statement.run(id)
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
     ORDER BY id`,
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
    prepared(db, "SELECT 1 FROM outbox WHERE object_id = ? AND kind = 'delete' AND state <> 'parked' LIMIT 1").get(
      objectId,
    ) !== undefined
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
     ORDER BY id`,
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
