// Writing one batch of a bulk action inside the caller's transaction, into the job's change set. Each
// profile goes through the single edit's path (ProfileChange: row, audit rows, one outbox record); a set
// or unset of a custom property that is not a date is written set-wise instead (a few statements per
// batch that write the same rows and audit rows ProfileChange would, and the import's keyed outbox
// record), which is what makes 100k profiles take seconds rather than minutes.
import type { BulkAction } from '../../../../shared/bulk/types'
import { AppError } from '../../../../shared/ipc/envelope'
import { findSystemProperty, LIMITS } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { BackendContext } from '../context'
import { removeDeviceToken } from '../devices/token-edits'
import { devicesOf } from '../devices/device-store'
import { writeAudit } from '../profiles/audit'
import { writeDeleteOutbox } from '../profiles/outbox'
import { ProfileChange } from '../profiles/profile-change'
import type { ProfileRow } from '../profiles/profile-rows'
import { inferCustomType } from '../profiles/properties'
import { propertyEdit } from './actions'
import { snapshotProfile } from './profile-snapshot'
import { jsonPathOf, setWiseOutboxSql } from './set-wise-outbox'

export interface BatchResult {
  changed: number
  same: number
  refused: number
}

export interface BatchTarget {
  changeSet: number
  at: number
  /** The account's custom property types, read once per job. */
  types: Map<string, CustomPropertyType>
}

/** The custom property a set/unset writes set-wise, or null when the action takes the per-profile path. */
export function setWiseKey(
  action: BulkAction,
  types: Map<string, CustomPropertyType>,
): { key: string; type: CustomPropertyType } | null {
  if (action.action !== 'set' && action.action !== 'unset') return null
  if (findSystemProperty(action.key)) return null
  const type =
    types.get(action.key) ??
    (action.action === 'set' ? (action.type ?? inferCustomType(action.value)) : 'string')
  return type === 'date' ? null : { key: action.key, type }
}

/**
 * A set or unset of one custom property on the batch's profiles, set-wise: the audit rows and outbox
 * records are written from the rows before the update, then the rows are updated; a profile already
 * holding the value is untouched; one that would exceed the custom key limit is refused.
 */
function writeCustomSetWise(
  ctx: BackendContext,
  action: Extract<BulkAction, { action: 'set' | 'unset' }>,
  type: CustomPropertyType,
  ids: readonly number[],
  target: BatchTarget,
): BatchResult {
  const db = ctx.db
  const path = jsonPathOf(action.key)
  const json = action.action === 'set' ? JSON.stringify(action.value) : null
  const batch = JSON.stringify(ids)
  const inBatch = 'id IN (SELECT value FROM json_each(@batch))'
  // Audit values are JSON text as writeAudit stores them ('null' for no value).
  // A profile changes when its stored JSON for the key differs; a new key must fit the key limit.
  const differs = json === null ? `(custom -> @path) IS NOT NULL` : `(custom -> @path) IS NOT @json`
  // A JSON object of n keys is at least 5n + 1 characters long ("":0 and a comma per key, the braces):
  // a shorter text has fewer keys than the limit, with no need to walk its keys (json_each) row by row.
  const fits = `(json_type(custom, @path) IS NOT NULL OR length(custom) < ${5 * LIMITS.customKeys}
    OR (SELECT count(*) FROM json_each(custom)) < ${LIMITS.customKeys})`
  const params = {
    batch,
    path,
    json,
    at: target.at,
    actor: ctx.actor,
    changeSet: target.changeSet,
    key: action.key,
  }
  if (action.action === 'set' && !target.types.has(action.key)) {
    db.prepare('INSERT OR IGNORE INTO custom_property_types (key, type) VALUES (?, ?)').run(action.key, type)
    target.types.set(action.key, type)
  }
  // The rows that change are found once (one pass over the batch, the key's old value kept), then the
  // audit rows, outbox records and the update read that small table.
  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS bulk_rows (id INTEGER PRIMARY KEY, object_id TEXT, identity TEXT, old TEXT, fits INTEGER)',
  )
  db.exec('DELETE FROM temp.bulk_rows')
  db.prepare(
    `INSERT INTO temp.bulk_rows (id, object_id, identity, old, fits)
     SELECT id, object_id, identity, custom -> @path, ${json === null ? '1' : fits} FROM profiles WHERE ${inBatch} AND ${differs}`,
  ).run(params)
  const refused = (
    db.prepare('SELECT count(*) AS n FROM temp.bulk_rows WHERE fits = 0').get() as { n: number }
  ).n
  // Audit and outbox rows go in CleverTap ID order, so their object_id indexes take them in key order.
  db.prepare(
    `INSERT INTO audit (change_set, object_id, at, actor, action, field, old_value, new_value)
     SELECT @changeSet, object_id, @at, @actor, '${json === null ? 'property.unset' : 'property.set'}', @key,
       coalesce(old, 'null'), coalesce(@json, 'null') FROM temp.bulk_rows WHERE fits = 1 ORDER BY object_id`,
  ).run(params)
  // The keyed record an import writes (the value is read at push time), base = the old value.
  db.prepare(
    setWiseOutboxSql(
      'temp.bulk_rows',
      'json_array(@key)',
      'CASE WHEN old IS NULL THEN NULL ELSE json_object(@key, json(old)) END',
      'WHERE fits = 1',
    ),
  ).run(params)
  const write = json === null ? 'json_remove(custom, @path)' : 'json_set(custom, @path, json(@json))'
  const changed = db
    .prepare(
      `UPDATE profiles SET custom = ${write}, updated_at = @at WHERE id IN (SELECT id FROM temp.bulk_rows WHERE fits = 1)`,
    )
    .run(params).changes
  return { changed, same: ids.length - changed - refused, refused }
}

/** Deletes one profile: a 'profile.delete' audit row holding its snapshot, a delete record, the row. */
export function deleteWithSnapshot(ctx: BackendContext, row: ProfileRow, target: BatchTarget): void {
  writeAudit(ctx.db, target.changeSet, row.object_id, target.at, ctx.actor, {
    action: 'profile.delete',
    field: null,
    oldValue: snapshotProfile(ctx.db, row.id),
  })
  writeDeleteOutbox(
    ctx.db,
    { type: 'delete', objectId: row.object_id, ...(row.identity === null ? {} : { identity: row.identity }) },
    target.at,
  )
  // Events, identifiers, devices, summaries and anonymous links go with it (ON DELETE CASCADE).
  ctx.db.prepare('DELETE FROM profiles WHERE id = ?').run(row.id)
}

/** One profile through the single edit's path; false when it was already in the asked-for state. */
function writeOne(ctx: BackendContext, action: BulkAction, row: ProfileRow, target: BatchTarget): boolean {
  const db = ctx.db
  if (action.action === 'delete') {
    deleteWithSnapshot(ctx, row, target)
    return true
  }
  if (action.action === 'remove-token') {
    const devices = devicesOf(db, row.id).filter((d) => d.push_token === action.token)
    for (const device of devices) removeDeviceToken(ctx, row, device, target.changeSet, 'bulk edit')
    return devices.length > 0
  }
  const change = new ProfileChange(db, row)
  if (action.action === 'test' || action.action === 'untest') change.isTest = action.action === 'test'
  else if (action.action === 'exclude' || action.action === 'include')
    change.excluded = action.action === 'exclude'
  else {
    const edit = propertyEdit(action, change.state)
    if (edit === null) return false
    change.apply(edit)
  }
  return change.commit({ at: target.at, actor: ctx.actor, outbox: true, changeSet: target.changeSet }).changed
}

/** Writes the action on one batch of profiles (internal ids) in the caller's transaction. */
export function writeBatch(
  ctx: BackendContext,
  action: BulkAction,
  ids: readonly number[],
  target: BatchTarget,
): BatchResult {
  const setWise = setWiseKey(action, target.types)
  if (setWise && (action.action === 'set' || action.action === 'unset'))
    return writeCustomSetWise(ctx, action, setWise.type, ids, target)
  const rows = ctx.db
    .prepare('SELECT * FROM profiles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(ids)) as ProfileRow[]
  const result: BatchResult = { changed: 0, same: ids.length - rows.length, refused: 0 }
  for (const row of rows) {
    try {
      if (writeOne(ctx, action, row, target)) result.changed++
      else result.same++
    } catch (error) {
      // A profile the single edit's rules refuse (e.g. too many custom keys) is left as it is.
      if (!(error instanceof AppError) || error.code !== 'validation') throw error
      result.refused++
    }
  }
  return result
}
