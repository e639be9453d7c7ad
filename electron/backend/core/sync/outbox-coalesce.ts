// How a profile's waiting outbox entries become upload records: grouped per profile, consecutive plain
// changes merged (the latest value of each key wins), operations that must not repeat and events kept
// alone with their own idempotency key, and a delete making everything before it moot. Pure: rows in,
// records out (the SQL that reads and settles the queue is outbox-queue.ts).
import { onTheWire, wireData } from './wire-record'

export interface OutboxRow {
  id: number
  object_id: string
  kind: 'profile' | 'event' | 'delete' | 'token'
  payload: string
  created_at: number
}

/** One upload record and the outbox entries it carries (all leave together, or are parked together). */
export interface PlannedRecord {
  /** The record as JSON: most are the stored payload as it is, never parsed on the way out. */
  json: string
  entryIds: number[]
  objectId: string
  kind: 'profile' | 'event' | 'token'
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
export function parseStored(text: string): Record<string, unknown> {
  return readObject(text) ?? {}
}

/** A cheap first look: only a payload that mentions an operation is parsed to check it. */
const OPERATION_TEXT = /"\$(?:add|remove|incr|decr)"/

function carriesOperation(payloadText: string): boolean {
  if (!OPERATION_TEXT.test(payloadText)) return false
  const data = parseStored(payloadText).profileData
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
    if (row.kind === 'token') {
      // A token record goes as stored, alone: setting the same token twice is harmless, so no key.
      closeRun()
      records.push({ json: row.payload, entryIds: [row.id], objectId, kind: 'token' })
      continue
    }
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
      const payload = parseStored(row.payload)
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
