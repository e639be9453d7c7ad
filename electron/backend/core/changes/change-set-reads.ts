// Reading change sets: the History list (filtered by kind, date and profile), one change set's entries
// (its audit rows, oldest first), and the change set facts a profile's history rows carry.
import type {
  ChangeSetEntry,
  ChangeSetFilter,
  ChangeSetInfo,
  ChangeSetKind,
  ChangeSetState,
} from '../../../../shared/changes/types'
import type { Db } from '../db/connection'
import { offsetPage } from '../db/offset-page'

interface ChangeSetRow {
  id: number
  kind: string
  actor: string
  label: string
  started_at: number
  finished_at: number | null
  state: string
  detail: string | null
  profiles: number
  undoes: number | null
  undone_by: number | null
}

const COLUMNS = 'id, kind, actor, label, started_at, finished_at, state, detail, profiles, undoes, undone_by'

function toInfo(row: ChangeSetRow): ChangeSetInfo {
  return {
    id: row.id,
    kind: row.kind as ChangeSetKind,
    actor: row.actor,
    label: row.label,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    state: row.state as ChangeSetState,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown),
    profiles: row.profiles,
    undoes: row.undoes,
    undoneBy: row.undone_by,
  }
}

export function getChangeSet(db: Db, id: number): ChangeSetInfo | null {
  const row = db.prepare(`SELECT ${COLUMNS} FROM change_sets WHERE id = ?`).get(id) as
    ChangeSetRow | undefined
  return row === undefined ? null : toInfo(row)
}

/** Change sets, newest first, filtered by kind, start date and a profile they touched. */
export function listChangeSets(
  db: Db,
  filter: ChangeSetFilter,
  page: { offset: number; limit: number },
): { items: ChangeSetInfo[]; total: number } {
  const where: string[] = []
  const params: unknown[] = []
  if (filter.kind !== undefined) {
    where.push('kind = ?')
    params.push(filter.kind)
  }
  if (filter.since !== undefined) {
    where.push('started_at >= ?')
    params.push(filter.since)
  }
  if (filter.profile !== undefined) {
    // By the profile's audit rows (audit_object index) and the events a change set inserted on it.
    where.push(`id IN (SELECT change_set FROM audit WHERE object_id = ? AND change_set IS NOT NULL
      UNION SELECT e.change_set FROM events e JOIN profiles p ON p.id = e.profile_id
      WHERE p.object_id = ? AND e.change_set IS NOT NULL)`)
    params.push(filter.profile, filter.profile)
  }
  const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  const { rows, total } = offsetPage<ChangeSetRow>(
    db,
    {
      rows: `SELECT ${COLUMNS} FROM change_sets ${clause} ORDER BY id DESC`,
      count: `SELECT 1 FROM change_sets ${clause}`,
      params,
    },
    page.offset,
    page.limit,
  )
  return { items: rows.map(toInfo), total }
}

interface EntryRow {
  id: number
  object_id: string
  at: number
  action: string
  field: string | null
  old_value: string | null
  new_value: string | null
}

/** One change set's entries (audit rows) in the order they were written. */
export function changeSetEntries(
  db: Db,
  id: number,
  page: { offset: number; limit: number },
): { items: ChangeSetEntry[]; total: number } {
  const { rows, total } = offsetPage<EntryRow>(
    db,
    {
      rows: 'SELECT id, object_id, at, action, field, old_value, new_value FROM audit WHERE change_set = ? ORDER BY id',
      count: 'SELECT 1 FROM audit WHERE change_set = ?',
      params: [id],
    },
    page.offset,
    page.limit,
  )
  return {
    items: rows.map((r) => ({
      id: r.id,
      objectId: r.object_id,
      at: r.at,
      action: r.action,
      field: r.field,
      oldValue: r.old_value === null ? null : (JSON.parse(r.old_value) as unknown),
      newValue: r.new_value === null ? null : (JSON.parse(r.new_value) as unknown),
    })),
    total,
  }
}

/** The ids of the events a change set inserted (undo deletes them). */
export function changeSetEventIds(db: Db, id: number): number[] {
  return (
    db.prepare('SELECT id FROM events WHERE change_set = ? ORDER BY id').all(id) as { id: number }[]
  ).map((r) => r.id)
}
