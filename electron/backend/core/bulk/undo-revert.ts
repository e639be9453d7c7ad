// Reverting one profile's entries of a change set, newest first, into the undo's own change set: a
// created profile is deleted (with its snapshot, so the undo can be undone), a deleted one restored from
// its snapshot, fields set back to their old values through the single edit's path (audit rows and one
// outbox record), the test and control-group flags, identifiers and push tokens put back.
import { AppError } from '../../../../shared/ipc/envelope'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import type { BackendContext } from '../context'
import { tokenHash } from '../devices/device-store'
import { writeAudit } from '../profiles/audit'
import type { StoredIdentifier } from '../profiles/identifiers'
import { toWireValue, writeProfileOutbox, type WireValue } from '../profiles/outbox'
import { ProfileChange } from '../profiles/profile-change'
import {
  describeProfile,
  findProfileRow,
  findProfileRowById,
  type ProfileRow,
} from '../profiles/profile-rows'
import { readPropertyState, TEST_USER_KEY } from '../profiles/properties'
import { deleteWithSnapshot, type BatchTarget } from './apply'
import { restoreSnapshot, type ProfileSnapshotJson } from './profile-snapshot'
import { UNSENT } from './undo-plan'

export interface EntryRow {
  id: number
  object_id: string
  action: string
  field: string | null
  old_value: string | null
  new_value: string | null
}

/** Audit actions that record a profile's creation (its undo removes the profile). */
export const CREATIONS = ['profile.create', 'import.create']

export type Reverted = 'reverted' | 'removed' | 'restored' | 'reuploaded' | 'unchanged' | { refused: string }

function parse(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown)
}

const IDENTIFIER_FIELDS: Record<string, StoredIdentifier['kind']> = {
  Identity: 'identity',
  FBID: 'fbid',
  GPID: 'gpid',
}

function identifierOf(field: string, value: unknown): StoredIdentifier {
  const kind = IDENTIFIER_FIELDS[field] ?? 'custom'
  return { kind, name: kind === 'custom' ? field : '', value: String(value) }
}

/** A token removed here is put back on its device (local only, like the removal). */
function restoreToken(ctx: BackendContext, row: ProfileRow, entry: EntryRow, target: BatchTarget): void {
  const deviceId = (entry.field ?? '').replace(/^device /, '')
  const old = parse(entry.old_value)
  const now = typeof old === 'string' ? old : null
  const device = ctx.db
    .prepare('SELECT push_token FROM devices WHERE device_id = ? AND profile_id = ?')
    .get(deviceId, row.id) as { push_token: string | null } | undefined
  if (device === undefined || device.push_token === now) return
  ctx.db
    .prepare('UPDATE devices SET push_token = ?, token_hash = ? WHERE device_id = ?')
    .run(now, now === null ? null : tokenHash(now), deviceId)
  if (now !== null)
    ctx.db.prepare('DELETE FROM removed_tokens WHERE device_id = ? AND push_token = ?').run(deviceId, now)
  writeAudit(ctx.db, target.changeSet, row.object_id, target.at, ctx.actor, {
    action: now === null ? 'device.token.remove' : 'device.token.set',
    field: entry.field,
    oldValue: device.push_token,
    newValue: now === null ? { removed: true, localOnly: true, why: 'undo' } : now,
  })
}

/** Sets a property back to its old value (null: unsets it) through the single edit's path. */
function setBack(
  change: ProfileChange,
  field: string,
  old: unknown,
  types: Map<string, CustomPropertyType>,
): void {
  if (old === null || old === undefined) change.apply({ op: 'unset', key: field })
  else {
    const custom = findSystemProperty(field) ? undefined : types.get(field)
    change.apply({ op: 'set', key: field, value: old as PropertyValue, ...(custom ? { type: custom } : {}) })
  }
}

/**
 * An import's update is one audit row per profile holding every changed field's old and new value
 * (imports/profile-batch-writer.ts): identifiers (Identity, FBID, GPID, a custom identifier the profile
 * holds with the new value) are taken back and put back, the test flag reset, properties set back.
 */
function reverseImportUpdate(
  change: ProfileChange,
  old: Record<string, unknown>,
  now: unknown,
  types: Map<string, CustomPropertyType>,
): void {
  const news = (now ?? {}) as Record<string, unknown>
  for (const [field, before] of Object.entries(old)) {
    const after = news[field]
    const kind = IDENTIFIER_FIELDS[field]
    const heldCustom =
      kind === undefined &&
      after !== null &&
      after !== undefined &&
      change.identifiers.some((i) => i.kind === 'custom' && i.name === field && i.value === String(after))
    if (kind !== undefined || heldCustom) {
      if (after !== null && after !== undefined) {
        const added = identifierOf(field, after)
        if (
          change.identifiers.some(
            (i) => i.kind === added.kind && i.name === added.name && i.value === added.value,
          )
        )
          change.removeIdentifier(added, describeProfile(change.row))
      }
      if (before !== null && before !== undefined) change.addIdentifier(identifierOf(field, before))
    } else if (field === TEST_USER_KEY) change.isTest = before !== null && before !== undefined
    else setBack(change, field, before, types)
  }
}

/** Applies one entry's reverse to the working change (false: the entry is not a field change). */
function reverseField(
  change: ProfileChange,
  entry: EntryRow,
  types: Map<string, CustomPropertyType>,
): boolean {
  const old = parse(entry.old_value)
  const field = entry.field ?? ''
  switch (entry.action) {
    case 'property.set':
    case 'property.unset':
      setBack(change, field, old, types)
      return true
    case 'test.mark':
    case 'test.unmark':
      change.isTest = old !== null
      return true
    case 'controlGroups.exclude':
    case 'controlGroups.include':
      change.excluded = old === true
      return true
    case 'identifier.remove':
      change.addIdentifier(identifierOf(field, old))
      return true
    case 'import.update':
      reverseImportUpdate(change, old as Record<string, unknown>, parse(entry.new_value), types)
      return true
    default:
      if (entry.action === 'identifier.add' || entry.action.startsWith('login.')) {
        const added = identifierOf(field, parse(entry.new_value))
        if (
          change.identifiers.some(
            (i) => i.kind === added.kind && i.name === added.name && i.value === added.value,
          )
        )
          change.removeIdentifier(added, describeProfile(change.row))
        return true
      }
      return false
  }
}

/** The upload record of a whole profile, for a restored profile whose deletion the remote already has. */
function writeFullUpload(
  ctx: BackendContext,
  row: ProfileRow,
  types: Map<string, CustomPropertyType>,
  at: number,
): void {
  const state = readPropertyState(row, types)
  const profileData: Record<string, WireValue> = {}
  for (const [key, value] of state.system)
    profileData[key] = toWireValue(findSystemProperty(key)?.type ?? 'string', value)
  for (const [key, entry] of state.custom) profileData[key] = toWireValue(entry.type, entry.value)
  if (row.email !== null) profileData.Email = row.email
  if (row.is_test === 1) profileData[TEST_USER_KEY] = 'Yes'
  writeProfileOutbox(
    ctx.db,
    {
      type: 'profile',
      objectId: row.object_id,
      ...(row.identity === null ? {} : { identity: row.identity }),
      profileData,
    },
    {},
    at,
  )
}

/** Brings a deleted profile back from its snapshot; its deletion is taken out of the outbox if unsent. */
function restoreDeleted(
  ctx: BackendContext,
  entry: EntryRow,
  target: BatchTarget,
  reupload: boolean,
): Reverted {
  const snapshot = parse(entry.old_value) as ProfileSnapshotJson | null
  if (snapshot === null || snapshot.version !== 1)
    return { refused: 'it was deleted before deletions kept a snapshot, so it cannot be restored' }
  const restored = restoreSnapshot(ctx.db, snapshot)
  if ('refused' in restored) return restored
  const unsent = ctx.db
    .prepare(`DELETE FROM outbox AS o WHERE o.object_id = ? AND o.kind = 'delete' AND ${UNSENT}`)
    .run(entry.object_id).changes
  writeAudit(ctx.db, target.changeSet, entry.object_id, target.at, ctx.actor, {
    action: 'profile.create',
    field: null,
  })
  if (unsent > 0) return 'restored'
  if (!reupload) return 'restored'
  writeFullUpload(ctx, findProfileRowById(ctx.db, restored.id) as ProfileRow, target.types, target.at)
  return 'reuploaded'
}

/** Reverts one profile's entries of the change set (newest first) in the caller's transaction. */
export function revertProfile(
  ctx: BackendContext,
  objectId: string,
  entries: EntryRow[],
  target: BatchTarget,
  reupload: boolean,
): Reverted {
  const created = entries.find((e) => CREATIONS.includes(e.action))
  if (created) {
    const row = findProfileRow(ctx.db, objectId)
    if (row === undefined) return 'unchanged'
    deleteWithSnapshot(ctx, row, target)
    return 'removed'
  }
  let outcome: Reverted = 'reverted'
  let rest = entries
  const deleted = entries.find((e) => e.action === 'profile.delete')
  if (deleted) {
    outcome = restoreDeleted(ctx, deleted, target, reupload)
    if (typeof outcome !== 'string') return outcome
    rest = entries.filter((e) => e.id < deleted.id)
  }
  const row = findProfileRow(ctx.db, objectId)
  if (row === undefined) return { refused: 'the profile was deleted since' }
  const change = new ProfileChange(ctx.db, row)
  let fields = 0
  for (const entry of rest) {
    if (entry.action.startsWith('device.token.')) restoreToken(ctx, row, entry, target)
    else if (reverseField(change, entry, target.types)) fields++
  }
  try {
    if (fields > 0)
      change.commit({ at: target.at, actor: ctx.actor, outbox: true, changeSet: target.changeSet })
  } catch (error) {
    if (error instanceof AppError) return { refused: error.message }
    throw error
  }
  return outcome
}
