// Profile operations: create, read (ProfileDetail), update properties, add/remove identifiers, mark as
// test, delete. Each mutation is one immediate transaction; 'profiles.changed' is emitted after commit.
import type { PropertyChange } from '../../../../shared/ipc/contract'
import type { Identifier, ProfileDetail, PropertyValue } from '../../../../shared/profile/types'
import { deriveProfileType } from '../../../../shared/profile/identity'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { withChangeSet } from '../changes/change-sets'
import { snapshotProfile } from '../bulk/profile-snapshot'
import { writeAudit } from './audit'
import { identifierLabel, loadIdentifiers, normaliseIdentifier, toIdentifier } from './identifiers'
import { lookupProfileRow } from './lookup'
import { newObjectId } from './object-ids'
import { writeDeleteOutbox } from './outbox'
import { ProfileChange } from './profile-change'
import { describeProfile, findProfileRowById, requireProfileRow, type ProfileRow } from './profile-rows'
import { TEST_USER_KEY, computeAge, loadCustomTypes, readPropertyState } from './properties'
import { nowSeconds, prepared } from './statements'

export function buildDetail(ctx: BackendContext, row: ProfileRow): ProfileDetail {
  const db = ctx.db
  const identifiers = loadIdentifiers(db, row.id)
  const state = readPropertyState(row, loadCustomTypes(db))
  const system: Record<string, PropertyValue> = {}
  for (const [key, value] of state.system) system[key] = value
  for (const kind of ['email', 'identity', 'fbid', 'gpid'] as const) {
    const first = identifiers.find((i) => i.kind === kind)
    if (first) system[identifierLabel(first)] = first.value
  }
  if (row.is_test === 1) system[TEST_USER_KEY] = 'Yes'
  const summaries = prepared(
    db,
    'SELECT name, count, first_seen, last_seen FROM event_summaries WHERE profile_id = ? ORDER BY last_seen DESC, name',
  ).all(row.id) as { name: string; count: number; first_seen: number; last_seen: number }[]
  return {
    id: row.object_id,
    type: deriveProfileType(identifiers),
    isTest: row.is_test === 1,
    excludedFromControlGroups: row.cg_excluded === 1,
    identifiers: identifiers.map(toIdentifier),
    system,
    custom: [...state.custom].map(([key, entry]) => ({ key, type: entry.type, value: entry.value })),
    age: computeAge(state, ctx.clock()),
    eventSummaries: summaries.map((s) => ({
      name: s.name,
      count: s.count,
      firstSeen: s.first_seen,
      lastSeen: s.last_seen,
    })),
    // A "bad merge": a second Identity appended without a login (profiles.identifiers.add, or an upload
    // pushing another identity). CleverTap keeps both on one profile; we flag it for the data-quality list.
    badMerge: identifiers.filter((i) => i.kind === 'identity').length > 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function getProfile(ctx: BackendContext, id: string): ProfileDetail {
  return buildDetail(ctx, requireProfileRow(ctx.db, id))
}

/** profiles.lookup: by profile id or any identifier value (profiles/lookup.ts). */
export function lookupProfile(ctx: BackendContext, key: string): ProfileDetail {
  return buildDetail(ctx, lookupProfileRow(ctx.db, key))
}

/** Inserts a bare profile row (anonymous, no properties); the caller's ProfileChange fills it in. */
export function insertBareProfile(db: Db, objectId: string, at: number): ProfileRow {
  const info = prepared(db, 'INSERT INTO profiles (object_id, created_at, updated_at) VALUES (?, ?, ?)').run(
    objectId,
    at,
    at,
  )
  return findProfileRowById(db, Number(info.lastInsertRowid)) as ProfileRow
}

function emitChanged(ctx: BackendContext, ids: string[]): void {
  if (ids.length > 0) ctx.events.emit('profiles.changed', { ids })
}

/**
 * Runs one change to one profile in an immediate transaction, as one change set (or as part of the open
 * change set `into`), and returns the fresh detail.
 */
function mutate(
  ctx: BackendContext,
  objectId: string,
  edit: (change: ProfileChange, row: ProfileRow) => void,
  into?: number,
): ProfileDetail {
  const db = ctx.db
  const { detail, changed } = db
    .transaction(() => {
      const row = requireProfileRow(db, objectId)
      const at = nowSeconds(ctx.clock)
      const start = { kind: 'edit' as const, actor: ctx.actor, label: `Edit of ${describeProfile(row)}`, at }
      const write = (changeSet: number) => {
        const change = new ProfileChange(db, row)
        edit(change, row)
        const result = change.commit({ at, actor: ctx.actor, outbox: true, changeSet })
        return { detail: buildDetail(ctx, requireProfileRow(db, objectId)), changed: result.changed }
      }
      return into === undefined ? withChangeSet(db, start, write) : write(into)
    })
    .immediate()
  if (changed) emitChanged(ctx, [objectId])
  return detail
}

export function createProfile(
  ctx: BackendContext,
  request: { changes: PropertyChange[]; identifiers: Identifier[] },
): ProfileDetail {
  const db = ctx.db
  const identifiers = request.identifiers.map(normaliseIdentifier)
  const detail = db
    .transaction(() => {
      const at = nowSeconds(ctx.clock)
      const row = insertBareProfile(db, newObjectId(), at)
      const change = new ProfileChange(db, row, true)
      for (const identifier of identifiers) change.addIdentifier(identifier)
      for (const edit of request.changes) change.apply(edit)
      const start = { kind: 'edit' as const, actor: ctx.actor, label: 'New profile', at }
      withChangeSet(db, start, (changeSet) =>
        change.commit({ at, actor: ctx.actor, outbox: true, changeSet }),
      )
      return buildDetail(ctx, findProfileRowById(db, row.id) as ProfileRow)
    })
    .immediate()
  emitChanged(ctx, [detail.id])
  return detail
}

/** Sets and unsets properties: its own change set, or part of the open change set `into` (a bulk job, a resolution). */
export function updateProfile(
  ctx: BackendContext,
  id: string,
  changes: PropertyChange[],
  into?: number,
): ProfileDetail {
  return mutate(
    ctx,
    id,
    (change) => {
      for (const edit of changes) change.apply(edit)
    },
    into,
  )
}

export function addIdentifier(ctx: BackendContext, id: string, identifier: Identifier): ProfileDetail {
  const stored = normaliseIdentifier(identifier)
  return mutate(ctx, id, (change) => change.addIdentifier(stored))
}

export function removeIdentifier(ctx: BackendContext, id: string, identifier: Identifier): ProfileDetail {
  const stored = normaliseIdentifier(identifier)
  return mutate(ctx, id, (change, row) => change.removeIdentifier(stored, describeProfile(row)))
}

/** Marks (ct_is_test_user = "Yes", a string) or unmarks a test profile. */
export function setTestProfile(ctx: BackendContext, id: string, test: boolean): ProfileDetail {
  return mutate(ctx, id, (change) => {
    change.isTest = test
  })
}

export function deleteProfile(ctx: BackendContext, id: string): { deleted: true } {
  const db = ctx.db
  db.transaction(() => {
    const row = requireProfileRow(db, id)
    const at = nowSeconds(ctx.clock)
    const start = {
      kind: 'delete' as const,
      actor: ctx.actor,
      label: `Deletion of ${describeProfile(row)}`,
      at,
    }
    withChangeSet(db, start, (changeSet) =>
      writeAudit(db, changeSet, row.object_id, at, ctx.actor, {
        action: 'profile.delete',
        field: null,
        // The whole profile (row, identifiers, devices, events…): undo restores it from this.
        oldValue: snapshotProfile(db, row.id),
      }),
    )
    writeDeleteOutbox(
      db,
      {
        type: 'delete',
        objectId: row.object_id,
        ...(row.identity === null ? {} : { identity: row.identity }),
      },
      at,
    )
    // Events, identifiers, devices, summaries and anonymous links go with it (ON DELETE CASCADE).
    prepared(db, 'DELETE FROM profiles WHERE id = ?').run(row.id)
  }).immediate()
  emitChanged(ctx, [id])
  return { deleted: true }
}
