// The import's set-based write path: a batch of row plans is resolved against the database with a few
// queries (profiles by identity and objectId, their identifiers, who holds each email), applied in memory
// in file order, and written inside the caller's transaction. Each real change writes its profile row,
// identifiers, ONE audit row (the changed fields, old -> new; one row per field, the store's rule, costs
// ten rows per imported profile) and one outbox record shaped exactly as ProfileChange writes it; a row
// that changes nothing writes nothing. tests/imports/write-path-equivalence.test.ts holds it to that.
import type { RowProblem } from '../../../shared/ipc/channels/imports'
import { AppError } from '../../../shared/ipc/envelope'
import { describeValue } from '../../../shared/profile/catalogue'
import { foldText } from '../../../shared/profile/search-keys'
import type { CustomPropertyType } from '../../../shared/profile/types'
import { deriveProfileType } from '../../../shared/profile/identity'
import type { Db } from '../db/connection'
import { identifierLabel, identifierValueKey, type StoredIdentifier } from '../profiles/identifiers'
import { writeProfileOutbox } from '../profiles/outbox'
import type { ProfileRow } from '../profiles/profile-rows'
import { propertyColumns, readPropertyState } from '../profiles/properties'
import { prepared } from '../profiles/statements'
import type { RowPlan } from './profile-plan'
import {
  applyOps,
  cloneSnapshot,
  diffSnapshots,
  emptySnapshot,
  type ProfileSnapshot,
  type SnapshotDiff,
} from './profile-snapshot'

export type PlanOutcome =
  | { plan: RowPlan; outcome: 'created' | 'updated' | 'unchanged'; objectId: string }
  | { plan: RowPlan; outcome: 'rejected'; problem: RowProblem }

export interface BatchOptions {
  at: number
  actor: string
  /** False for the dry run: everything is resolved and counted, nothing is written. */
  write: boolean
  /** CleverTap IDs for profiles this import creates. */
  newObjectId: () => string
}

/** Audit actions of the import's one-row-per-change audit entries. */
export const IMPORT_AUDIT = { create: 'import.create', update: 'import.update' } as const

interface Working {
  /** profiles.id; null until the batch inserts a new profile. */
  id: number | null
  objectId: string
  /** The stored row (kept in step with this batch's updates); null for a new profile. */
  row: ProfileRow | null
  current: ProfileSnapshot
  /** Created by this import and not committed yet: its first commit is a creation. */
  isNew: boolean
}

interface Commit {
  profile: Working
  created: boolean
  diff: SnapshotDiff
  after: ProfileSnapshot
}

const claimKey = (i: Pick<StoredIdentifier, 'kind' | 'name' | 'value'>) =>
  `${i.kind}\u0000${i.name}\u0000${identifierValueKey(i.kind, i.value)}`

function json(values: readonly string[]): string {
  return JSON.stringify(values)
}

export class ProfileBatchWriter {
  /** The account's custom property types, grown by the keys this import introduces. */
  private readonly types: Map<string, CustomPropertyType>
  private readonly newTypes = new Map<string, CustomPropertyType>()
  /** Dry run only: identifiers claimed by earlier batches (nothing is written, so the database cannot tell). */
  private readonly pendingClaims = new Map<string, string>()

  constructor(
    private readonly db: Db,
    types: ReadonlyMap<string, CustomPropertyType>,
    private readonly options: BatchOptions,
  ) {
    this.types = new Map(types)
  }

  run(plans: readonly RowPlan[]): PlanOutcome[] {
    const db = this.db
    const identities = [...new Set(plans.flatMap((p) => (p.identity === null ? [] : [p.identity])))]
    const objectIds = [...new Set(plans.flatMap((p) => (p.objectId === null ? [] : [p.objectId])))]
    const byIdentityRow = new Map<string, ProfileRow & { key: string }>()
    for (const row of prepared(
      db,
      `SELECT i.value AS key, p.* FROM identifiers i JOIN profiles p ON p.id = i.profile_id
       WHERE i.value_key IN (SELECT value FROM json_each(?)) AND i.kind = 'identity' AND i.name = ''`,
    ).all(json(identities)) as (ProfileRow & { key: string })[]) {
      byIdentityRow.set(row.key, row)
    }
    const byObjectIdRow = new Map<string, ProfileRow>()
    if (objectIds.length > 0) {
      for (const row of prepared(
        db,
        'SELECT * FROM profiles WHERE object_id IN (SELECT value FROM json_each(?))',
      ).all(json(objectIds)) as ProfileRow[]) {
        byObjectIdRow.set(row.object_id, row)
      }
    }
    const ids = [...new Set([...byIdentityRow.values(), ...byObjectIdRow.values()].map((r) => r.id))]
    const identifiersOf = new Map<number, StoredIdentifier[]>()
    if (ids.length > 0) {
      for (const r of prepared(
        db,
        'SELECT profile_id, kind, name, value FROM identifiers WHERE profile_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      ).all(JSON.stringify(ids)) as (StoredIdentifier & { profile_id: number })[]) {
        const list = identifiersOf.get(r.profile_id) ?? []
        list.push({ kind: r.kind, name: r.name, value: r.value })
        identifiersOf.set(r.profile_id, list)
      }
    }
    // Who holds the emails and other identifiers the batch adds (the unique index's view, before the batch).
    const wanted = new Set<string>()
    for (const plan of plans) {
      for (const op of plan.ops) {
        if (op.op === 'email' && op.value !== null) wanted.add(identifierValueKey('email', op.value))
        else if (op.op === 'identifier') wanted.add(op.value)
      }
    }
    const holders = new Map<string, string>()
    if (wanted.size > 0) {
      for (const r of prepared(
        db,
        `SELECT i.kind, i.name, i.value, p.object_id FROM identifiers i JOIN profiles p ON p.id = i.profile_id
         WHERE i.value_key IN (SELECT value FROM json_each(?)) AND i.kind IN ('email', 'fbid', 'gpid')`,
      ).all(json([...wanted])) as (StoredIdentifier & { object_id: string })[]) {
        holders.set(claimKey(r), r.object_id)
      }
    }
    if (!this.options.write) for (const [k, v] of this.pendingClaims) if (!holders.has(k)) holders.set(k, v)

    const byIdentity = new Map<string, Working>()
    const byObjectId = new Map<string, Working>()
    const load = (row: ProfileRow): Working => {
      const known = byObjectId.get(row.object_id)
      if (known) return known
      const identifiers = identifiersOf.get(row.id) ?? []
      const working: Working = {
        id: row.id,
        objectId: row.object_id,
        row,
        current: { state: readPropertyState(row, this.types), identifiers, isTest: row.is_test === 1 },
        isNew: false,
      }
      byObjectId.set(row.object_id, working)
      for (const i of identifiers) if (i.kind === 'identity') byIdentity.set(i.value, working)
      return working
    }
    const create = (objectId: string): Working => {
      const working: Working = { id: null, objectId, row: null, current: emptySnapshot(), isNew: true }
      byObjectId.set(objectId, working)
      return working
    }

    const outcomes: PlanOutcome[] = []
    const commits: Commit[] = []
    for (const plan of plans) {
      const reject = (column: string | null, value: string | null, reason: string) =>
        outcomes.push({ plan, outcome: 'rejected', problem: { line: plan.line, column, value, reason } })
      let profile: Working | undefined
      let attachIdentity = false
      if (plan.identity !== null) {
        const seenRow = byIdentityRow.get(plan.identity)
        profile = byIdentity.get(plan.identity) ?? (seenRow ? load(seenRow) : undefined)
        if (profile && plan.objectId !== null && plan.objectId !== profile.objectId) {
          reject(
            'objectId',
            plan.objectId,
            `identity ${describeValue(plan.identity)} belongs to the profile ${profile.objectId}, not to objectId ${describeValue(plan.objectId)}.`,
          )
          continue
        }
        if (!profile && plan.objectId !== null) {
          const seen = byObjectIdRow.get(plan.objectId)
          profile = byObjectId.get(plan.objectId) ?? (seen ? load(seen) : undefined)
          if (profile) {
            const held = profile.current.identifiers.find((i) => i.kind === 'identity')
            if (held) {
              reject(
                'identity',
                plan.identity,
                `objectId ${describeValue(plan.objectId)} belongs to the profile of identity ${describeValue(held.value)}, not ${describeValue(plan.identity)}.`,
              )
              continue
            }
          }
        }
        if (!profile) profile = create(plan.objectId ?? this.options.newObjectId())
        if (!profile.current.identifiers.some((i) => i.kind === 'identity' && i.value === plan.identity))
          attachIdentity = true
      } else {
        const objectId = plan.objectId as string
        const seen = byObjectIdRow.get(objectId)
        profile = byObjectId.get(objectId) ?? (seen ? load(seen) : create(objectId))
      }

      const before = profile.current
      const after = cloneSnapshot(before)
      try {
        if (attachIdentity) {
          after.identifiers = [
            ...after.identifiers,
            { kind: 'identity', name: '', value: plan.identity as string },
          ]
        }
        applyOps(after, plan.ops, this.types, this.newTypes)
      } catch (error) {
        if (error instanceof AppError) {
          const details = (error.details ?? {}) as { key?: string; value?: unknown }
          reject(
            details.key ?? null,
            details.value === undefined ? null : String(details.value),
            error.message,
          )
          continue
        }
        throw error
      }
      const diff = diffSnapshots(before, after)
      const conflict = diff.added.find((i) => {
        if (i.kind === 'identity') return false
        const holder = holders.get(claimKey(i))
        return holder !== undefined && holder !== profile.objectId
      })
      if (conflict) {
        const label = identifierLabel(conflict)
        reject(
          label,
          conflict.value,
          `${label} "${conflict.value}" already belongs to another profile (${holders.get(claimKey(conflict))}). An identifier value belongs to one profile.`,
        )
        continue
      }
      const created = profile.isNew
      if (diff.fields.length === 0 && !created) {
        outcomes.push({ plan, outcome: 'unchanged', objectId: profile.objectId })
        continue
      }
      for (const i of diff.removed) holders.delete(claimKey(i))
      for (const i of diff.added) if (i.kind !== 'identity') holders.set(claimKey(i), profile.objectId)
      for (const i of after.identifiers) if (i.kind === 'identity') byIdentity.set(i.value, profile)
      profile.current = after
      profile.isNew = false
      commits.push({ profile, created, diff, after })
      outcomes.push({ plan, outcome: created ? 'created' : 'updated', objectId: profile.objectId })
    }

    if (this.options.write) this.write(commits)
    else {
      for (const c of commits) {
        for (const i of c.diff.removed) this.pendingClaims.delete(claimKey(i))
        for (const i of c.diff.added)
          if (i.kind !== 'identity') this.pendingClaims.set(claimKey(i), c.profile.objectId)
      }
    }
    return outcomes
  }

  /** Writes the batch's commits, in order, inside the caller's transaction. */
  private write(commits: readonly Commit[]): void {
    const db = this.db
    const { at, actor } = this.options
    for (const [key, type] of this.newTypes) {
      prepared(db, 'INSERT OR IGNORE INTO custom_property_types (key, type) VALUES (?, ?)').run(key, type)
      this.types.set(key, type)
    }
    this.newTypes.clear()
    for (const { profile, created, diff, after } of commits) {
      const columns = rowColumns(after, at, profile.row)
      if (profile.id === null) {
        const values: (string | number | null)[] = [profile.objectId, at]
        for (const name of COLUMN_NAMES) values.push(columns[name] ?? null)
        profile.id = Number(prepared(db, INSERT_PROFILE).run(values).lastInsertRowid)
      } else {
        const previous = profile.row as unknown as Record<string, unknown> | null
        const changed = Object.keys(columns).filter((n) => n === 'updated_at' || previous?.[n] !== columns[n])
        prepared(
          db,
          `UPDATE profiles SET ${changed.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @profile_id`,
        ).run({
          ...Object.fromEntries(changed.map((n) => [n, columns[n]])),
          profile_id: profile.id,
        })
        if (profile.row) Object.assign(profile.row, columns)
      }
      const id = profile.id
      for (const i of diff.removed) {
        prepared(
          db,
          'DELETE FROM identifiers WHERE profile_id = ? AND value_key = ? AND kind = ? AND name = ?',
        ).run(id, identifierValueKey(i.kind, i.value), i.kind, i.name)
      }
      for (const i of diff.added) {
        prepared(
          db,
          'INSERT INTO identifiers (profile_id, kind, name, value, value_key, added_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(id, i.kind, i.name, i.value, identifierValueKey(i.kind, i.value), at)
      }
      writeImportAudit(db, profile.objectId, at, actor, created, diff)
      if (Object.keys(diff.profileData).length > 0 || created) {
        writeProfileOutbox(
          db,
          {
            type: 'profile',
            objectId: profile.objectId,
            ...(diff.rootIdentity === undefined ? {} : { identity: diff.rootIdentity }),
            profileData: diff.profileData,
          },
          diff.base,
          at,
        )
      }
    }
  }
}

/** The columns rowColumns() fills, in a fixed order, and the INSERT that writes a new profile with them. */
const COLUMN_NAMES: readonly string[] = Object.keys(rowColumns(emptySnapshot(), 0, null))
const INSERT_PROFILE = `INSERT INTO profiles (object_id, created_at, ${COLUMN_NAMES.join(', ')}) VALUES (${['?', '?', ...COLUMN_NAMES.map(() => '?')].join(', ')})`

/** Every profiles column an import sets, as ProfileChange.commit writes them. */
function rowColumns(
  after: ProfileSnapshot,
  at: number,
  row: ProfileRow | null,
): Record<string, string | number | null> {
  const email = after.identifiers.find((i) => i.kind === 'email')?.value ?? null
  const identity = after.identifiers.find((i) => i.kind === 'identity')?.value ?? null
  return {
    ...propertyColumns(after.state),
    email,
    identity,
    email_key: email === null ? null : foldText(email),
    identity_key: identity === null ? null : foldText(identity) || null,
    identified: deriveProfileType(after.identifiers) === 'Identified' ? 1 : 0,
    is_test: after.isTest ? 1 : 0,
    cg_excluded: row?.cg_excluded ?? 0,
    updated_at: at,
  }
}

/** One audit row per change: the changed fields with their old and new values. */
function writeImportAudit(
  db: Db,
  objectId: string,
  at: number,
  actor: string,
  created: boolean,
  diff: SnapshotDiff,
): void {
  const oldValues: Record<string, unknown> = {}
  const newValues: Record<string, unknown> = {}
  for (const f of diff.fields) {
    const field = f.field ?? f.action
    if (!(field in oldValues)) oldValues[field] = f.oldValue ?? null
    newValues[field] = f.newValue ?? null
  }
  // A creation lists its fields in new_value only; an update names the changed fields for the history list.
  const names = created ? [] : Object.keys(newValues)
  prepared(
    db,
    'INSERT INTO audit (object_id, at, actor, action, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    objectId,
    at,
    actor,
    created ? IMPORT_AUDIT.create : IMPORT_AUDIT.update,
    names.length === 0 ? null : names.join(', '),
    created ? null : JSON.stringify(oldValues),
    JSON.stringify(newValues),
  )
}
