// The audit log: one row per changed field (who, when, what, old -> new as JSON), kept after a delete.
// Every row belongs to a change set (core/changes): the one change, job or run that wrote it.
import type { ChangeSetKind } from '../../../../shared/changes/types'
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

/** One audit row in the change set `changeSet` (required: no change is written outside a change set). */
export function writeAudit(
  db: Db,
  changeSet: number,
  objectId: string,
  at: number,
  actor: string,
  entry: AuditWrite,
): void {
  prepared(
    db,
    'INSERT INTO audit (change_set, object_id, at, actor, action, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    changeSet,
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
  change_set: number | null
  change_set_kind: string | null
  change_set_label: string | null
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
    `SELECT a.id, a.at, a.actor, a.action, a.field, a.old_value, a.new_value, a.change_set,
       c.kind AS change_set_kind, c.label AS change_set_label
     FROM audit a LEFT JOIN change_sets c ON c.id = a.change_set
     WHERE a.object_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?`,
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
      changeSet: r.change_set,
      changeSetKind: r.change_set_kind as ChangeSetKind | null,
      changeSetLabel: r.change_set_label,
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
