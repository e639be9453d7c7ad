// Test support: the store's own path for imported rows, one ProfileChange per row plan, each in a
// savepoint, exactly as an edit in the app is written (one audit row per changed field). The import uses
// the set-based ProfileBatchWriter; this path is the reference it is proven equivalent to (tests/imports)
// and the benchmark's "store path" figure. It reaches an import through ImportService's `writer` option.
import { AppError } from '../shared/ipc/envelope'
import type { IdentitySetKey } from '../shared/profile/identity-set'
import type { Db } from '../electron/backend/core/db/connection'
import { findIdentifierHolder } from '../electron/backend/core/profiles/identifiers'
import { newObjectId } from '../electron/backend/core/profiles/object-ids'
import { ProfileChange } from '../electron/backend/core/profiles/profile-change'
import {
  findProfileRow,
  findProfileRowById,
  type ProfileRow,
} from '../electron/backend/core/profiles/profile-rows'
import { insertBareProfile } from '../electron/backend/core/profiles/profile-store'
import { prepared } from '../electron/backend/core/profiles/statements'
import {
  matchOnIdentitySet,
  setKeysOf,
  type SetLookup,
} from '../electron/backend/core/imports/identity-set-match'
import type {
  PlanOutcome,
  PlanWriter,
  PlanWriterFactory,
} from '../electron/backend/core/imports/profile-batch-writer'
import type { ServiceOptions } from '../electron/backend/core/imports/import-service'
import type { RowPlan } from '../electron/backend/core/imports/profile-plan'
import { nextMultiValue } from '../electron/backend/core/imports/profile-snapshot'
import { checkPlanDevice, planDevice, writePlanDevice } from '../electron/backend/core/imports/plan-device'

export class ProfileRowWriter implements PlanWriter {
  constructor(
    private readonly db: Db,
    private readonly options: {
      at: number
      actor: string
      changeSet: number | null
      matchOn: readonly IdentitySetKey[]
    },
  ) {}

  /** The identity set's lookups, straight against the database (each row sees the ones before it). */
  private readonly lookup: SetLookup<ProfileRow> = {
    byEmail: (key) => {
      const holder = findIdentifierHolder(this.db, { kind: 'email', name: '', value: key })
      return holder === undefined ? undefined : findProfileRowById(this.db, holder)
    },
    byPhone: (digits) =>
      prepared(this.db, 'SELECT * FROM profiles WHERE phone_key = ? ORDER BY id').all(digits) as ProfileRow[],
    identityOf: (row) => row.identity,
    objectIdOf: (row) => row.object_id,
  }

  /** Writes the plans one by one inside the caller's transaction. */
  run(plans: readonly RowPlan[]): PlanOutcome[] {
    return plans.map((plan) => {
      try {
        return this.db.transaction(() => this.one(plan))()
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        const details = (error.details ?? {}) as { key?: string; kind?: string; value?: unknown }
        return {
          plan,
          outcome: 'rejected',
          problem: {
            line: plan.line,
            column: details.key ?? details.kind ?? null,
            value: details.value === undefined ? null : String(details.value),
            reason: error.message,
          },
        }
      }
    })
  }

  private one(plan: RowPlan): PlanOutcome {
    const db = this.db
    let row: ProfileRow | undefined
    let created = false
    if (plan.identity !== null) {
      const holder = findIdentifierHolder(db, { kind: 'identity', name: '', value: plan.identity })
      row = holder === undefined ? undefined : findProfileRowById(db, holder)
      if (row && plan.objectId !== null && row.object_id !== plan.objectId) {
        throw new AppError(
          'validation',
          `identity "${plan.identity}" belongs to another profile than objectId "${plan.objectId}".`,
          {
            key: 'objectId',
            value: plan.objectId,
          },
        )
      }
      if (!row && plan.objectId !== null) {
        row = findProfileRow(db, plan.objectId)
        if (row && row.identity !== null) {
          throw new AppError(
            'validation',
            `objectId "${plan.objectId}" belongs to the profile of identity "${row.identity}".`,
            {
              key: 'identity',
              value: plan.identity,
            },
          )
        }
      }
    } else row = findProfileRow(db, plan.objectId as string)
    let matchedBy: 'Email' | 'Phone' | undefined
    const keys = row ? null : setKeysOf(plan, this.options.matchOn)
    if (keys) {
      const match = matchOnIdentitySet(keys, this.lookup)
      if (match.kind === 'ambiguous') {
        throw new AppError('validation', match.reason, { key: 'Phone', value: keys.phoneText })
      }
      if (match.kind === 'match') {
        row = match.profile
        matchedBy = match.by
      }
    }
    if (!row) {
      row = insertBareProfile(db, plan.objectId ?? newObjectId(), this.options.at)
      created = true
    }
    const change = new ProfileChange(db, row, created)
    if (plan.identity !== null) change.addIdentifier({ kind: 'identity', name: '', value: plan.identity })
    for (const op of plan.ops) {
      switch (op.op) {
        case 'set':
          change.apply(
            op.custom === null
              ? { op: 'set', key: op.key, value: op.value }
              : { op: 'set', key: op.key, value: op.value, type: op.custom },
          )
          break
        case 'unset':
          change.apply({ op: 'unset', key: op.key })
          break
        case 'add':
        case 'remove': {
          const next = nextMultiValue(change.state.custom.get(op.key)?.value, op.op, op.items)
          change.apply(
            next.length === 0
              ? { op: 'unset', key: op.key }
              : { op: 'set', key: op.key, value: next, type: 'multi' },
          )
          break
        }
        case 'email':
          change.apply(
            op.value === null ? { op: 'unset', key: 'Email' } : { op: 'set', key: 'Email', value: op.value },
          )
          break
        case 'identifier':
          change.addIdentifier({ kind: op.kind, name: '', value: op.value })
          break
        case 'test':
          change.isTest = op.value
          break
      }
    }
    const changeSet = this.options.changeSet
    if (changeSet === null) throw new Error('The store path writes only into a change set.')
    const device = planDevice(plan, row.object_id)
    const check = device === null ? null : checkPlanDevice(db, device, row.id, true)
    if (check?.problem) throw new AppError('validation', check.problem, { value: device?.pushToken })
    const { at, actor } = this.options
    const result = change.commit({ at, actor, outbox: true, changeSet })
    if (device !== null && check?.changes) writePlanDevice(db, row, device, { changeSet, actor, at, created })
    if (!result.changed && !check?.changes) return { plan, outcome: 'unchanged', objectId: row.object_id }
    return {
      plan,
      outcome: created ? 'created' : 'updated',
      objectId: row.object_id,
      ...(matchedBy === undefined ? {} : { matchedBy }),
    }
  }
}

export const storeWriter: PlanWriterFactory = (db, options) => new ProfileRowWriter(db, options)

/** In-thread ImportService options for a write path: 'batch' (the app's writer) or 'store' (this one). */
export function writePath(writer: 'batch' | 'store'): ServiceOptions {
  return writer === 'store' ? { threading: 'in-thread', writer: storeWriter } : { threading: 'in-thread' }
}
