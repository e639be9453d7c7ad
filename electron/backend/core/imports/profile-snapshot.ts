// A profile as the batch writer works on it (properties, identifiers, test flag) and how a plan's
// operations change it; the difference between two snapshots is ProfileChange's own (profiles/profile-diff).
import { AppError } from '../../../../shared/ipc/envelope'
import { validateCustomKeyCount, validateCustomProperty } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import { sameIdentifier, type StoredIdentifier } from '../profiles/identifiers'
import type { ProfileSnapshot, SnapshotDiff } from '../profiles/profile-diff'
import { cloneState, validationError, type PropertyState } from '../profiles/properties'
import type { PlanOp } from './profile-plan'

export { diffSnapshots, type ProfileSnapshot, type SnapshotDiff } from '../profiles/profile-diff'

/**
 * What the batch writer needs of the diff of a profile this import creates (from an empty snapshot to
 * `after`): its identifiers (all added) and the identity its record is sent with. A creation writes one
 * 'profile.create' audit row and a record of all keys, so the per-field audit rows, profileData and base
 * that diffSnapshots builds would be thrown away: a fifth of a fresh import's allocations.
 */
export function creationDiff(after: ProfileSnapshot): SnapshotDiff {
  return {
    fields: [],
    profileData: {},
    base: {},
    added: after.identifiers,
    removed: [],
    rootIdentity: after.identifiers.find((i) => i.kind === 'identity')?.value,
  }
}

export function emptySnapshot(): ProfileSnapshot {
  return { state: { system: new Map(), custom: new Map() }, identifiers: [], isTest: false }
}

export function cloneSnapshot(s: ProfileSnapshot): ProfileSnapshot {
  return { state: cloneState(s.state), identifiers: [...s.identifiers], isTest: s.isTest }
}

/** The list after a $add or $remove; an empty list means the property goes (there is nothing left to hold). */
export function nextMultiValue(
  current: PropertyValue | undefined,
  op: 'add' | 'remove',
  items: readonly string[],
): string[] {
  const list = Array.isArray(current) ? current : []
  if (op === 'add') return [...list, ...items.filter((item) => !list.includes(item))]
  return list.filter((item) => !items.includes(item))
}

/** ProfileChange.addIdentifier's rule: an email replaces the profile's email; other kinds are appended once. */
export function addIdentifierTo(list: StoredIdentifier[], identifier: StoredIdentifier): StoredIdentifier[] {
  if (list.some((i) => sameIdentifier(i, identifier)) && identifier.kind !== 'email') return list
  const kept = identifier.kind === 'email' ? list.filter((i) => i.kind !== 'email') : list
  return [...kept, identifier]
}

/**
 * Applies a plan's operations to a snapshot (in place). `types` are the account's custom property types;
 * keys seen for the first time are added to `newTypes`. Throws a validation AppError for a bad change.
 */
export function applyOps(
  snapshot: ProfileSnapshot,
  ops: readonly PlanOp[],
  types: ReadonlyMap<string, CustomPropertyType>,
  newTypes: Map<string, CustomPropertyType>,
): void {
  const state = snapshot.state
  for (const op of ops) {
    switch (op.op) {
      case 'set':
        if (op.custom === null) state.system.set(op.key, op.value)
        else setCustom(state, op.key, op.custom, op.value, types, newTypes)
        break
      case 'unset':
        if (op.custom) state.custom.delete(op.key)
        else state.system.delete(op.key)
        break
      case 'add':
      case 'remove': {
        const next = nextMultiValue(state.custom.get(op.key)?.value, op.op, op.items)
        if (next.length === 0) state.custom.delete(op.key)
        else {
          const checked = validateCustomProperty(op.key, 'multi', next)
          if (!checked.ok) throw validationError(checked.error)
          setCustom(state, op.key, 'multi', checked.value, types, newTypes)
        }
        break
      }
      case 'email':
        snapshot.identifiers =
          op.value === null
            ? snapshot.identifiers.filter((i) => i.kind !== 'email')
            : addIdentifierTo(snapshot.identifiers, { kind: 'email', name: '', value: op.value })
        break
      case 'identifier':
        snapshot.identifiers = addIdentifierTo(snapshot.identifiers, {
          kind: op.kind,
          name: '',
          value: op.value,
        })
        break
      case 'test':
        snapshot.isTest = op.value
        break
    }
  }
}

function setCustom(
  state: PropertyState,
  key: string,
  type: CustomPropertyType,
  value: PropertyValue,
  types: ReadonlyMap<string, CustomPropertyType>,
  newTypes: Map<string, CustomPropertyType>,
): void {
  const known = types.get(key) ?? newTypes.get(key)
  if (known !== undefined && known !== type) {
    throw new AppError(
      'validation',
      `Custom property "${key}" is a ${known} property; it cannot be set as ${type} (types are per account).`,
      {
        key,
      },
    )
  }
  state.custom.set(key, { type, value })
  const countError = validateCustomKeyCount(state.custom.size)
  if (countError) throw validationError(countError)
  if (known === undefined) newTypes.set(key, type)
}
