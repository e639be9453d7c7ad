// A profile as the batch writer works on it (properties, identifiers, test flag), how a plan's operations
// change it, and the difference between two snapshots in exactly the terms ProfileChange.commit records:
// the changed fields (old -> new), the outbox record's profileData and base, the identifiers added and removed.
import { AppError } from '../../../shared/ipc/envelope'
import { validateCustomKeyCount, validateCustomProperty } from '../../../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../../../shared/profile/types'
import type { AuditWrite } from '../profiles/audit'
import { identifierLabel, sameIdentifier, type StoredIdentifier } from '../profiles/identifiers'
import { DELETE_OPERATION, toWireValue, type WireValue } from '../profiles/outbox'
import {
  TEST_USER_KEY,
  cloneState,
  typeOfKey,
  validationError,
  valuesEqual,
  type PropertyState,
} from '../profiles/properties'
import type { PlanOp } from './profile-plan'

export interface ProfileSnapshot {
  state: PropertyState
  identifiers: StoredIdentifier[]
  isTest: boolean
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

export interface SnapshotDiff {
  /** The audit rows ProfileChange would write, one per changed field. */
  fields: AuditWrite[]
  profileData: Record<string, WireValue>
  base: Record<string, WireValue | null>
  added: StoredIdentifier[]
  removed: StoredIdentifier[]
  /** The identity sent at the record's root (the one the profile was known by). */
  rootIdentity: string | undefined
}

/** The difference between two snapshots, field for field as ProfileChange.commit computes it. */
export function diffSnapshots(
  before: ProfileSnapshot,
  after: ProfileSnapshot,
  identifierAction = 'identifier.add',
): SnapshotDiff {
  const fields: AuditWrite[] = []
  const profileData: Record<string, WireValue> = {}
  const base: Record<string, WireValue | null> = {}
  const note = (
    key: string,
    type: string,
    old: PropertyValue | undefined,
    now: PropertyValue | undefined,
  ) => {
    fields.push({
      action: now === undefined ? 'property.unset' : 'property.set',
      field: key,
      oldValue: old ?? null,
      newValue: now ?? null,
    })
    profileData[key] = now === undefined ? DELETE_OPERATION : toWireValue(type, now)
    base[key] = old === undefined ? null : toWireValue(type, old)
  }
  const b = before.state
  const a = after.state
  for (const key of new Set([...b.system.keys(), ...a.system.keys()])) {
    const old = b.system.get(key)
    const now = a.system.get(key)
    if (!valuesEqual(old, now)) note(key, typeOfKey(a, key), old, now)
  }
  for (const key of new Set([...b.custom.keys(), ...a.custom.keys()])) {
    const old = b.custom.get(key)
    const now = a.custom.get(key)
    if (!valuesEqual(old?.value, now?.value))
      note(key, (now ?? old)?.type ?? 'string', old?.value, now?.value)
  }
  const removed = before.identifiers.filter(
    (x) => !after.identifiers.some((y) => sameIdentifier(x, y) && x.value === y.value),
  )
  const added = after.identifiers.filter(
    (y) => !before.identifiers.some((x) => sameIdentifier(x, y) && x.value === y.value),
  )
  const emailBefore = before.identifiers.find((i) => i.kind === 'email')?.value
  const emailAfter = after.identifiers.find((i) => i.kind === 'email')?.value
  if (emailBefore !== emailAfter) note('Email', 'string', emailBefore, emailAfter)
  const identifierKeys = new Map<string, Pick<StoredIdentifier, 'kind' | 'name'>>()
  for (const identifier of removed) {
    if (identifier.kind === 'email') continue
    fields.push({
      action: 'identifier.remove',
      field: identifierLabel(identifier),
      oldValue: identifier.value,
      newValue: null,
    })
    identifierKeys.set(identifierLabel(identifier), identifier)
  }
  for (const identifier of added) {
    if (identifier.kind === 'email') continue
    fields.push({
      action: identifierAction,
      field: identifierLabel(identifier),
      oldValue: null,
      newValue: identifier.value,
    })
    identifierKeys.set(identifierLabel(identifier), identifier)
  }
  for (const [label, which] of identifierKeys) {
    const first = (list: StoredIdentifier[]) =>
      list.find((i) => i.kind === which.kind && i.name === which.name)?.value
    const old = first(before.identifiers)
    const now = first(after.identifiers)
    const sent = added.find((i) => i.kind === which.kind && i.name === which.name)?.value ?? now
    profileData[label] = sent === undefined ? DELETE_OPERATION : sent
    base[label] = old ?? null
  }
  if (before.isTest !== after.isTest) {
    fields.push({
      action: after.isTest ? 'test.mark' : 'test.unmark',
      field: TEST_USER_KEY,
      oldValue: before.isTest ? 'Yes' : null,
      newValue: after.isTest ? 'Yes' : null,
    })
    profileData[TEST_USER_KEY] = after.isTest ? 'Yes' : DELETE_OPERATION
    base[TEST_USER_KEY] = before.isTest ? 'Yes' : null
  }
  const identity = after.identifiers.find((i) => i.kind === 'identity')?.value
  const rootIdentity = before.identifiers.find((i) => i.kind === 'identity')?.value ?? identity
  return { fields, profileData, base, added, removed, rootIdentity }
}
