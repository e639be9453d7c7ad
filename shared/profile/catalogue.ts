// The property catalogue: finds CleverTap system properties (table in ./system-property-table.ts) and
// validates system values, custom values, keys and identifiers. Forms, store, imports and sandbox share it.

import type { CustomPropertyType, PropertyValue } from './types'
import { propertyError, type PropertyError, type ValidationResult } from './property-error'
import {
  SYSTEM_PROPERTY_ENTRIES,
  type CatalogueEntry,
  type SystemProperty,
  type SystemPropertyType,
  type ValueCheck,
} from './system-property-table'
import {
  LIMITS,
  checkBoolean,
  checkDate,
  checkMultiValue,
  checkNumber,
  checkText,
  fitsBytes,
  type CheckResult,
} from './validators'
import { formatUtcDateTime } from './validators-dates'

export { LIMITS, utf8ByteLength } from './validators'
export { describeValue, propertyError, type PropertyError, type ValidationResult } from './property-error'
export { IDENTIFIER_PLACEHOLDERS, isPlaceholderIdentifier, validateIdentifier } from './identifier-rules'
export type { SystemProperty, SystemPropertyType } from './system-property-table'

export const SYSTEM_PROPERTIES: readonly SystemProperty[] = SYSTEM_PROPERTY_ENTRIES.map(
  (entry) => entry.property,
)

const BY_KEY = new Map<string, CatalogueEntry>(
  SYSTEM_PROPERTY_ENTRIES.map((entry) => [entry.property.key, entry]),
)
const BY_LOWER_KEY = new Map<string, CatalogueEntry>(
  SYSTEM_PROPERTY_ENTRIES.map((entry) => [entry.property.key.toLowerCase(), entry]),
)
const BY_COLUMN = new Map<string, SystemProperty>(
  SYSTEM_PROPERTY_ENTRIES.flatMap((entry) =>
    entry.property.column ? [[entry.property.column, entry.property] as const] : [],
  ),
)

function findEntry(key: string): CatalogueEntry | undefined {
  return BY_KEY.get(key) ?? BY_LOWER_KEY.get(key.toLowerCase())
}

/** The system property with this key: exact, or case-insensitive ('email' -> Email). */
export function findSystemProperty(key: string): SystemProperty | undefined {
  return findEntry(key)?.property
}

/** The system property stored in this profiles column ('msg_sms' -> MSG-sms). */
export function findSystemPropertyByColumn(column: string): SystemProperty | undefined {
  return BY_COLUMN.get(column)
}

function toResult(key: string, value: unknown, checked: CheckResult): ValidationResult {
  if (checked.ok) return { ok: true, value: checked.value }
  return { ok: false, error: propertyError(key, value, checked.problem, checked.rule, checked.code) }
}

const MISSING_RULE = 'expected a value; unset the property to remove it'

/**
 * Validates and normalises a system property value (the key may be in any case; errors use the
 * catalogue's spelling). Accepted spellings are normalised ('male' -> 'M', '2000-01-31' -> epoch
 * seconds); anything else is rejected, never coerced.
 */
export function validateSystemProperty(key: string, value: unknown): ValidationResult {
  const entry = findEntry(key)
  if (entry === undefined) {
    return {
      ok: false,
      error: propertyError(key, value, 'is not a system property', 'expected one of the catalogue keys'),
    }
  }
  const wireKey = entry.property.key
  if (value === null || value === undefined) {
    return { ok: false, error: propertyError(wireKey, value, 'has no value', MISSING_RULE) }
  }
  return toResult(wireKey, value, entry.check(value))
}

const CUSTOM_CHECKS: Readonly<Record<CustomPropertyType, ValueCheck>> = {
  string: checkText,
  number: checkNumber,
  boolean: checkBoolean,
  date: checkDate,
  multi: checkMultiValue,
}

/** Validates a custom property's key and its value against the property's type. */
export function validateCustomProperty(
  key: string,
  type: CustomPropertyType,
  value: unknown,
): ValidationResult {
  const keyError = validatePropertyKey(key)
  if (keyError) return { ok: false, error: keyError }
  const system = findEntry(key)
  if (system !== undefined) {
    const rule = `custom keys may not reuse a system property's name; set ${system.property.key} instead`
    return { ok: false, error: propertyError(key, value, 'is a system property', rule) }
  }
  if (value === null || value === undefined) {
    return { ok: false, error: propertyError(key, value, 'has no value', MISSING_RULE) }
  }
  const check = CUSTOM_CHECKS[type]
  if (check === undefined) {
    return {
      ok: false,
      error: propertyError(
        key,
        value,
        `has an unknown type "${String(type)}"`,
        'expected string, number, boolean, date or multi',
      ),
    }
  }
  return toResult(key, value, check(value))
}

// The web SDK strips these from keys (CLEVERTAP-API.md §1); we refuse them so nothing changes unseen.
const FORBIDDEN_KEY_CHARS = /[.:$'"\\]/
const CONTROL_CHARS = /\p{Cc}/u
const KEY_RULE = `1 to ${LIMITS.keyBytes} bytes (UTF-8), no leading or trailing space, none of . : $ ' " \\`

/** Null when the key is a valid property key; else the error naming the key and the rule. */
export function validatePropertyKey(key: string): PropertyError | null {
  const error = (problem: string) => propertyError('Property key', key, problem, KEY_RULE)
  if (typeof key !== 'string' || key.length === 0) return error('is empty')
  if (key.trim() !== key) return error('starts or ends with a space')
  if (FORBIDDEN_KEY_CHARS.test(key)) return error('contains a character that is not allowed')
  if (CONTROL_CHARS.test(key)) return error('contains a control character')
  if (!fitsBytes(key, LIMITS.keyBytes)) return error('is too long')
  return null
}

/** Null while a profile may hold `count` custom keys; the error once `count` passes the 256 limit. */
export function validateCustomKeyCount(count: number): PropertyError | null {
  if (count <= LIMITS.customKeys) return null
  return propertyError(
    'Custom properties',
    count,
    'are too many',
    `at most ${LIMITS.customKeys} custom keys per profile`,
  )
}

/** For display: dates as YYYY-MM-DD (with the time when not midnight UTC), booleans Yes/No, multi joined with ', '. */
export function formatPropertyValue(
  type: SystemPropertyType | CustomPropertyType,
  value: PropertyValue,
): string {
  if (Array.isArray(value)) return value.join(', ')
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (type === 'date' && typeof value === 'number') return formatUtcDateTime(value)
  return String(value)
}
