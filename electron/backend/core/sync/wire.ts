// A profile as wire fields (the keys and encodings of the upload API: dates as "$D_<epoch>", identifiers
// by their wire key), for the local cache and for a record the server returned, so the two compare.
// Also writes server values into the local cache through the store's own rules (ProfileChange).
import type { WireFieldValue } from '../../../../shared/ipc/channels/sync'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { catalogueKeyOfWire } from '../../../../shared/sync/wire-keys'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { identifierLabel, loadIdentifiers, type StoredIdentifier } from '../profiles/identifiers'
import { toWireValue } from '../profiles/outbox'
import type { ProfileChange } from '../profiles/profile-change'
import type { ProfileRow } from '../profiles/profile-rows'
import { TEST_USER_KEY, readPropertyState } from '../profiles/properties'
import type { RemoteProfile } from './client'

export type WireView = Map<string, WireFieldValue>

/** Identifier wire keys: a server value adds the identifier here, an absent one never removes it. */
const IDENTIFIER_WIRE_KINDS: ReadonlyMap<string, StoredIdentifier['kind']> = new Map([
  ['Identity', 'identity'],
  ['FBID', 'fbid'],
  ['GPID', 'gpid'],
])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Wire value of a local property (dates become "$D_<epoch>"). */
function wireOf(type: string, value: PropertyValue): WireFieldValue {
  const wire = toWireValue(type, value)
  return typeof wire === 'object' && !Array.isArray(wire) ? null : wire
}

/** The local profile as the fields an upload of all of it would carry. */
export function localWireView(db: Db, row: ProfileRow, types: Map<string, CustomPropertyType>): WireView {
  const view: WireView = new Map()
  const state = readPropertyState(row, types)
  for (const [key, value] of state.system)
    view.set(key, wireOf(findSystemProperty(key)?.type ?? 'string', value))
  for (const [key, entry] of state.custom) view.set(key, wireOf(entry.type, entry.value))
  for (const identifier of loadIdentifiers(db, row.id)) {
    const label = identifierLabel(identifier)
    if (!view.has(label)) view.set(label, identifier.value)
  }
  if (row.is_test === 1) view.set(TEST_USER_KEY, 'Yes')
  return view
}

/** Names of the profile's custom identifiers (sent as plain profileData keys, kept as identifiers here). */
export function customIdentifierNames(db: Db, row: ProfileRow): Set<string> {
  return new Set(
    loadIdentifiers(db, row.id)
      .filter((i) => i.kind === 'custom')
      .map((i) => i.name),
  )
}

/** The service echoes Phone as a number without '+' (CLEVERTAP-API.md §1): back to E.164 text. */
function phoneText(value: unknown): WireFieldValue {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `+${value}`
  if (typeof value === 'string' && /^\d{6,15}$/.test(value)) return `+${value}`
  return typeof value === 'string' ? value : null
}

function wireValueOf(value: unknown): WireFieldValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value)) {
    return (value as unknown[])
      .filter((item) => typeof item === 'string' || typeof item === 'number')
      .map(String)
  }
  // Nested objects (newer SDKs) have no local home: left out.
  return undefined
}

/** A server record's fields by wire key: root identity/name/email/phone and profileData. */
export function remoteWireView(record: RemoteProfile): WireView {
  const view: WireView = new Map()
  const data = isPlainObject(record.profileData) ? record.profileData : {}
  for (const [rawKey, raw] of Object.entries(data)) {
    // The time zone arrives as `tz` (or `Tz`): kept as the profile's Timezone.
    const key = findSystemProperty(catalogueKeyOfWire(rawKey))?.key ?? rawKey
    const value =
      key === 'Phone' ? phoneText(raw) : IDENTIFIER_WIRE_KINDS.has(key) ? String(raw) : wireValueOf(raw)
    if (value !== undefined && value !== null) view.set(key, value)
  }
  if (record.identity !== undefined && record.identity !== null && record.identity !== '') {
    view.set('Identity', String(record.identity))
  }
  if (typeof record.name === 'string') view.set('Name', record.name)
  if (typeof record.email === 'string' && record.email !== '') view.set('Email', record.email)
  if (record.phone !== undefined && record.phone !== null && record.phone !== '') {
    const phone = phoneText(record.phone)
    if (phone !== null) view.set('Phone', phone)
  }
  return view
}

/** The CleverTap IDs a server record names (platformInfo), first the one it was created with. */
export function remoteObjectIds(record: RemoteProfile): string[] {
  const ids: string[] = []
  if (Array.isArray(record.platformInfo)) {
    for (const info of record.platformInfo) {
      if (isPlainObject(info) && typeof info.objectId === 'string' && info.objectId !== '')
        ids.push(info.objectId)
    }
  }
  return ids
}

/** Equal as the server sees it: emails ignore case, multi-values ignore order, 18 equals "18". */
export function sameWire(key: string, a: WireFieldValue | undefined, b: WireFieldValue | undefined): boolean {
  const left = a ?? null
  const right = b ?? null
  if (left === null || right === null) return left === right
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false
    const sorted = (list: string[]) => [...list].sort()
    const l = sorted(left)
    const r = sorted(right)
    return l.every((item, index) => item === r[index])
  }
  if (key === 'Email' && typeof left === 'string' && typeof right === 'string') {
    return left.toLowerCase() === right.toLowerCase()
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') return left === right
  return String(left) === String(right)
}

/** The custom type a server value suggests for a key this account has not typed yet. */
function inferType(value: WireFieldValue): CustomPropertyType {
  if (Array.isArray(value)) return 'multi'
  if (typeof value === 'number') return 'number'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'string' && /^\$D_-?\d{9,10}$/.test(value)) return 'date'
  return 'string'
}

/**
 * Puts one server value into a working profile change (validated by the store's rules; throws an
 * AppError naming the key when the value breaks them). Identifiers are added, never removed.
 */
export function applyWireValue(
  change: ProfileChange,
  types: Map<string, CustomPropertyType>,
  key: string,
  value: WireFieldValue,
): void {
  const identifierKind = IDENTIFIER_WIRE_KINDS.get(key)
  if (identifierKind !== undefined) {
    if (value !== null) change.addIdentifier({ kind: identifierKind, name: '', value: String(value) })
    return
  }
  if (key === TEST_USER_KEY) {
    change.isTest = typeof value === 'string' && value.toLowerCase() === 'yes'
    return
  }
  if (value === null) {
    change.apply({ op: 'unset', key })
    return
  }
  if (findSystemProperty(key) !== undefined) {
    change.apply({ op: 'set', key, value })
    return
  }
  const type = types.get(key) ?? inferType(value)
  change.apply({ op: 'set', key, value, type })
}

/** Whether a key names an identifier (never removed by a pull). */
export function isIdentifierKey(key: string, customIdentifiers: ReadonlySet<string>): boolean {
  return IDENTIFIER_WIRE_KINDS.has(key) || customIdentifiers.has(key)
}
