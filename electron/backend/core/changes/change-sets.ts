// Writing change sets: every change to the profiles belongs to exactly one. A one-shot change (a profile
// page edit, a token edit, a conflict resolution, a pull batch) runs in withChangeSet; a long job (an
// import run, a bulk action, an undo) opens one, writes its batches into it and closes it. A change set
// that ends up holding nothing is deleted, so History never lists empty entries.
import type { ChangeSetKind, ChangeSetState } from '../../../../shared/changes/types'
import type { Db } from '../db/connection'
import { processAlive } from '../db/orphaned-runs'

export interface ChangeSetStart {
  kind: ChangeSetKind
  actor: string
  label: string
  /** Kind-specific facts, stored as JSON. */
  detail?: unknown
  /** Epoch seconds; now by default. */
  at?: number
  /** The change set this one undoes (issue 14). */
  undoes?: number
}

export interface ChangeSetClose {
  /**
   * How many profiles it touched; counted from its entries when not given. 'kept': the count a long job
   * kept up to date per batch (addChangeSetProfiles) stands.
   */
  profiles?: number | 'kept'
  /** Replaces the detail given at the start. */
  detail?: unknown
  /** Epoch seconds; now by default. */
  at?: number
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Opens a change set (state 'open', owned by this process) and returns its id. */
export function openChangeSet(db: Db, start: ChangeSetStart): number {
  const info = db
    .prepare(
      `INSERT INTO change_sets (kind, actor, label, started_at, state, detail, undoes, pid)
       VALUES (?, ?, ?, ?, 'open', ?, ?, ?)`,
    )
    .run(
      start.kind,
      start.actor,
      start.label,
      start.at ?? nowSeconds(),
      start.detail === undefined ? null : JSON.stringify(start.detail),
      start.undoes ?? null,
      process.pid,
    )
  return Number(info.lastInsertRowid)
}

/** True when no audit row and no event belongs to the change set. */
export function changeSetIsEmpty(db: Db, id: number): boolean {
  const row = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM audit WHERE change_set = @id) OR EXISTS (SELECT 1 FROM events WHERE change_set = @id) AS used`,
    )
    .get({ id }) as { used: number }
  return row.used === 0
}

/** The profiles a change set touched: those of its audit rows and of the events it inserted. */
export function countChangeSetProfiles(db: Db, id: number): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM (
         SELECT object_id FROM audit WHERE change_set = @id
         UNION SELECT p.object_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE e.change_set = @id)`,
    )
    .get({ id }) as { n: number }
  return row.n
}

/** Adds to a long job's profile count (an import after each batch, in the batch's transaction). */
export function addChangeSetProfiles(db: Db, id: number, profiles: number): void {
  if (profiles === 0) return
  db.prepare('UPDATE change_sets SET profiles = profiles + ? WHERE id = ?').run(profiles, id)
}

/**
 * Ends a change set with its final state. One that holds nothing is deleted instead (false is returned):
 * a cancelled import that wrote no batch, an edit that changed nothing.
 */
export function closeChangeSet(
  db: Db,
  id: number,
  state: Exclude<ChangeSetState, 'open'>,
  close: ChangeSetClose = {},
): boolean {
  if (changeSetIsEmpty(db, id)) {
    // A resumed import's run points at it: the next resume opens a fresh one.
    db.prepare('UPDATE import_runs SET change_set = NULL WHERE change_set = ?').run(id)
    db.prepare('DELETE FROM change_sets WHERE id = ?').run(id)
    return false
  }
  db.prepare(
    `UPDATE change_sets SET state = ?, finished_at = ?, profiles = coalesce(?, profiles),
       detail = coalesce(?, detail), pid = NULL
     WHERE id = ?`,
  ).run(
    state,
    close.at ?? nowSeconds(),
    close.profiles === 'kept' ? null : (close.profiles ?? countChangeSetProfiles(db, id)),
    close.detail === undefined ? null : JSON.stringify(close.detail),
    id,
  )
  return true
}

/**
 * A one-shot change in one transaction: opens the change set, runs `fn` with its id, closes it 'done'
 * (or deletes it when `fn` changed nothing). Inside the caller's transaction when one is open, else in an
 * immediate transaction of its own; an error rolls the change set back with the change.
 */
export function withChangeSet<T>(db: Db, start: ChangeSetStart, fn: (changeSet: number) => T): T {
  const run = () => {
    const id = openChangeSet(db, start)
    const result = fn(id)
    closeChangeSet(db, id, 'done', start.at === undefined ? {} : { at: start.at })
    return result
  }
  return db.inTransaction ? run() : db.transaction(run).immediate()
}

/** Re-opens an interrupted or cancelled change set for a resumed run (this process writes it now). */
export function reopenChangeSet(db: Db, id: number): boolean {
  const info = db
    .prepare(
      `UPDATE change_sets SET state = 'open', finished_at = NULL, pid = ? WHERE id = ? AND state IN ('interrupted','cancelled')`,
    )
    .run(process.pid, id)
  return info.changes === 1
}

/**
 * At start-up: change sets left open by a process that is gone (killed, crashed, power cut) become
 * interrupted, keeping what they wrote and their profile count; an empty one is deleted. Returns how many.
 * This process's own open change sets count as gone: at start-up nothing of it is running yet.
 */
export function markInterruptedChangeSets(db: Db, at: number): number {
  const open = db.prepare("SELECT id, pid FROM change_sets WHERE state = 'open'").all() as {
    id: number
    pid: number | null
  }[]
  const orphaned = open.filter((c) => c.pid === null || c.pid === process.pid || !processAlive(c.pid))
  db.transaction(() => {
    for (const { id } of orphaned) {
      if (changeSetIsEmpty(db, id)) {
        db.prepare('UPDATE import_runs SET change_set = NULL WHERE change_set = ?').run(id)
        db.prepare('DELETE FROM change_sets WHERE id = ?').run(id)
      } else {
        db.prepare(
          "UPDATE change_sets SET state = 'interrupted', finished_at = ?, pid = NULL WHERE id = ? AND state = 'open'",
        ).run(at, id)
      }
    }
  }).immediate()
  return orphaned.length
}
