// Bringing one server profile into the local cache. A field not waiting to be sent takes the server's
// value (through the store's rules, with no outbox entry: it came from the server). A field waiting to
// be sent that the server changed since the last sync is a conflict: recorded, never overwritten.
import type { WireFieldValue } from '../../../../shared/ipc/channels/sync'
import { AppError } from '../../../../shared/ipc/envelope'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { findIdentifierHolder } from '../profiles/identifiers'
import { newObjectId } from '../profiles/object-ids'
import { ProfileChange } from '../profiles/profile-change'
import { findProfileRow, findProfileRowById, type ProfileRow } from '../profiles/profile-rows'
import { insertBareProfile } from '../profiles/profile-store'
import { loadCustomTypes } from '../profiles/properties'
import { prepared } from '../profiles/statements'
import type { RemoteProfile } from './client'
import { hasPendingDelete, pendingFields } from './outbox-queue'
import {
  applyWireValue,
  customIdentifierNames,
  isIdentifierKey,
  localWireView,
  remoteObjectIds,
  remoteWireView,
  sameWire,
} from './wire'

/** Who the audit log names for values that came from the server. */
export const SYNC_ACTOR = 'sync (from server)'

export interface ReconcileOutcome {
  result: 'created' | 'updated' | 'unchanged' | 'skipped'
  /** The local profile id (CleverTap ID), when there is one. */
  profileId: string | null
  /** Conflicts found now (not those already open). */
  newConflicts: number
  /** Why a field or the profile could not be applied, for the run's notes. */
  notes: string[]
}

function findLocal(db: Db, objectIds: string[], theirs: Map<string, WireFieldValue>) {
  for (const objectId of objectIds) {
    const own = findProfileRow(db, objectId)
    if (own) return own
    const device = prepared(db, 'SELECT profile_id FROM devices WHERE device_id = ?').get(objectId) as
      { profile_id: number } | undefined
    if (device) return findProfileRowById(db, device.profile_id)
  }
  const keys: ['identity' | 'email' | 'fbid' | 'gpid', unknown][] = [
    ['identity', theirs.get('Identity')],
    ['email', theirs.get('Email')],
    ['fbid', theirs.get('FBID')],
    ['gpid', theirs.get('GPID')],
  ]
  for (const [kind, value] of keys) {
    if (typeof value !== 'string' || value === '') continue
    const holder = findIdentifierHolder(db, { kind, name: '', value })
    if (holder !== undefined) return findProfileRowById(db, holder)
  }
  return undefined
}

function isTombstoned(db: Db, objectIds: string[], identity: WireFieldValue | undefined): boolean {
  for (const objectId of objectIds) {
    if (prepared(db, 'SELECT 1 FROM sync_tombstones WHERE object_id = ?').get(objectId) !== undefined)
      return true
  }
  if (typeof identity === 'string') {
    return (
      prepared(db, 'SELECT 1 FROM sync_tombstones WHERE identity = ? LIMIT 1').get(identity) !== undefined
    )
  }
  return false
}

function recordConflict(
  db: Db,
  objectId: string,
  field: string,
  values: { mine: WireFieldValue; theirs: WireFieldValue; base: WireFieldValue },
  at: number,
): boolean {
  const open = prepared(
    db,
    'SELECT id FROM sync_conflicts WHERE object_id = ? AND field = ? AND resolved_at IS NULL',
  ).get(objectId, field) as { id: number } | undefined
  if (open) {
    // Still open: keep it current (the server may have changed again).
    prepared(db, 'UPDATE sync_conflicts SET mine = ?, theirs = ? WHERE id = ?').run(
      JSON.stringify(values.mine),
      JSON.stringify(values.theirs),
      open.id,
    )
    return false
  }
  prepared(
    db,
    'INSERT INTO sync_conflicts (object_id, field, mine, theirs, base, detected_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    objectId,
    field,
    JSON.stringify(values.mine),
    JSON.stringify(values.theirs),
    JSON.stringify(values.base),
    at,
  )
  return true
}

/** Applies server values to a working change key by key; a value the local rules refuse is noted and skipped. */
function applyValues(
  change: ProfileChange,
  types: Map<string, CustomPropertyType>,
  values: [string, WireFieldValue][],
  notes: string[],
  label: string,
): void {
  // Identifiers first, so an Email or Identity that belongs elsewhere fails before anything else is touched.
  for (const [key, value] of values) {
    try {
      applyWireValue(change, types, key, value)
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      notes.push(`${label}: ${key} not taken from the server: ${error.message}`)
    }
  }
}

/**
 * Reconciles one server record with the cache, inside the caller's transaction (its own savepoint, so a
 * profile that cannot be applied leaves nothing behind). `at` is epoch ms.
 */
export function reconcileRemoteProfile(
  db: Db,
  remote: RemoteProfile,
  options: {
    at: number
    /** The change set the server's values are written in (a pull page's, a push read-back's). */
    changeSet: number
    types?: Map<string, CustomPropertyType>
    /** The local profile the record was looked up for (a push's read-back): no other is matched or created. */
    localObjectId?: string
  },
): ReconcileOutcome {
  const notes: string[] = []
  const objectIds = remoteObjectIds(remote)
  const theirs = remoteWireView(remote)
  const identity = theirs.get('Identity')
  const label = `profile ${typeof identity === 'string' ? identity : (objectIds[0] ?? '(no id)')}`
  const atSeconds = Math.floor(options.at / 1000)
  const types = options.types ?? loadCustomTypes(db)
  try {
    return db.transaction((): ReconcileOutcome => {
      const local =
        options.localObjectId === undefined
          ? findLocal(db, objectIds, theirs)
          : findProfileRow(db, options.localObjectId)
      if (!local) {
        if (
          options.localObjectId !== undefined ||
          isTombstoned(db, objectIds, identity) ||
          objectIds.some((id) => hasPendingDelete(db, id))
        ) {
          return { result: 'skipped', profileId: null, newConflicts: 0, notes }
        }
        if (objectIds.length === 0 && !['Identity', 'Email', 'FBID', 'GPID'].some((key) => theirs.has(key))) {
          // Nothing would find it again next time: it would come back as a new profile on every pull.
          notes.push(`${label}: skipped, the server sent it with no CleverTap ID or identifier`)
          return { result: 'skipped', profileId: null, newConflicts: 0, notes }
        }
        const row = insertBareProfile(db, objectIds[0] ?? newObjectId(), atSeconds)
        const change = new ProfileChange(db, row, true)
        applyValues(change, types, orderForApply([...theirs]), notes, label)
        change.commit({ at: atSeconds, actor: SYNC_ACTOR, outbox: false, changeSet: options.changeSet })
        return { result: 'created', profileId: row.object_id, newConflicts: 0, notes }
      }
      const context = { at: options.at, atSeconds, types, notes, label, changeSet: options.changeSet }
      return reconcileExisting(db, local, theirs, context)
    })()
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    notes.push(`${label}: not taken from the server: ${error.message}`)
    return { result: 'skipped', profileId: null, newConflicts: 0, notes }
  }
}

function orderForApply(values: [string, WireFieldValue][]): [string, WireFieldValue][] {
  const rank = (key: string) =>
    key === 'Identity' || key === 'Email' || key === 'FBID' || key === 'GPID' ? 0 : 1
  return [...values].sort((a, b) => rank(a[0]) - rank(b[0]))
}

function reconcileExisting(
  db: Db,
  local: ProfileRow,
  theirs: Map<string, WireFieldValue>,
  context: {
    at: number
    atSeconds: number
    types: Map<string, CustomPropertyType>
    notes: string[]
    label: string
    changeSet: number
  },
): ReconcileOutcome {
  const mine = localWireView(db, local, context.types)
  const pending = pendingFields(db, local.object_id)
  const customIds = customIdentifierNames(db, local)
  const keys = new Set([...mine.keys(), ...theirs.keys(), ...pending.keys()])
  const toApply: [string, WireFieldValue][] = []
  let newConflicts = 0
  for (const key of keys) {
    const server = theirs.get(key) ?? null
    const waiting = pending.get(key)
    if (waiting) {
      // An operation ($incr, $add…) composes with whatever the server holds: never a conflict.
      if (waiting.operation) continue
      if (sameWire(key, server, waiting.value) || sameWire(key, server, waiting.base)) continue
      const values = { mine: waiting.value, theirs: server, base: waiting.base }
      if (recordConflict(db, local.object_id, key, values, context.at)) newConflicts += 1
      continue
    }
    if (sameWire(key, mine.get(key), server)) continue
    // An identifier the server does not show is kept: pulls add identifiers, never remove them.
    if (server === null && isIdentifierKey(key, customIds)) continue
    if (customIds.has(key)) continue
    toApply.push([key, server])
  }
  if (toApply.length === 0) {
    return { result: 'unchanged', profileId: local.object_id, newConflicts, notes: context.notes }
  }
  const change = new ProfileChange(db, local)
  applyValues(change, context.types, orderForApply(toApply), context.notes, context.label)
  const committed = change.commit({
    at: context.atSeconds,
    actor: SYNC_ACTOR,
    outbox: false,
    changeSet: context.changeSet,
  })
  return {
    result: committed.changed ? 'updated' : 'unchanged',
    profileId: local.object_id,
    newConflicts,
    notes: context.notes,
  }
}
