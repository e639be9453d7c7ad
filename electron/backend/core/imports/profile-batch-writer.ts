// The import's set-based write path: a batch of row plans is resolved against the database with a few
// queries (batch-lookup.ts: profiles by identity, objectId and the identity set's Email and Phone, their
// identifiers, who holds each email), applied in memory
// in file order, and written inside the caller's transaction, into the run's change set (core/changes).
// A new profile writes its row, identifiers, ONE audit row ('profile.create', no values: the row holds
// them) and a keyed outbox record (keys 'all'); a changed one an audit row per changed field (old -> new,
// as the store writes them) and a keyed record of the changed keys with their old values as its base.
// Sync reads the values from the profile's current row at push time (sync/keyed-outbox.ts), so an import
// stores no copy of the data. A row that changes nothing writes nothing. The counts, codes and shared
// values of the profiles a batch creates are kept set-wise at its end (batch-upkeep.ts), not per row.
// tests/imports/write-path-equivalence.test.ts holds it to the store's path (ProfileChange).
import type { RowProblem } from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import { describeValue } from '../../../../shared/profile/catalogue'
import type { IdentitySetKey } from '../../../../shared/profile/identity-set'
import { phoneDigits } from '../../../../shared/profile/search-keys'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { identifierLabel, identifierValueKey } from '../profiles/identifiers'
import { writeAudit } from '../profiles/audit'
import { writeKeyedProfileOutbox, type KeyedProfileRecord } from '../profiles/outbox'
import type { ProfileRow } from '../profiles/profile-rows'
import { readPropertyState } from '../profiles/properties'
import { prepared } from '../profiles/statements'
import { claimKey, prefetchBatch } from './batch-lookup'
import { canDeferUpkeep, deferUpkeep, finishUpkeep } from './batch-upkeep'
import type { DeviceInput } from '../devices/device-store'
import { checkPlanDevice, planDevice, writePlanDevice } from './plan-device'
import { CreatedProfiles } from './created-profiles'
import { rowColumns } from './profile-columns'
import { matchOnIdentitySet, setKeysOf, type SetLookup } from './identity-set-match'
import type { RowPlan } from './profile-plan'
import {
  applyOps,
  cloneSnapshot,
  creationDiff,
  diffSnapshots,
  emptySnapshot,
  type ProfileSnapshot,
  type SnapshotDiff,
} from './profile-snapshot'

export type PlanOutcome =
  | {
      plan: RowPlan
      outcome: 'created' | 'updated' | 'unchanged'
      objectId: string
      /** Set when the identity set placed the row (its identity was new): what matched it. */
      matchedBy?: 'Email' | 'Phone'
    }
  | { plan: RowPlan; outcome: 'rejected'; problem: RowProblem }

export interface BatchOptions {
  at: number
  actor: string
  /** False for the dry run: everything is resolved and counted, nothing is written. */
  write: boolean
  /** The run's change set (core/changes); null in a dry run, which writes nothing. */
  changeSet: number | null
  /** CleverTap IDs for profiles this import creates. */
  newObjectId: () => string
  /** The account's identity set when the run started: what a row with a new identity is matched on. */
  matchOn: readonly IdentitySetKey[]
}

/** Writes a batch of row plans inside the caller's transaction (or, in a dry run, resolves them). */
export interface PlanWriter {
  run(plans: readonly RowPlan[]): PlanOutcome[]
}

/** Instead of the batch writer in an import: the store's own path (test-support/profile-row-writer.ts). */
export type PlanWriterFactory = (db: Db, options: BatchOptions) => PlanWriter

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
  /** The row's push token for the profile's own device, when it changes the device (plan-device.ts). */
  device: DeviceInput | null
}

export class ProfileBatchWriter implements PlanWriter {
  /** The account's custom property types, grown by the keys this import introduces. */
  private readonly types: Map<string, CustomPropertyType>
  private readonly newTypes = new Map<string, CustomPropertyType>()
  /** Dry run only: identifiers claimed by earlier batches (nothing is written, so the database cannot tell). */
  private readonly pendingClaims = new Map<string, string>()
  /** New profiles' counts, codes and shared values kept per batch (batch-upkeep.ts), not per row. */
  private readonly deferUpkeep: boolean

  constructor(
    private readonly db: Db,
    types: ReadonlyMap<string, CustomPropertyType>,
    private readonly options: BatchOptions,
  ) {
    this.types = new Map(types)
    this.deferUpkeep = options.write && canDeferUpkeep(db)
  }

  run(plans: readonly RowPlan[]): PlanOutcome[] {
    const matchOn = this.options.matchOn
    const rows = prefetchBatch(this.db, plans, matchOn)
    const { holders } = rows
    if (!this.options.write) for (const [k, v] of this.pendingClaims) if (!holders.has(k)) holders.set(k, v)

    const byIdentity = new Map<string, Working>()
    const byObjectId = new Map<string, Working>()
    // The batch's own view of who holds an email / a phone, kept in step as its rows change profiles.
    const byEmail = new Map<string, Working>()
    const byPhone = new Map<string, Set<Working>>()
    const index = (working: Working, snapshot: ProfileSnapshot, add: boolean) => {
      const email = snapshot.identifiers.find((i) => i.kind === 'email')
      if (email) {
        const key = identifierValueKey('email', email.value)
        if (add) byEmail.set(key, working)
        else if (byEmail.get(key) === working) byEmail.delete(key)
      }
      const phone = snapshot.state.system.get('Phone')
      if (typeof phone === 'string') {
        const key = phoneDigits(phone)
        const holders = byPhone.get(key) ?? new Set<Working>()
        if (add) holders.add(working)
        else holders.delete(working)
        byPhone.set(key, holders)
      }
    }
    const load = (row: ProfileRow): Working => {
      const known = byObjectId.get(row.object_id)
      if (known) return known
      const identifiers = rows.identifiersOf.get(row.id) ?? []
      const working: Working = {
        id: row.id,
        objectId: row.object_id,
        row,
        current: { state: readPropertyState(row, this.types), identifiers, isTest: row.is_test === 1 },
        isNew: false,
      }
      byObjectId.set(row.object_id, working)
      for (const i of identifiers) if (i.kind === 'identity') byIdentity.set(i.value, working)
      index(working, working.current, true)
      return working
    }
    const create = (objectId: string): Working => {
      const working: Working = { id: null, objectId, row: null, current: emptySnapshot(), isNew: true }
      byObjectId.set(objectId, working)
      return working
    }
    const setLookup: SetLookup<Working> = {
      byEmail(key) {
        const row = rows.byEmail.get(key)
        // A stored holder this batch already loaded is known by its current snapshot (via `index`).
        if (row && !byObjectId.has(row.object_id)) load(row)
        return byEmail.get(key)
      },
      byPhone(digits) {
        for (const row of rows.byPhone.get(digits) ?? []) if (!byObjectId.has(row.object_id)) load(row)
        return [...(byPhone.get(digits) ?? [])]
      },
      identityOf: (w) => w.current.identifiers.find((i) => i.kind === 'identity')?.value ?? null,
      objectIdOf: (w) => w.objectId,
    }

    const outcomes: PlanOutcome[] = []
    const commits: Commit[] = []
    for (const plan of plans) {
      const reject = (column: string | null, value: string | null, reason: string) =>
        outcomes.push({ plan, outcome: 'rejected', problem: { line: plan.line, column, value, reason } })
      let profile: Working | undefined
      let attachIdentity = false
      let matchedBy: 'Email' | 'Phone' | undefined
      if (plan.identity !== null) {
        const seenRow = rows.byIdentity.get(plan.identity)
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
          const seen = rows.byObjectId.get(plan.objectId)
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
        const keys = profile ? null : setKeysOf(plan, matchOn)
        if (keys) {
          const match = matchOnIdentitySet(keys, setLookup)
          if (match.kind === 'ambiguous') {
            reject('Phone', keys.phoneText, match.reason)
            continue
          }
          if (match.kind === 'match') {
            profile = match.profile
            matchedBy = match.by
          }
        }
        if (!profile) profile = create(plan.objectId ?? this.options.newObjectId())
        if (!profile.current.identifiers.some((i) => i.kind === 'identity' && i.value === plan.identity))
          attachIdentity = true
      } else {
        const objectId = plan.objectId as string
        const seen = rows.byObjectId.get(objectId)
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
      // A profile this import creates starts empty: everything in `after` is new (creationDiff).
      const diff = profile.isNew ? creationDiff(after) : diffSnapshots(before, after)
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
      let device = planDevice(plan, profile.objectId)
      if (device !== null) {
        const check = checkPlanDevice(this.db, device, profile.id, plan.objectId !== null)
        if (check.problem !== null) {
          reject(null, device.pushToken ?? null, check.problem)
          continue
        }
        if (!check.changes) device = null
      }
      if (diff.fields.length === 0 && !created && device === null) {
        outcomes.push({ plan, outcome: 'unchanged', objectId: profile.objectId })
        continue
      }
      for (const i of diff.removed) holders.delete(claimKey(i))
      for (const i of diff.added) if (i.kind !== 'identity') holders.set(claimKey(i), profile.objectId)
      for (const i of after.identifiers) if (i.kind === 'identity') byIdentity.set(i.value, profile)
      index(profile, before, false)
      index(profile, after, true)
      profile.current = after
      profile.isNew = false
      commits.push({ profile, created, diff, after, device })
      outcomes.push({
        plan,
        outcome: created ? 'created' : 'updated',
        objectId: profile.objectId,
        ...(matchedBy === undefined ? {} : { matchedBy }),
      })
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
    const changeSet = this.options.changeSet
    if (changeSet === null) throw new Error('An import writes only into a change set.')
    for (const [key, type] of this.newTypes) {
      prepared(db, 'INSERT OR IGNORE INTO custom_property_types (key, type) VALUES (?, ?)').run(key, type)
      this.types.set(key, type)
    }
    this.newTypes.clear()
    const first = this.deferUpkeep && commits.some((c) => c.created) ? deferUpkeep(db) : null
    const created_ = new CreatedProfiles(db, { changeSet, actor, at })
    for (const { profile, created, diff, after, device } of commits) {
      // A row that changes only its token leaves the profile's row, audit and outbox alone.
      if (device !== null && !created && diff.fields.length === 0) {
        created_.flush()
        const row = { id: profile.id as number, object_id: profile.objectId }
        writePlanDevice(db, row, device, { changeSet, actor, at, created })
        continue
      }
      if (created) {
        created_.write(profile, after, diff.rootIdentity, device)
        continue
      }
      // Rows of the profiles created before this one go first: this commit may move their identifiers.
      created_.flush()
      const columns = rowColumns(after, at, profile.row)
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
      const id = profile.id as number
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
      const objectId = profile.objectId
      for (const field of diff.fields) writeAudit(db, changeSet, objectId, at, actor, field)
      const keys = Object.keys(diff.profileData)
      if (keys.length > 0) {
        const identity = diff.rootIdentity === undefined ? {} : { identity: diff.rootIdentity }
        const record: KeyedProfileRecord = { type: 'profile', objectId, ...identity, keys }
        writeKeyedProfileOutbox(db, record, diff.base, at)
      }
      if (device !== null)
        writePlanDevice(db, { id, object_id: objectId }, device, { changeSet, actor, at, created })
    }
    created_.flush()
    if (first !== null) finishUpkeep(db, first)
  }
}
