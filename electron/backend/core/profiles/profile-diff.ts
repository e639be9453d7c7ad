// The difference between two states of one profile (properties, identifiers, test flag) in the terms a
// commit records: the audit rows (old -> new), the outbox record's profileData and base, identifiers
// added and removed. ProfileChange.commit and the import's batch writer both record changes this way.
import type { PropertyValue } from '../../../../shared/profile/types'
import type { AuditWrite } from './audit'
import { identifierLabel, sameIdentifier, type StoredIdentifier } from './identifiers'
import { DELETE_OPERATION, toWireValue, type WireValue } from './outbox'
import { TEST_USER_KEY, typeOfKey, valuesEqual, type PropertyState } from './properties'

export interface ProfileSnapshot {
  state: PropertyState
  identifiers: StoredIdentifier[]
  isTest: boolean
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

/** The difference between two snapshots, field for field (system, custom, Email, identifiers, test flag). */
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
    // The first value of the kind is what the profile is known by; an appended Identity is sent as
    // itself (CleverTap appends it: the bad merge the app shows).
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
