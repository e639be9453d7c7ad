// What undoing a change set would do, read before anything is written: can it be undone, which profiles
// it reverts, removes and restores, which changed again since (the person then chooses to overwrite or
// skip them), and what the remote cannot take back (pushed events stay; pushed deletions).
import type { ChangedSinceRow, ChangeSetSummary, UndoPreview } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import { getChangeSet } from '../changes/change-set-reads'
import type { Db } from '../db/connection'
import { SUMMARY_COLUMNS, toSummary, type SummaryRow } from '../profiles/profile-rows'

const SAMPLE = 20
/** Outbox rows still to send (an accepted entry's id is in outbox_done until its row is purged). */
export const UNSENT = 'o.id NOT IN (SELECT id FROM outbox_done)'

export function requireChangeSet(db: Db, id: number): ChangeSetSummary {
  const info = getChangeSet(db, id)
  if (info === null)
    throw new AppError('not_found', `There is no change set #${id} (see: profile-desk history).`)
  return info
}

/** Why the change set cannot be undone now, or null. */
export function undoRefusal(db: Db, info: ChangeSetSummary): string | null {
  if (info.state === 'open') return `Change set #${info.id} is still being written; wait for it to finish.`
  if (info.undoneBy !== null)
    return `Change set #${info.id} was already undone by #${info.undoneBy}; undo #${info.undoneBy} to bring its changes back.`
  const touched = db
    .prepare(
      'SELECT EXISTS (SELECT 1 FROM audit WHERE change_set = @id) OR EXISTS (SELECT 1 FROM events WHERE change_set = @id) AS n',
    )
    .get({ id: info.id }) as { n: number }
  if (touched.n === 0) return `Change set #${info.id} recorded no change that can be undone.`
  return null
}

/** The newest audit row of the change set: a later row on the same profile is a change since. */
function lastEntry(db: Db, id: number): number {
  return (
    (db.prepare('SELECT max(id) AS id FROM audit WHERE change_set = ?').get(id) as { id: number | null })
      .id ?? 0
  )
}

/**
 * Later change sets that cancel out: one that was undone, and the undo of a change set later than @id
 * (undoing the newest first, then the one before, is not a "change since" for the older one).
 */
const CANCELLED_OUT = 'SELECT id FROM change_sets WHERE undone_by IS NOT NULL OR undoes > @id'

/**
 * The profiles (CleverTap IDs) the change set touched and that changed again since, with the later sets:
 * a later change of a field it changed, or any later change when it created or deleted the profile (a
 * later change of another field does not stand in the undo's way).
 */
export function changedSince(db: Db, id: number): Map<string, number[]> {
  const rows = db
    .prepare(
      `SELECT a.object_id, a.change_set FROM audit a
       WHERE a.id > @last AND a.change_set IS NOT @id AND a.change_set IS NOT NULL
         AND a.change_set NOT IN (${CANCELLED_OUT})
         AND EXISTS (SELECT 1 FROM audit b WHERE b.object_id = a.object_id AND b.change_set = @id
           AND (b.field IS a.field OR b.field IS NULL OR a.field IS NULL
             OR instr(', ' || b.field || ', ', ', ' || a.field || ', ') > 0
             OR instr(', ' || a.field || ', ', ', ' || b.field || ', ') > 0))
       ORDER BY a.id DESC`,
    )
    .all({ last: lastEntry(db, id), id }) as { object_id: string; change_set: number }[]
  const out = new Map<string, number[]>()
  for (const row of rows) {
    const sets = out.get(row.object_id) ?? []
    if (!sets.includes(row.change_set)) sets.push(row.change_set)
    out.set(row.object_id, sets)
  }
  return out
}

function countOf(db: Db, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n
}

export function buildUndoPreview(db: Db, id: number): UndoPreview {
  const info = requireChangeSet(db, id)
  const since = changedSince(db, id)
  const sample: ChangedSinceRow[] = []
  for (const [objectId, sets] of since) {
    if (sample.length >= SAMPLE) break
    const row = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM profiles WHERE object_id = ?`).get(objectId) as
      SummaryRow | undefined
    const profile = row
      ? toSummary(row)
      : {
          id: objectId,
          name: null,
          email: null,
          identity: null,
          phone: null,
          type: 'Anonymous' as const,
          isTest: false,
          lastSeen: null,
        }
    sample.push({ profile, changeSets: sets.slice(0, 5) })
  }
  const profiles = countOf(
    db,
    `SELECT count(*) AS n FROM (SELECT object_id FROM audit WHERE change_set = @id
       UNION SELECT p.object_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE e.change_set = @id)`,
    { id },
  )
  const removes = countOf(
    db,
    "SELECT count(*) AS n FROM audit WHERE change_set = ? AND action IN ('profile.create', 'import.create')",
    id,
  )
  const restores = countOf(
    db,
    "SELECT count(*) AS n FROM audit WHERE change_set = ? AND action = 'profile.delete'",
    id,
  )
  const pushedDeletes = countOf(
    db,
    `SELECT count(*) AS n FROM audit a WHERE a.change_set = ? AND a.action = 'profile.delete'
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.object_id = a.object_id AND o.kind = 'delete' AND ${UNSENT})`,
    id,
  )
  const events = countOf(db, 'SELECT count(*) AS n FROM events WHERE change_set = ?', id)
  const unsentEvents = countOf(
    db,
    `SELECT count(*) AS n FROM events e JOIN profiles p ON p.id = e.profile_id WHERE e.change_set = ?
       AND EXISTS (SELECT 1 FROM outbox o WHERE o.object_id = p.object_id AND o.kind = 'event' AND ${UNSENT}
         AND json_extract(o.payload, '$.evtName') = e.name AND json_extract(o.payload, '$.ts') = e.ts)`,
    id,
  )
  const pushedEvents = events - unsentEvents
  const notes: string[] = []
  if (pushedEvents > 0)
    notes.push(
      `${pushedEvents} event${pushedEvents === 1 ? ' was' : 's were'} already sent: the remote keeps ${pushedEvents === 1 ? 'it' : 'them'} (there is no API to delete an event). ${pushedEvents === 1 ? 'It is' : 'They are'} removed here and never sent again.`,
    )
  if (pushedDeletes > 0)
    notes.push(
      `${pushedDeletes} deletion${pushedDeletes === 1 ? ' was' : 's were'} already sent. The profile${pushedDeletes === 1 ? ' is' : 's are'} restored here; CleverTap deletes asynchronously, so ${pushedDeletes === 1 ? 'it is' : 'they are'} uploaded again as new only if you confirm (--reupload-deleted).`,
    )
  if (
    countOf(db, "SELECT count(*) AS n FROM audit WHERE change_set = ? AND action LIKE 'device.token.%'", id) >
    0
  )
    notes.push('Push token changes are undone here only: the upload API has no record that removes a token.')
  return {
    changeSet: info,
    refusal: undoRefusal(db, info),
    profiles,
    removes,
    restores,
    changedSince: since.size,
    changedSinceSample: sample,
    remote: { pushedEvents, pushedDeletes, notes },
  }
}
