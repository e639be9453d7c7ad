// Applies one upload record's `profileData` to a profile's properties: plain values, `$D_` dates and the
// $set/$add/$remove/$delete/$incr/$decr operations, validated with the shared catalogue. Pure: no storage.

import {
  findSystemProperty,
  propertyError,
  validateCustomKeyCount,
  validateCustomProperty,
  validateIdentifier,
  validatePropertyKey,
  validateSystemProperty,
  type PropertyError,
} from '../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../shared/profile/types'
import { catalogueKeyOfWire } from '../shared/sync/wire-keys'
import { toDollarDate } from '../shared/profile/validators-dates'
import type { IdentifierKind, WireProps, WireValue } from './store'
import { RecordCode, recordedProfileText } from './wire-errors'

export interface RecordError {
  code: number
  /** Without the "Skipped record number" suffix. */
  message: string
}

export type ProfileDataResult =
  | { ok: true; props: WireProps; identifiers: { kind: IdentifierKind; value: string }[] }
  | { ok: false; error: RecordError }

const OPERATIONS = ['$set', '$add', '$remove', '$delete', '$incr', '$decr'] as const
type Operation = (typeof OPERATIONS)[number]

/** profileData keys that are identifiers, matched case-insensitively (a Map: no prototype keys). */
export const IDENTIFIER_KEYS: ReadonlyMap<string, IdentifierKind> = new Map([
  ['identity', 'identity'],
  ['fbid', 'fbid'],
  ['gpid', 'gpid'],
])

/** Profile-data failures: the recorded wire text for 514-520, otherwise the catalogue's own message. */
function profileError(error: PropertyError, fallbackCode: number = RecordCode.miscellaneous): RecordError {
  const code = error.code ?? fallbackCode
  return { code, message: recordedProfileText(code) ?? `Profile data is incorrect. ${error.message}` }
}

function fail(error: PropertyError, fallbackCode?: number): ProfileDataResult {
  return { ok: false, error: profileError(error, fallbackCode) }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function operationOf(value: Record<string, unknown>): { op: Operation; arg: unknown } | null {
  const keys = Object.keys(value)
  const key = keys[0]
  if (keys.length !== 1 || key === undefined) return null
  const op = OPERATIONS.find((candidate) => candidate === key)
  return op === undefined ? null : { op, arg: value[key] }
}

/** Dates are kept on the wire form `$D_<epoch seconds>`, so downloads can be uploaded again unchanged. */
function dateWire(seconds: PropertyValue): WireValue {
  // Padded like the app's uploads: an 8-digit epoch would read back as $D_YYYYMMDD.
  return typeof seconds === 'number' ? toDollarDate(seconds) : `$D_${String(seconds)}`
}

function asItems(arg: unknown): unknown[] {
  return Array.isArray(arg) ? arg : [arg]
}

function currentItems(key: string, current: WireValue | undefined): string[] | PropertyError {
  if (current === undefined) return []
  if (Array.isArray(current)) return [...current]
  if (typeof current === 'string' || typeof current === 'number') return [String(current)]
  return propertyError(
    key,
    current,
    'is not a multi-value',
    'only text and number properties take $add/$remove',
  )
}

/** One custom property operation on `props` (mutated). Null on success. */
function applyOperation(props: WireProps, key: string, op: Operation, arg: unknown): PropertyError | null {
  const current = props[key]
  switch (op) {
    case '$delete':
      delete props[key]
      return null
    case '$set':
    case '$add': {
      const base = op === '$set' ? [] : currentItems(key, current)
      if (!Array.isArray(base)) return base
      const checked = validateCustomProperty(key, 'multi', [...base, ...asItems(arg)])
      if (!checked.ok) return checked.error
      props[key] = checked.value
      return null
    }
    case '$remove': {
      const base = currentItems(key, current)
      if (!Array.isArray(base)) return base
      const checked = validateCustomProperty(key, 'multi', asItems(arg))
      if (!checked.ok) return checked.error
      const gone = new Set(checked.value as string[])
      const left = base.filter((item) => !gone.has(item))
      // [I] A multi-value emptied by $remove is removed rather than kept as an empty list.
      if (left.length === 0) delete props[key]
      else if (Array.isArray(current)) props[key] = left
      return null
    }
    case '$incr':
    case '$decr': {
      if (typeof arg !== 'number' || !Number.isFinite(arg) || arg <= 0) {
        return propertyError(key, arg, `is not a valid ${op} amount`, 'expected a number greater than 0')
      }
      // [I] An absent property counts as 0 (the SDKs only check the amount).
      const base = current === undefined ? 0 : current
      if (typeof base !== 'number') {
        return propertyError(key, current, `cannot take ${op}`, `${op} applies to a number property`)
      }
      props[key] = op === '$incr' ? base + arg : base - arg
      return null
    }
  }
}

function customTypeOf(value: unknown): CustomPropertyType | null {
  if (Array.isArray(value)) return 'multi'
  if (typeof value === 'string') return value.startsWith('$D_') ? 'date' : 'string'
  if (typeof value === 'number') return 'number'
  if (typeof value === 'boolean') return 'boolean'
  return null
}

function setCustom(props: WireProps, key: string, value: unknown): PropertyError | null {
  const type = customTypeOf(value)
  if (type === null) {
    const problem = value === null ? 'has no value' : 'is a nested object'
    return propertyError(
      key,
      value,
      problem,
      'expected text, a number, a boolean, a $D_ date, a list or an operation',
    )
  }
  const checked = validateCustomProperty(key, type, value)
  if (!checked.ok) return checked.error
  props[key] = type === 'date' ? dateWire(checked.value) : checked.value
  return null
}

function setSystem(props: WireProps, key: string, value: unknown): PropertyError | null {
  const property = findSystemProperty(key)
  if (property === undefined) return null
  if (isPlainObject(value)) {
    const operation = operationOf(value)
    if (operation?.op === '$delete') {
      delete props[property.key]
      return null
    }
    return propertyError(property.key, value, 'is a system property', 'only {"$delete": true} applies to it')
  }
  const checked = validateSystemProperty(property.key, value)
  if (!checked.ok) return checked.error
  props[property.key] = property.type === 'date' ? dateWire(checked.value) : checked.value
  return null
}

/**
 * The properties after applying `data` to `current`, or the first rule the record breaks (then the whole
 * record is skipped, as the service does). Identity/FBID/GPID keys are returned as identifiers to attach.
 */
export function applyProfileData(current: WireProps, data: Record<string, unknown>): ProfileDataResult {
  const props: WireProps = { ...current }
  const identifiers: { kind: IdentifierKind; value: string }[] = []
  for (const [key, value] of Object.entries(data)) {
    const identifierKind = IDENTIFIER_KEYS.get(key.toLowerCase())
    if (identifierKind !== undefined) {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
      const label = findSystemProperty(identifierKind)?.key ?? key
      if (typeof text !== 'string') {
        return fail(
          propertyError(label, value, 'is not text', 'expected a string or a whole number'),
          RecordCode.missingIdentity,
        )
      }
      const broken = validateIdentifier(identifierKind, text)
      if (broken) return fail(broken, RecordCode.missingIdentity)
      identifiers.push({ kind: identifierKind, value: text })
      continue
    }
    // The time zone travels as `tz` (CLEVERTAP-API.md §7); `Tz` and `Timezone` are taken as it too.
    const systemKey = catalogueKeyOfWire(key)
    if (findSystemProperty(systemKey) !== undefined) {
      const broken = setSystem(props, systemKey, value)
      if (broken) return fail(broken)
      continue
    }
    const keyError = validatePropertyKey(key)
    if (keyError) return fail(keyError)
    if (isPlainObject(value)) {
      const operation = operationOf(value)
      if (operation === null) {
        const rule = `an operation object holds exactly one of ${OPERATIONS.join(', ')}`
        return fail(propertyError(key, value, 'is not a known operation', rule))
      }
      const broken = applyOperation(props, key, operation.op, operation.arg)
      if (broken) return fail(broken)
      continue
    }
    const broken = setCustom(props, key, value)
    if (broken) return fail(broken)
  }
  const customKeys = Object.keys(props).filter((key) => findSystemProperty(key) === undefined).length
  const tooMany = validateCustomKeyCount(customKeys)
  if (tooMany) return fail(tooMany)
  return { ok: true, props, identifiers }
}
