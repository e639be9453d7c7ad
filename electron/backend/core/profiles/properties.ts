// A profile's system and custom properties as a working state: read from the row, changed through the
// shared validators, written back as columns. Identifier-backed keys (Email, Identity, FBID, GPID) are not
// here: they live in identifiers.ts, and ct_is_test_user is the is_test flag.
import { AppError } from '../../../../shared/ipc/envelope'
import {
  SYSTEM_PROPERTIES,
  findSystemProperty,
  validateCustomKeyCount,
  validateCustomProperty,
  validatePropertyKey,
  validateSystemProperty,
  type PropertyError,
  type SystemProperty,
} from '../../../../shared/profile/catalogue'
import { profileAge } from '../../../../shared/profile/identity'
import { foldText, phoneDigits } from '../../../../shared/profile/search-keys'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import type { ProfileRow } from './profile-rows'
import { prepared } from './statements'

export interface CustomValue {
  type: CustomPropertyType
  value: PropertyValue
}

export interface PropertyState {
  /** By catalogue key (Name, Phone, DOB, MSG-email, MSG-dndSMS, …). */
  system: Map<string, PropertyValue>
  custom: Map<string, CustomValue>
}

/** Keys whose values are identifiers or flags, never plain properties. */
export const IDENTIFIER_KEYS = new Set(['Email', 'Identity', 'FBID', 'GPID'])
export const TEST_USER_KEY = 'ct_is_test_user'

/** System properties stored in their own profiles column (other than the identifier mirrors). */
const COLUMN_PROPERTIES: readonly SystemProperty[] = SYSTEM_PROPERTIES.filter(
  (p) => p.column !== undefined && !IDENTIFIER_KEYS.has(p.key),
)
/** Their keys: propertyColumns asks for every system key of every imported row. */
const COLUMN_KEYS: ReadonlySet<string> = new Set(COLUMN_PROPERTIES.map((p) => p.key))

export function validationError(error: PropertyError, extra?: Record<string, unknown>): AppError {
  return new AppError('validation', error.message, {
    key: error.key,
    value: error.value,
    rule: error.rule,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...extra,
  })
}

function parseJsonObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text)
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {}
}

function isPropertyValue(value: unknown): value is PropertyValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  )
}

/** The type a value would have if its key has none registered yet (a plain list is a multi-value). */
export function inferCustomType(value: unknown): CustomPropertyType {
  if (Array.isArray(value)) return 'multi'
  if (typeof value === 'boolean') return 'boolean'
  if (typeof value === 'number') return 'number'
  return 'string'
}

/** The account's custom property types (at most a few hundred rows). */
export function loadCustomTypes(db: Db): Map<string, CustomPropertyType> {
  const rows = prepared(db, 'SELECT key, type FROM custom_property_types').all() as {
    key: string
    type: CustomPropertyType
  }[]
  return new Map(rows.map((r) => [r.key, r.type]))
}

export function readPropertyState(row: ProfileRow, types: Map<string, CustomPropertyType>): PropertyState {
  const system = new Map<string, PropertyValue>()
  const record = row as unknown as Record<string, unknown>
  for (const property of COLUMN_PROPERTIES) {
    const raw = record[property.column as string]
    if (raw === null || raw === undefined) continue
    system.set(property.key, property.type === 'boolean' ? raw === 1 : (raw as PropertyValue))
  }
  for (const [key, value] of Object.entries(parseJsonObject(row.system_extra))) {
    if (isPropertyValue(value)) system.set(key, value)
  }
  const custom = new Map<string, CustomValue>()
  for (const [key, value] of Object.entries(parseJsonObject(row.custom))) {
    if (isPropertyValue(value)) custom.set(key, { type: types.get(key) ?? inferCustomType(value), value })
  }
  return { system, custom }
}

export function cloneState(state: PropertyState): PropertyState {
  return { system: new Map(state.system), custom: new Map(state.custom) }
}

export function valuesEqual(a: PropertyValue | undefined, b: PropertyValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => item === b[i])
  return a === b
}

/** A set for a system key: validated and normalised by the catalogue, refused for keys managed elsewhere. */
export function setSystemProperty(state: PropertyState, property: SystemProperty, value: unknown): void {
  if (property.key === TEST_USER_KEY) {
    throw new AppError(
      'validation',
      `${TEST_USER_KEY} is set by marking the profile as a test profile, not as a property (use Mark as test profile).`,
      { key: TEST_USER_KEY, value, rule: 'use profiles.setTest' },
    )
  }
  if (!property.editable) {
    throw new AppError(
      'validation',
      `${property.key} is an identifier: add or remove it under Identifiers, not as a property.`,
      { key: property.key, value, rule: 'use profiles.identifiers.add / remove' },
    )
  }
  const checked = validateSystemProperty(property.key, value)
  if (!checked.ok) throw validationError(checked.error)
  state.system.set(property.key, checked.value)
}

/**
 * A set for a custom key. Types are per account: the first set of a key fixes its type (the request's
 * `type`, else inferred from the value); setting it later with another type is refused.
 */
export function setCustomProperty(
  state: PropertyState,
  types: Map<string, CustomPropertyType>,
  key: string,
  value: unknown,
  requested: CustomPropertyType | undefined,
): CustomPropertyType {
  const keyError = validatePropertyKey(key)
  if (keyError) throw validationError(keyError)
  const known = types.get(key)
  if (known !== undefined && requested !== undefined && known !== requested) {
    throw new AppError(
      'validation',
      `Custom property "${key}" is a ${known} property; it cannot be set as ${requested} (types are per account).`,
      { key, value, rule: `expected a ${known} value`, existingType: known, requestedType: requested },
    )
  }
  const type = known ?? requested ?? inferCustomType(value)
  const checked = validateCustomProperty(key, type, value)
  if (!checked.ok) throw validationError(checked.error, { type })
  state.custom.set(key, { type, value: checked.value })
  const countError = validateCustomKeyCount(state.custom.size)
  if (countError) throw validationError(countError)
  return type
}

/** Resolves an unset's key to a system property (case-insensitive) or a custom key. */
export function unsetProperty(state: PropertyState, key: string): void {
  const property = findSystemProperty(key)
  if (property) {
    if (property.key === TEST_USER_KEY) {
      throw new AppError('validation', `${TEST_USER_KEY} is removed by unmarking the test profile.`, {
        key,
        rule: 'use profiles.setTest',
      })
    }
    if (!property.editable) {
      throw new AppError('validation', `${property.key} is an identifier: remove it under Identifiers.`, {
        key,
        rule: 'use profiles.identifiers.remove',
      })
    }
    state.system.delete(property.key)
    return
  }
  state.custom.delete(key)
}

/** The catalogue type of a key in this state (for wire encoding). */
export function typeOfKey(state: PropertyState, key: string): SystemProperty['type'] | CustomPropertyType {
  return findSystemProperty(key)?.type ?? state.custom.get(key)?.type ?? 'string'
}

/** The values written to the profiles row for this state (everything except identifiers and flags). */
export function propertyColumns(state: PropertyState): Record<string, string | number | null> {
  const columns: Record<string, string | number | null> = {}
  for (const property of COLUMN_PROPERTIES) {
    const value = state.system.get(property.key)
    columns[property.column as string] =
      value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : (value as string | number)
  }
  let extra: Record<string, PropertyValue> | null = null
  for (const [key, value] of state.system) {
    if (COLUMN_KEYS.has(key)) continue
    extra ??= {}
    extra[key] = value
  }
  let custom: Record<string, PropertyValue> | null = null
  for (const [key, entry] of state.custom) {
    custom ??= {}
    custom[key] = entry.value
  }
  columns.system_extra = extra === null ? '{}' : JSON.stringify(extra)
  columns.custom = custom === null ? '{}' : JSON.stringify(custom)
  const name = state.system.get('Name')
  const phone = state.system.get('Phone')
  columns.name_key = typeof name === 'string' ? foldText(name) || null : null
  columns.phone_key = typeof phone === 'string' ? phoneDigits(phone) || null : null
  return columns
}

/**
 * Age in whole years at the context clock's time (shared profileAge: DOB, else a custom `birthday` date,
 * else an explicit Age). Computed at read time so it moves with the calendar.
 */
export function computeAge(state: PropertyState, nowMs: number): number | null {
  const dob = state.system.get('DOB')
  const birthday = state.custom.get('birthday')
  const age = state.system.get('Age')
  const timezone = state.system.get('Timezone')
  return profileAge(
    {
      dob: typeof dob === 'number' ? dob : null,
      birthday: birthday?.type === 'date' && typeof birthday.value === 'number' ? birthday.value : null,
      age: typeof age === 'number' ? age : null,
      timezone: typeof timezone === 'string' ? timezone : null,
    },
    nowMs,
  )
}
