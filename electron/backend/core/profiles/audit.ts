// The audit log: one row per changed field (who, when, what, old -> new as JSON), kept after a delete.
import type { AuditEntry } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { requireProfileRow } from './profile-rows'
import { prepared } from './statements'

export interface AuditWrite {
  action: string
  field: string | null
  oldValue?: unknown
  newValue?: unknown
}

export function writeAudit(db: Db, objectId: string, at: number, actor: string, entry: AuditWrite): void {
  prepared(
    db,
    'INSERT INTO audit (object_id, at, actor, action, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    objectId,
    at,
    actor,
    entry.action,
    entry.field,
    entry.oldValue === undefined ? null : JSON.stringify(entry.oldValue),
    entry.newValue === undefined ? null : JSON.stringify(entry.newValue),
  )
}

interface AuditRow {
  id: number
  at: number
  actor: string
  action: string
  field: string | null
  old_value: string | null
  new_value: string | null
}

/** A profile's history, newest first. */
export function readHistory(
  db: Db,
  objectId: string,
  offset: number,
  limit: number,
): { items: AuditEntry[]; total: number } {
  const rows = prepared(
    db,
    'SELECT id, at, actor, action, field, old_value, new_value FROM audit WHERE object_id = ? ORDER BY id DESC LIMIT ? OFFSET ?',
  ).all(objectId, limit, offset) as AuditRow[]
  const { total } = prepared(db, 'SELECT count(*) AS total FROM audit WHERE object_id = ?').get(objectId) as {
    total: number
  }
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      field: r.field,
      oldValue: r.old_value === null ? null : (JSON.parse(r.old_value) as unknown),
      newValue: r.new_value === null ? null : (JSON.parse(r.new_value) as unknown),
    })),
  }
}

/**
 * The history profiles.history shows. It outlives the profile (a deleted profile's audit stays readable);
 * an id with no history and no profile is not_found.
 */
export function readProfileHistory(
  db: Db,
  objectId: string,
  offset: number,
  limit: number,
): { items: AuditEntry[]; total: number } {
  const history = readHistory(db, objectId, offset, limit)
  if (history.total === 0) requireProfileRow(db, objectId)
  return history
}
