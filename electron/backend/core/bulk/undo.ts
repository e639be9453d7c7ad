// The `undo` job: reverts a change set's profiles in batches into a change set of its own (kind 'undo',
// audited, pushed, undoable in turn), honouring the person's choice for profiles changed since; removes
// the events the change set inserted (their unsent upload records too: a sent one is never sent again).
// Custom non-date property entries are reverted set-wise (undo-set-wise.ts); a change set made only of
// them (a bulk set/unset) is walked by ranges of its audit rows with no per-profile work; the rest per profile.
import type { UndoChoice, UndoSummary } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import { addChangeSetProfiles, closeChangeSet, openChangeSet } from '../changes/change-sets'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { withCheckpointAfter } from '../db/background-checkpoint'
import type { JobControl } from '../jobs/registry'
import { loadCustomTypes } from '../profiles/properties'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { evenBatch, SET_WISE_BATCH } from './bulk-job'
import { nowSeconds } from '../profiles/statements'
import type { BatchTarget } from './apply'
import { changedSince, requireChangeSet, undoRefusal, UNSENT } from './undo-plan'
import { revertProfile, type EntryRow } from './undo-revert'
import {
  nextRangeEnd,
  revertObjectsSetWise,
  revertRangeSetWise,
  setSkipped,
  setWiseField,
  wholeSetWiseUndo,
  type SetWiseUndo,
} from './undo-set-wise'

export interface UndoRequest {
  changeSet: number
  onChanged?: UndoChoice
  reuploadDeleted: boolean
}

const BATCH = 5_000
// Queries on a batch's profiles write `+change_set`: SQLite then finds the rows by audit_object (the
// batch's profiles) instead of walking the whole change set through audit_change_set for every batch.

/** Refuses an undo that cannot run or needs the person's choice first (checked before the job starts). */
export function checkUndo(ctx: BackendContext, request: UndoRequest): void {
  const info = requireChangeSet(ctx.db, request.changeSet)
  const refusal = undoRefusal(ctx.db, info)
  if (refusal !== null) throw new AppError('conflict', refusal)
  if (request.onChanged === undefined) {
    const since = changedSince(ctx.db, request.changeSet).size
    if (since > 0)
      throw new AppError(
        'conflict',
        `${since} profile${since === 1 ? '' : 's'} changed again after change set #${request.changeSet}. Choose to overwrite ${since === 1 ? 'it' : 'them'} or to skip ${since === 1 ? 'it' : 'them'} (--overwrite or --skip-changed).`,
        { changedSince: since },
      )
  }
}

/** Profiles of the batch whose entries are all custom non-date property changes (set-wise reversible). */
function setWiseObjects(entries: Map<string, EntryRow[]>, target: BatchTarget): string[] {
  return [...entries]
    .filter(([, list]) =>
      list.every(
        (e) =>
          (e.action === 'property.set' || e.action === 'property.unset') &&
          setWiseField(e.field, target.types),
      ),
    )
    .map(([objectId]) => objectId)
}

/**
 * Deletes the events the change set inserted on these profiles, with their unsent upload records; their
 * event summaries and last_seen are worked out again from the events left.
 */
function removeEvents(ctx: BackendContext, id: number, profileIds: number[]): number {
  const db = ctx.db
  const events = db
    .prepare(
      `SELECT e.id, e.profile_id, e.name, e.ts, p.object_id FROM events e JOIN profiles p ON p.id = e.profile_id
       WHERE e.change_set = ? AND e.profile_id IN (SELECT value FROM json_each(?))`,
    )
    .all(id, JSON.stringify(profileIds)) as {
    id: number
    profile_id: number
    name: string
    ts: number
    object_id: string
  }[]
  const unsent = db.prepare(
    `SELECT o.id FROM outbox o WHERE o.object_id = ? AND o.kind = 'event' AND ${UNSENT}
       AND json_extract(o.payload, '$.evtName') = ? AND json_extract(o.payload, '$.ts') = ? LIMIT 1`,
  )
  for (const event of events) {
    const record = unsent.get(event.object_id, event.name, event.ts) as { id: number } | undefined
    if (record) db.prepare('DELETE FROM outbox WHERE id = ?').run(record.id)
    db.prepare('DELETE FROM events WHERE id = ?').run(event.id)
  }
  for (const profileId of new Set(events.map((e) => e.profile_id))) {
    db.prepare('DELETE FROM event_summaries WHERE profile_id = ?').run(profileId)
    db.prepare(
      `INSERT INTO event_summaries (profile_id, name, count, first_seen, last_seen)
       SELECT profile_id, name, count(*), min(ts), max(ts) FROM events WHERE profile_id = ? GROUP BY name`,
    ).run(profileId)
    // last_seen is the newest event's time (profiles/login.ts storeEvent raises it): the newest left.
    db.prepare(
      `UPDATE profiles SET last_seen = (SELECT max(last_seen) FROM event_summaries WHERE profile_id = @id)
       WHERE id = @id AND last_seen IS NOT (SELECT max(last_seen) FROM event_summaries WHERE profile_id = @id)`,
    ).run({ id: profileId })
  }
  return events.length
}

/** What a batch loop of the undo needs: the request, the change sets, the summary it fills. */
interface UndoRun {
  ctx: BackendContext
  request: UndoRequest
  control: JobControl
  changeSet: number
  types: Map<string, CustomPropertyType>
  summary: UndoSummary
}

function target(run: UndoRun): BatchTarget {
  return { changeSet: run.changeSet, at: nowSeconds(run.ctx.clock), types: run.types }
}

/** Lets progress events, cancels and other requests through between batches. */
const yieldTurn = () => new Promise((resolve) => setImmediate(resolve))

/** A change set of custom property sets/unsets only: reverted in ranges of its audit rows, set-wise. */
async function undoWholeSetWise(run: UndoRun, plan: SetWiseUndo, skip: Iterable<string>): Promise<void> {
  const { ctx, control, summary } = run
  const db = ctx.db
  const id = run.request.changeSet
  setSkipped(db, skip)
  const total = (db.prepare('SELECT count(*) AS n FROM audit WHERE change_set = ?').get(id) as { n: number })
    .n
  control.progress('undoing', 0, total)
  const size = evenBatch(total, SET_WISE_BATCH)
  let after = 0
  let done = 0
  for (;;) {
    if (control.signal.aborted) {
      summary.cancelled = true
      break
    }
    const end = nextRangeEnd(db, id, after, size)
    if (end === null) break
    db.transaction(() => {
      const touched = revertRangeSetWise(ctx, id, plan, { after, end }, target(run))
      summary.reverted += touched
      addChangeSetProfiles(db, run.changeSet, touched)
    }).immediate()
    done = Math.min(total, done + size)
    after = end
    control.progress('undoing', done, total)
    await yieldTurn()
  }
}

/** Any other change set: per batch of profiles, their entries read and reverted one profile at a time. */
async function undoPerProfile(run: UndoRun, objects: string[]): Promise<void> {
  const { ctx, control, summary, request } = run
  const db = ctx.db
  const id = request.changeSet
  const entriesOf = db.prepare(
    'SELECT id, object_id, action, field, old_value, new_value FROM audit WHERE +change_set = ? AND object_id IN (SELECT value FROM json_each(?)) ORDER BY id DESC',
  )
  control.progress('undoing', 0, objects.length)
  for (let start = 0; start < objects.length; start += BATCH) {
    if (control.signal.aborted) {
      summary.cancelled = true
      break
    }
    const batch = objects.slice(start, start + BATCH)
    const to = target(run)
    db.transaction(() => {
      const entries = new Map<string, EntryRow[]>()
      for (const row of entriesOf.all(id, JSON.stringify(batch)) as EntryRow[])
        entries.set(row.object_id, [...(entries.get(row.object_id) ?? []), row])
      const simple = setWiseObjects(entries, to)
      const written = revertObjectsSetWise(ctx, id, simple, to)
      summary.reverted += written.size
      for (const objectId of simple) entries.delete(objectId)
      let touched = written.size
      for (const [objectId, list] of entries) {
        const outcome = revertProfile(ctx, objectId, list, to, request.reuploadDeleted)
        if (outcome === 'removed') summary.removed++
        else if (outcome === 'restored') summary.restored++
        else if (outcome === 'reuploaded') {
          summary.restored++
          summary.reuploaded++
        } else if (outcome === 'reverted') summary.reverted++
        else if (typeof outcome !== 'string') summary.skipped++
        if (typeof outcome === 'string' && outcome !== 'unchanged') touched++
      }
      const profileIds = (
        db
          .prepare('SELECT id FROM profiles WHERE object_id IN (SELECT value FROM json_each(?))')
          .all(JSON.stringify(batch)) as { id: number }[]
      ).map((r) => r.id)
      removeEvents(ctx, id, profileIds)
      addChangeSetProfiles(db, run.changeSet, touched)
    }).immediate()
    control.progress('undoing', Math.min(objects.length, start + BATCH), objects.length)
    await yieldTurn()
  }
}

/** The profiles (CleverTap IDs) the change set touched, but those the undo skips. */
function objectsOf(db: Db, id: number, skip: Map<string, number[]>): string[] {
  const rows = db
    .prepare(
      `SELECT object_id FROM audit WHERE change_set = @id
       UNION SELECT p.object_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE e.change_set = @id`,
    )
    .all({ id }) as { object_id: string }[]
  return rows.map((r) => r.object_id).filter((o) => !skip.has(o))
}

export async function runUndo(
  ctx: BackendContext,
  request: UndoRequest,
  control: JobControl,
): Promise<UndoSummary> {
  const started = performance.now()
  const db = ctx.db
  const id = request.changeSet
  checkUndo(ctx, request)
  const info = requireChangeSet(db, id)
  const since = changedSince(db, id)
  const skip = request.onChanged === 'skip-changed' ? since : new Map<string, number[]>()
  const summary: UndoSummary = {
    changeSet: null,
    undid: id,
    reverted: 0,
    removed: 0,
    restored: 0,
    skipped: skip.size,
    overwritten: request.onChanged === 'overwrite' ? since.size : 0,
    reuploaded: 0,
    cancelled: false,
    seconds: 0,
  }
  const types = loadCustomTypes(db)
  const plan = wholeSetWiseUndo(db, id, info.kind, types)
  // The WAL is checkpointed once, after the job (in the background): the batches share index pages
  // that a checkpoint per batch would copy again, and the job is done when its last batch commits.
  await withCheckpointAfter(db, async () => {
    const changeSet = openChangeSet(db, {
      kind: 'undo',
      actor: ctx.actor,
      label: `Undo of #${id}: ${info.label}`,
      undoes: id,
      detail: { undoes: id, onChanged: request.onChanged ?? null, reuploadDeleted: request.reuploadDeleted },
      at: nowSeconds(ctx.clock),
    })
    summary.changeSet = changeSet
    const run: UndoRun = { ctx, request, control, changeSet, types, summary }
    if (plan !== null) await undoWholeSetWise(run, plan, skip.keys())
    else await undoPerProfile(run, objectsOf(db, id, skip))
    const kept = closeChangeSet(db, changeSet, summary.cancelled ? 'cancelled' : 'done', { profiles: 'kept' })
    if (!kept) summary.changeSet = null
    else if (!summary.cancelled)
      db.prepare('UPDATE change_sets SET undone_by = ? WHERE id = ?').run(changeSet, id)
  })
  ctx.events.emit('profiles.changed', { ids: [], all: true })
  return { ...summary, seconds: Math.round(performance.now() - started) / 1000 }
}
