// What a person sees of sync: waiting changes, refused changes (with the server's code and message),
// conflicts and their resolution, and one profile's share of each.
import type {
  PendingChange,
  ProfileSyncState,
  SyncConflict,
  SyncErrorItem,
  WireFieldValue,
} from '../../../../shared/ipc/channels/sync'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { offsetPage } from '../db/offset-page'
import { withChangeSet } from '../changes/change-sets'
import { ProfileChange } from '../profiles/profile-change'
import { findProfileRow } from '../profiles/profile-rows'
import { loadCustomTypes } from '../profiles/properties'
import { NOT_DONE, pendingFields, rewritePendingField, type PendingField } from './outbox-queue'
import { SYNC_ACTOR } from './reconcile'
import { applyWireValue } from './wire'

const LABEL = `(SELECT COALESCE(p.name, p.email, p.identity) FROM profiles AS p WHERE p.object_id = o.object_id)`
const HELD = `(o.kind = 'profile' AND o.object_id IN (SELECT object_id FROM sync_conflicts WHERE resolved_at IS NULL))`

interface EntryRow {
  id: number
  object_id: string
  kind: 'profile' | 'event' | 'delete' | 'token'
  payload: string
  created_at: number
  attempts: number
  label: string | null
  held: number
}

function fieldsOf(kind: EntryRow['kind'], payloadText: string): string[] {
  try {
    const payload = JSON.parse(payloadText) as { profileData?: Record<string, unknown>; evtName?: unknown }
    if (kind === 'profile') return Object.keys(payload.profileData ?? {})
    if (kind === 'event') return typeof payload.evtName === 'string' ? [payload.evtName] : []
  } catch {
    // A payload we cannot read is still listed, without its fields.
  }
  return []
}

const ENTRY_COLUMNS = `o.id, o.object_id, o.kind, o.payload, o.created_at, o.attempts, ${LABEL} AS label,
  ${HELD} AS held`

function toPending(row: EntryRow): PendingChange {
  return {
    id: row.id,
    profileId: row.object_id,
    profileLabel: row.label,
    kind: row.kind,
    fields: fieldsOf(row.kind, row.payload),
    // The outbox keeps the change's own time, in epoch seconds (its idempotency keys are built from it).
    createdAt: row.created_at * 1000,
    attempts: row.attempts,
    held: row.held === 1,
  }
}

export function listPending(
  db: Db,
  offset: number,
  limit: number,
): { items: PendingChange[]; total: number } {
  const { rows, total } = offsetPage<EntryRow>(
    db,
    {
      rows: `SELECT ${ENTRY_COLUMNS} FROM outbox AS o
       WHERE o.state = 'pending' AND o.id NOT IN (SELECT id FROM outbox_done) ORDER BY o.id`,
      count: `SELECT 1 FROM outbox WHERE state = 'pending' AND ${NOT_DONE}`,
    },
    offset,
    limit,
  )
  return { items: rows.map(toPending), total }
}

interface ErrorGroupRow {
  object_id: string
  kind: EntryRow['kind']
  error_code: number | null
  error_message: string | null
  ids: string
  attempts: number
  parked_at: number | null
  label: string | null
}

const ERROR_GROUPS = `SELECT o.object_id, o.kind, o.error_code, o.error_message, group_concat(o.id) AS ids,
    max(o.attempts) AS attempts, max(o.parked_at) AS parked_at, ${LABEL} AS label
  FROM outbox AS o WHERE o.state = 'parked'`

function toErrors(db: Db, groups: ErrorGroupRow[]): SyncErrorItem[] {
  const payload = db.prepare('SELECT payload FROM outbox WHERE id = ?')
  return groups.map((group) => {
    const ids = group.ids
      .split(',')
      .map(Number)
      .sort((a, b) => a - b)
    const fields = new Set<string>()
    for (const id of ids) {
      const row = payload.get(id) as { payload: string } | undefined
      if (row) for (const field of fieldsOf(group.kind, row.payload)) fields.add(field)
    }
    return {
      ids,
      profileId: group.object_id,
      profileLabel: group.label,
      kind: group.kind,
      fields: [...fields],
      code: group.error_code ?? 0,
      message: group.error_message ?? '',
      attempts: group.attempts,
      parkedAt: group.parked_at ?? 0,
    }
  })
}

/** Refused changes, one item per profile and reason (a refused record may carry several coalesced entries). */
export function listErrors(db: Db, offset: number, limit: number): { items: SyncErrorItem[]; total: number } {
  const { rows: groups, total } = offsetPage<ErrorGroupRow>(
    db,
    {
      rows: `${ERROR_GROUPS} GROUP BY o.object_id, o.kind, o.error_code, o.error_message
       ORDER BY max(o.parked_at) DESC, min(o.id)`,
      count: `SELECT 1 FROM outbox WHERE state = 'parked' GROUP BY object_id, kind, error_code, error_message`,
    },
    offset,
    limit,
  )
  return { items: toErrors(db, groups), total }
}

/** Puts refused changes back in the queue (all of them when no ids are given). */
export function retryErrors(db: Db, ids: readonly number[] | undefined): number {
  if (ids === undefined)
    return db.prepare("UPDATE outbox SET state = 'pending' WHERE state = 'parked'").run().changes
  const statement = db.prepare("UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'parked'")
  return db.transaction(() => ids.reduce((n, id) => n + statement.run(id).changes, 0))()
}

/** Gives up on refused changes: they are removed from the queue (the local values stay until a pull). */
export function discardErrors(db: Db, ids: readonly number[]): number {
  const statement = db.prepare("DELETE FROM outbox WHERE id = ? AND state = 'parked'")
  return db.transaction(() => ids.reduce((n, id) => n + statement.run(id).changes, 0))()
}

interface ConflictRow {
  id: number
  object_id: string
  field: string
  mine: string | null
  theirs: string | null
  base: string | null
  detected_at: number
  resolved_at: number | null
  resolution: SyncConflict['resolution']
  label: string | null
}

function wire(text: string | null): WireFieldValue {
  if (text === null) return null
  const value: unknown = JSON.parse(text)
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return Array.isArray(value) ? value.map(String) : null
}

function toConflict(row: ConflictRow): SyncConflict {
  return {
    id: row.id,
    profileId: row.object_id,
    profileLabel: row.label,
    field: row.field,
    mine: wire(row.mine),
    theirs: wire(row.theirs),
    base: wire(row.base),
    detectedAt: row.detected_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
  }
}

/**
 * Conflicts as listed: an open one shows as "mine" the latest value waiting to be sent for its field
 * (what "Keep mine" sends), not the one seen when the conflict was found; a later local edit of the
 * field is queued, not written into the conflict. A resolved one keeps what it recorded.
 */
function toConflicts(db: Db, rows: readonly ConflictRow[]): SyncConflict[] {
  const waiting = new Map<string, Map<string, PendingField>>()
  return rows.map((row) => {
    const conflict = toConflict(row)
    if (row.resolved_at !== null) return conflict
    let fields = waiting.get(row.object_id)
    if (fields === undefined) {
      fields = pendingFields(db, row.object_id)
      waiting.set(row.object_id, fields)
    }
    const field = fields.get(row.field)
    return field && !field.operation ? { ...conflict, mine: field.value } : conflict
  })
}

const CONFLICT_COLUMNS = `c.id, c.object_id, c.field, c.mine, c.theirs, c.base, c.detected_at, c.resolved_at, c.resolution,
  (SELECT COALESCE(p.name, p.email, p.identity) FROM profiles AS p WHERE p.object_id = c.object_id) AS label`

export function listConflicts(
  db: Db,
  offset: number,
  limit: number,
  includeResolved: boolean,
): { items: SyncConflict[]; total: number } {
  const where = includeResolved ? '' : 'WHERE c.resolved_at IS NULL'
  const { rows, total } = offsetPage<ConflictRow>(
    db,
    {
      rows: `SELECT ${CONFLICT_COLUMNS} FROM sync_conflicts AS c ${where} ORDER BY c.id DESC`,
      count: `SELECT 1 FROM sync_conflicts AS c ${where}`,
    },
    offset,
    limit,
  )
  return { items: toConflicts(db, rows), total }
}

function conflictById(db: Db, id: number): ConflictRow | undefined {
  return db.prepare(`SELECT ${CONFLICT_COLUMNS} FROM sync_conflicts AS c WHERE c.id = ?`).get(id) as
    ConflictRow | undefined
}

/**
 * Resolves a conflict as the person chose. Mine: the local value stays queued, now based on the server's
 * value (so it is not a conflict again unless the server changes once more). Theirs: the server's value
 * replaces the local one (no outbox entry) and the field is dropped from the waiting changes.
 */
export function resolveConflict(
  db: Db,
  id: number,
  choice: 'mine' | 'theirs',
  at: number,
  /** Who chose: the change set's actor (the audit rows stay the sync's, whose values they are). */
  actor: string = SYNC_ACTOR,
): { conflict: SyncConflict; profileChanged: boolean } {
  let profileChanged = false
  db.transaction(() => {
    const row = conflictById(db, id)
    if (!row) throw new AppError('not_found', `No sync conflict ${id}.`, { id })
    if (row.resolved_at !== null) {
      throw new AppError(
        'conflict',
        `Conflict ${id} was already resolved (${row.resolution ?? 'unknown'}).`,
        { id },
      )
    }
    const theirs = wire(row.theirs)
    if (choice === 'mine') {
      // The history keeps the value that was kept: the latest one waiting, which may be newer than the conflict.
      const [kept] = toConflicts(db, [row])
      if (kept)
        db.prepare('UPDATE sync_conflicts SET mine = ? WHERE id = ?').run(JSON.stringify(kept.mine), id)
      rewritePendingField(db, row.object_id, row.field, { rebase: theirs })
    } else {
      const local = findProfileRow(db, row.object_id)
      if (local) {
        const atSeconds = Math.floor(at / 1000)
        const label = `Conflict on ${row.field} resolved: the server's value taken`
        const start = { kind: 'conflict' as const, actor, label, at: atSeconds }
        profileChanged = withChangeSet(db, start, (changeSet) => {
          const change = new ProfileChange(db, local)
          applyWireValue(change, loadCustomTypes(db), row.field, theirs)
          return change.commit({ at: atSeconds, actor: SYNC_ACTOR, outbox: false, changeSet }).changed
        })
      }
      rewritePendingField(db, row.object_id, row.field, { drop: true })
    }
    db.prepare('UPDATE sync_conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(at, choice, id)
  }).immediate()
  const resolved = conflictById(db, id)
  if (!resolved) throw new AppError('internal', `Conflict ${id} disappeared while being resolved.`)
  return { conflict: toConflict(resolved), profileChanged }
}

export function profileSyncState(db: Db, objectId: string): ProfileSyncState {
  const pending = (
    db
      .prepare(`SELECT count(*) AS n FROM outbox WHERE object_id = ? AND state = 'pending' AND ${NOT_DONE}`)
      .get(objectId) as {
      n: number
    }
  ).n
  const errors = toErrors(
    db,
    db
      .prepare(
        `${ERROR_GROUPS} AND o.object_id = ? GROUP BY o.kind, o.error_code, o.error_message ORDER BY min(o.id)`,
      )
      .all(objectId) as ErrorGroupRow[],
  )
  const conflicts = db
    .prepare(
      `SELECT ${CONFLICT_COLUMNS} FROM sync_conflicts AS c WHERE c.object_id = ? AND c.resolved_at IS NULL ORDER BY c.id`,
    )
    .all(objectId) as ConflictRow[]
  return { pending, errors, conflicts: toConflicts(db, conflicts) }
}
