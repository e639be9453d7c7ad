// Undoing custom (non-date) property entries set-wise, as the bulk set wrote them: per field, the rows to
// revert go into a temp table (their value now and the value before the change set), then one audit
// INSERT, one keyed outbox INSERT and one UPDATE by rowid read it. A change set made only of such
// entries (a bulk set/unset) is walked in ranges of its audit rows, with no per-profile work at all.
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import type { BatchTarget } from './apply'
import { jsonPathOf, setWiseOutboxSql } from './set-wise-outbox'

/** Whether an audit field is a custom property the set-wise path reverts (not a system key, not a date). */
export function setWiseField(field: string | null, types: Map<string, CustomPropertyType>): boolean {
  return field !== null && !findSystemProperty(field) && types.has(field) && types.get(field) !== 'date'
}

/** An outbox entry `o` the undo's record supersedes: an unsent, unrefused keyed profile record. */
const SUPERSEDED = `o.kind = 'profile' AND o.state = 'pending' AND json_type(o.payload, '$.keys') = 'array'
  AND o.id NOT IN (SELECT id FROM outbox_done)`

/**
 * The profile's value of the field now, the value before the change set (only rows that differ), and
 * the id of its newest outbox entry (the undo's record may supersede it).
 */
const NOW_AND_OLD = `p.id, p.object_id, p.identity, p.custom -> @path, nullif(f.old_value, 'null'),
  (SELECT max(o.id) FROM outbox o WHERE o.object_id = p.object_id)`
function prepareTemp(db: Db): void {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS undo_rows (id INTEGER PRIMARY KEY, object_id TEXT, identity TEXT, now TEXT, old TEXT,
       prior_id INTEGER, prior_keys TEXT, prior_base TEXT, prior_identity TEXT);
     CREATE TEMP TABLE IF NOT EXISTS undo_touched (id INTEGER PRIMARY KEY);`,
  )
}

/**
 * Reverts one field on the rows `fill` selects: (profile id, object_id, identity, value now, value
 * before), only rows whose value differs. Writes the audit rows (CleverTap ID order, so audit_object
 * takes them in key order), keyed outbox records and the profile rows; adds the profiles to
 * temp.undo_touched. Returns the rows written.
 */
function revertField(
  ctx: BackendContext,
  field: string,
  target: BatchTarget,
  fill: string,
  extra: Record<string, unknown>,
): number {
  const db = ctx.db
  const params = {
    ...extra,
    field,
    path: jsonPathOf(field),
    at: target.at,
    actor: ctx.actor,
    changeSet: target.changeSet,
  }
  db.exec('DELETE FROM temp.undo_rows')
  db.prepare(`INSERT INTO temp.undo_rows (id, object_id, identity, now, old, prior_id) ${fill}`).run(params)
  // Only an unsent keyed record is superseded (prior_keys set): read once here, each payload parsed once.
  db.exec(
    `UPDATE temp.undo_rows SET (prior_keys, prior_base, prior_identity) =
       (SELECT o.payload -> '$.keys', o.base, o.payload ->> '$.identity' FROM outbox o
        WHERE o.id = undo_rows.prior_id AND ${SUPERSEDED})
     WHERE prior_id IS NOT NULL`,
  )
  db.prepare(
    `INSERT INTO audit (change_set, object_id, at, actor, action, field, old_value, new_value)
     SELECT @changeSet, object_id, @at, @actor, CASE WHEN old IS NULL THEN 'property.unset' ELSE 'property.set' END,
       @field, coalesce(now, 'null'), coalesce(old, 'null') FROM temp.undo_rows ORDER BY object_id`,
  ).run(params)
  // The undo's keyed record supersedes the profile's newest entry when that is an unsent keyed record
  // (the bulk set's, when neither was pushed), so the push sends the profile once: it carries that
  // record's keys, base (what the server holds) and identity; a key it did not name gets the value now
  // as its base. The superseded record is marked done, like the moot ones the push reads: a push that
  // already read it sends it, and the undo's record (values read at push time) still goes after it.
  // The bulk set's record names just this key: a text comparison, before looking through the list.
  const held = `(prior_keys = json_array(@field) OR EXISTS (SELECT 1 FROM json_each(prior_keys) WHERE value = @field))`
  const own = 'CASE WHEN now IS NULL THEN NULL ELSE json_object(@field, json(now)) END'
  db.prepare(
    setWiseOutboxSql(
      `(SELECT object_id, coalesce(prior_identity, identity) AS identity, now, prior_keys, prior_base
        FROM temp.undo_rows)`,
      `json(CASE WHEN prior_keys IS NULL THEN json_array(@field) WHEN ${held} THEN prior_keys
         ELSE json_insert(prior_keys, '$[#]', @field) END)`,
      `CASE WHEN prior_keys IS NULL THEN ${own} WHEN ${held} THEN prior_base
         ELSE nullif(json_patch(coalesce(${own}, '{}'), coalesce(prior_base, '{}')), '{}') END`,
    ),
  ).run(params)
  db.exec(
    'INSERT OR IGNORE INTO outbox_done (id) SELECT prior_id FROM temp.undo_rows WHERE prior_keys IS NOT NULL ORDER BY prior_id',
  )
  // By rowid from the temp table (an UPDATE … FROM would scan every profile for each batch); the rows
  // whose key goes away need no per-row value, so they are a statement of their own.
  const removed = db
    .prepare(
      `UPDATE profiles SET updated_at = @at, custom = json_remove(custom, @path)
       WHERE id IN (SELECT id FROM temp.undo_rows WHERE old IS NULL)`,
    )
    .run(params).changes
  const setBack = db
    .prepare(
      `UPDATE profiles SET updated_at = @at,
         custom = json_set(custom, @path, json((SELECT u.old FROM temp.undo_rows u WHERE u.id = profiles.id)))
       WHERE id IN (SELECT id FROM temp.undo_rows WHERE old IS NOT NULL)`,
    )
    .run(params).changes
  db.exec('INSERT OR IGNORE INTO temp.undo_touched (id) SELECT id FROM temp.undo_rows')
  return removed + setBack
}

const DIFFERS = `(p.custom -> @path) IS NOT nullif(f.old_value, 'null')`

/**
 * Reverts `objects`' custom property entries of change set `id` set-wise (one field at a time), for a
 * change set that also holds other entries; returns the CleverTap IDs written.
 */
export function revertObjectsSetWise(
  ctx: BackendContext,
  id: number,
  objects: string[],
  target: BatchTarget,
): Set<string> {
  const db = ctx.db
  const batch = JSON.stringify(objects)
  prepareTemp(db)
  db.exec('DELETE FROM temp.undo_touched')
  const fields = db
    .prepare(
      'SELECT DISTINCT field FROM audit WHERE +change_set = ? AND object_id IN (SELECT value FROM json_each(?))',
    )
    .all(id, batch) as { field: string }[]
  // The oldest entry per (profile, field) holds the value before the change set.
  const firsts = `SELECT object_id, field, old_value FROM audit WHERE id IN (
      SELECT min(id) FROM audit WHERE +change_set = @id AND field = @field
        AND object_id IN (SELECT value FROM json_each(@batch)) GROUP BY object_id)`
  for (const { field } of fields)
    revertField(
      ctx,
      field,
      target,
      `SELECT ${NOW_AND_OLD} FROM profiles p JOIN (${firsts}) f ON f.object_id = p.object_id WHERE ${DIFFERS}`,
      { id, batch },
    )
  const rows = db
    .prepare('SELECT p.object_id FROM temp.undo_touched t JOIN profiles p ON p.id = t.id')
    .all() as { object_id: string }[]
  return new Set(rows.map((r) => r.object_id))
}

/** A change set the undo can revert whole set-wise: its fields, and whether a profile may have 2 entries of one. */
export interface SetWiseUndo {
  fields: string[]
  repeats: boolean
}

/**
 * The set-wise plan when every entry of change set `id` is a set/unset of a custom non-date property and
 * it inserted no events (a bulk set or unset); null otherwise. A bulk change set holds at most one entry
 * per profile and field (each profile is in one batch); other kinds may hold more.
 */
export function wholeSetWiseUndo(
  db: Db,
  id: number,
  kind: string,
  types: Map<string, CustomPropertyType>,
): SetWiseUndo | null {
  const groups = db.prepare('SELECT DISTINCT action, field FROM audit WHERE change_set = ?').all(id) as {
    action: string
    field: string | null
  }[]
  if (groups.length === 0) return null
  const simple = groups.every(
    (g) => (g.action === 'property.set' || g.action === 'property.unset') && setWiseField(g.field, types),
  )
  if (!simple) return null
  const events = db.prepare('SELECT EXISTS (SELECT 1 FROM events WHERE change_set = ?) AS n').get(id) as {
    n: number
  }
  if (events.n === 1) return null
  return { fields: [...new Set(groups.map((g) => g.field as string))], repeats: kind !== 'bulk' }
}

/** The profiles the undo leaves alone (skipped: changed since), for the whole-set path's queries. */
export function setSkipped(db: Db, objectIds: Iterable<string>): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS undo_skip (object_id TEXT PRIMARY KEY)')
  db.exec('DELETE FROM temp.undo_skip')
  const insert = db.prepare('INSERT OR IGNORE INTO temp.undo_skip (object_id) VALUES (?)')
  for (const objectId of objectIds) insert.run(objectId)
}

/** The last audit id of the range of `size` entries of change set `id` after `after` (null: none left). */
export function nextRangeEnd(db: Db, id: number, after: number, size: number): number | null {
  const end = db
    .prepare('SELECT id FROM audit WHERE change_set = ? AND id > ? ORDER BY id LIMIT 1 OFFSET ?')
    .get(id, after, size - 1) as { id: number } | undefined
  if (end !== undefined) return end.id
  const last = db
    .prepare('SELECT max(id) AS id FROM audit WHERE change_set = ? AND id > ?')
    .get(id, after) as {
    id: number | null
  }
  return last.id
}

/**
 * Reverts the entries of change set `id` with audit ids in (after, end], skipping temp.undo_skip's
 * profiles (setSkipped first); returns the profiles written.
 */
export function revertRangeSetWise(
  ctx: BackendContext,
  id: number,
  plan: SetWiseUndo,
  range: { after: number; end: number },
  target: BatchTarget,
): number {
  const db = ctx.db
  prepareTemp(db)
  db.exec('DELETE FROM temp.undo_touched')
  // The range's profiles are found by profiles_object_id alone (their ids, no row read), sorted by id,
  // and only then read: in CleverTap ID order (the audit rows' order) they would be read all over the
  // table, each page about twice. CROSS JOIN keeps the change set's rows outside; LIMIT -1 (no limit)
  // keeps SQLite from flattening the subquery into the join, which would drop its ORDER BY.
  const oldest = plan.repeats
    ? `AND a.id = (SELECT min(b.id) FROM audit b WHERE b.object_id = a.object_id AND +b.change_set = @id AND b.field = @field)`
    : ''
  for (const field of plan.fields)
    revertField(
      ctx,
      field,
      target,
      `SELECT ${NOW_AND_OLD} FROM (
         SELECT q.id AS profile_id, a.old_value FROM audit a CROSS JOIN profiles q ON q.object_id = a.object_id
         WHERE a.change_set = @id AND a.id > @after AND a.id <= @end AND a.field = @field ${oldest}
           AND a.object_id NOT IN (SELECT object_id FROM temp.undo_skip)
         ORDER BY q.id LIMIT -1) f
       CROSS JOIN profiles p ON p.id = f.profile_id
       WHERE ${DIFFERS}`,
      { id, after: range.after, end: range.end },
    )
  return (db.prepare('SELECT count(*) AS n FROM temp.undo_touched').get() as { n: number }).n
}
