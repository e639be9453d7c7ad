// The `undo` job: reverts a change set's profiles in batches into a change set of its own (kind 'undo',
// audited, pushed, undoable in turn), honouring the person's choice for profiles changed since; removes
// the events the change set inserted (their unsent upload records too: a sent one is never sent again).
// Custom non-date property entries are reverted set-wise (as the bulk set wrote them); the rest per profile.
import type { UndoChoice, UndoSummary } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { addChangeSetProfiles, closeChangeSet, openChangeSet } from '../changes/change-sets'
import type { BackendContext } from '../context'
import type { JobControl } from '../jobs/registry'
import { loadCustomTypes } from '../profiles/properties'
import { nowSeconds } from '../profiles/statements'
import type { BatchTarget } from './apply'
import { changedSince, requireChangeSet, undoRefusal, UNSENT } from './undo-plan'
import { setWiseOutboxSql } from './set-wise-outbox'
import { revertProfile, type EntryRow } from './undo-revert'

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

/** Reverts `objects`' custom property entries set-wise (one field at a time); returns the profiles written. */
function revertSetWise(ctx: BackendContext, id: number, objects: string[], target: BatchTarget): Set<string> {
  const db = ctx.db
  const batch = JSON.stringify(objects)
  // The oldest entry per (profile, field) holds the value before the change set.
  const firsts = `SELECT object_id, field, old_value FROM audit WHERE id IN (
      SELECT min(id) FROM audit WHERE +change_set = @id AND field = @field
        AND object_id IN (SELECT value FROM json_each(@batch)) GROUP BY object_id)`
  const fields = db
    .prepare(
      'SELECT DISTINCT field FROM audit WHERE +change_set = ? AND object_id IN (SELECT value FROM json_each(?))',
    )
    .all(id, batch) as { field: string }[]
  const written = new Set<string>()
  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS undo_rows (id INTEGER PRIMARY KEY, object_id TEXT, identity TEXT, now TEXT, old TEXT)',
  )
  for (const { field } of fields) {
    const path = `$."${field.replace(/"/g, '\\"')}"`
    const params = { id, field, batch, path, at: target.at, actor: ctx.actor, changeSet: target.changeSet }
    // The rows to revert, found once: their value now and the value before the change set.
    db.exec('DELETE FROM temp.undo_rows')
    db.prepare(
      `INSERT INTO temp.undo_rows (id, object_id, identity, now, old)
       SELECT p.id, p.object_id, p.identity, p.custom -> @path, nullif(f.old_value, 'null')
       FROM profiles p JOIN (${firsts}) f ON f.object_id = p.object_id
       WHERE (p.custom -> @path) IS NOT nullif(f.old_value, 'null')`,
    ).run(params)
    db.prepare(
      `INSERT INTO audit (change_set, object_id, at, actor, action, field, old_value, new_value)
       SELECT @changeSet, object_id, @at, @actor, CASE WHEN old IS NULL THEN 'property.unset' ELSE 'property.set' END,
         @field, coalesce(now, 'null'), coalesce(old, 'null') FROM temp.undo_rows ORDER BY id`,
    ).run(params)
    const data = `json_object(@field, CASE WHEN old IS NULL THEN json('{"$delete":true}') ELSE json(old) END)`
    db.prepare(
      setWiseOutboxSql(
        'temp.undo_rows',
        data,
        'CASE WHEN now IS NULL THEN NULL ELSE json_object(@field, json(now)) END',
      ),
    ).run(params)
    db.prepare(
      `UPDATE profiles AS p SET updated_at = @at, custom = CASE WHEN u.old IS NULL
         THEN json_remove(p.custom, @path) ELSE json_set(p.custom, @path, json(u.old)) END
       FROM temp.undo_rows u WHERE u.id = p.id`,
    ).run(params)
    for (const row of db.prepare('SELECT object_id FROM temp.undo_rows').all() as { object_id: string }[])
      written.add(row.object_id)
  }
  return written
}

/** Profiles of the batch whose entries are all custom non-date property changes (set-wise reversible). */
function setWiseObjects(
  ctx: BackendContext,
  entries: Map<string, EntryRow[]>,
  target: BatchTarget,
): string[] {
  return [...entries]
    .filter(([, list]) =>
      list.every(
        (e) =>
          (e.action === 'property.set' || e.action === 'property.unset') &&
          e.field !== null &&
          !findSystemProperty(e.field) &&
          target.types.has(e.field) &&
          target.types.get(e.field) !== 'date',
      ),
    )
    .map(([objectId]) => objectId)
}

/** Deletes the events the change set inserted on these profiles, with their unsent upload records. */
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
  }
  return events.length
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
  const objects = (
    db
      .prepare(
        `SELECT object_id FROM audit WHERE change_set = @id
         UNION SELECT p.object_id FROM events e JOIN profiles p ON p.id = e.profile_id WHERE e.change_set = @id`,
      )
      .all({ id }) as { object_id: string }[]
  )
    .map((r) => r.object_id)
    .filter((o) => !skip.has(o))
  const changeSet = openChangeSet(db, {
    kind: 'undo',
    actor: ctx.actor,
    label: `Undo of #${id}: ${info.label}`,
    undoes: id,
    detail: { undoes: id, onChanged: request.onChanged ?? null, reuploadDeleted: request.reuploadDeleted },
    at: nowSeconds(ctx.clock),
  })
  summary.changeSet = changeSet
  const types = loadCustomTypes(db)
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
    const target: BatchTarget = { changeSet, at: nowSeconds(ctx.clock), types }
    db.transaction(() => {
      const entries = new Map<string, EntryRow[]>()
      for (const row of entriesOf.all(id, JSON.stringify(batch)) as EntryRow[])
        entries.set(row.object_id, [...(entries.get(row.object_id) ?? []), row])
      const simple = setWiseObjects(ctx, entries, target)
      const written = revertSetWise(ctx, id, simple, target)
      summary.reverted += written.size
      for (const objectId of simple) entries.delete(objectId)
      let touched = written.size
      for (const [objectId, list] of entries) {
        const outcome = revertProfile(ctx, objectId, list, target, request.reuploadDeleted)
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
      addChangeSetProfiles(db, changeSet, touched)
    }).immediate()
    control.progress('undoing', Math.min(objects.length, start + BATCH), objects.length)
    await new Promise((resolve) => setImmediate(resolve))
  }
  const kept = closeChangeSet(db, changeSet, summary.cancelled ? 'cancelled' : 'done', { profiles: 'kept' })
  if (!kept) summary.changeSet = null
  else if (!summary.cancelled)
    db.prepare('UPDATE change_sets SET undone_by = ? WHERE id = ?').run(changeSet, id)
  ctx.events.emit('profiles.changed', { ids: [], all: true })
  return { ...summary, seconds: Math.round(performance.now() - started) / 1000 }
}
