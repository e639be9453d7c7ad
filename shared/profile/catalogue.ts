// The property catalogue: every CleverTap system property with its type, rule and column, plus the
// validators for system values, custom values, keys and identifiers. Forms, store, imports and sandbox share it.

import type { CustomPropertyType, IdentifierKind, PropertyValue } from './types'
import {
  LIMITS,
  EDUCATION_OPTIONS,
  GENDER_OPTIONS,
  TEST_USER_OPTIONS,
  YES_NO_OPTIONS,
  checkAge,
  checkBirthDate,
  checkBoolean,
  checkDate,
  checkEducation,
  checkEmail,
  checkGender,
  checkMultiValue,
  checkNumber,
  checkPhone,
  checkTestUser,
  checkText,
  checkTimeZone,
  checkUrl,
  checkYesNo,
  fitsBytes,
  isValidEmail,
  type CheckResult,
} from './validators'
import { formatUtcDateTime } from './validators-dates'

export { LIMITS, utf8ByteLength } from './validators'

export type SystemPropertyType = 'string' | 'number' | 'boolean' | 'date' | 'multi'

export interface PropertyError {
  key: string
  value: unknown
  rule: string
  message: string
  /** CleverTap's per-record error code where one exists (515 email, 516 phone, 514 gender, 517 employed, 518 education, 519 married, 520 age) */
  code?: number
}

export type ValidationResult = { ok: true; value: PropertyValue } | { ok: false; error: PropertyError }

export interface SystemProperty {
  /** CleverTap wire key. */
  key: string
  /** For forms, e.g. 'Date of birth'. */
  label: string
  type: SystemPropertyType
  /** profiles table column when the property has one; otherwise it lives in system_extra JSON. */
  column?: string
  /** Allowed values for enumerations, for select inputs. */
  options?: readonly string[]
  /** The rule in plain words, shown under inputs. */
  hint: string
  /** False for ct_is_test_user (use mark/unmark) and Identity/FBID/GPID (use identifiers). */
  editable: boolean
}

type ValueCheck = (value: unknown) => CheckResult

interface CatalogueEntry {
  property: SystemProperty
  check: ValueCheck
}

const MSG_HINT = 'Yes or No: whether this channel may be used (false = do not send)'

function identifierCheck(kind: IdentifierKind): ValueCheck {
  return (value) => {
    // Identity may be sent as a number (CLEVERTAP-API.md §7); it is kept as its decimal text.
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
    if (typeof text !== 'string') return { ok: false, problem: 'is not text', rule: 'expected a string' }
    const broken = identifierProblem(kind, text)
    return broken === null ? { ok: true, value: text } : { ok: false, ...broken }
  }
}

const ENTRIES: readonly CatalogueEntry[] = [
  {
    property: {
      key: 'Name',
      label: 'Name',
      type: 'string',
      column: 'name',
      hint: 'Full name, up to 512 bytes',
      editable: true,
    },
    check: checkText,
  },
  {
    property: {
      key: 'Email',
      label: 'Email',
      type: 'string',
      column: 'email',
      hint: 'A valid address: name@domain.tld',
      editable: true,
    },
    check: checkEmail,
  },
  {
    property: {
      key: 'Identity',
      label: 'Identity',
      type: 'string',
      column: 'identity',
      hint: "The customer's own user id; managed under Identifiers",
      editable: false,
    },
    check: identifierCheck('identity'),
  },
  {
    property: {
      key: 'Phone',
      label: 'Phone',
      type: 'string',
      column: 'phone',
      hint: 'E.164: + country code and number, e.g. +14155551234',
      editable: true,
    },
    check: checkPhone,
  },
  {
    property: {
      key: 'Gender',
      label: 'Gender',
      type: 'string',
      column: 'gender',
      options: GENDER_OPTIONS,
      hint: 'M, F, O (other) or U (unknown)',
      editable: true,
    },
    check: checkGender,
  },
  {
    property: {
      key: 'DOB',
      label: 'Date of birth',
      type: 'date',
      column: 'dob',
      hint: 'A past date, YYYY-MM-DD',
      editable: true,
    },
    check: (value) => checkBirthDate(value),
  },
  {
    property: {
      key: 'Timezone',
      label: 'Time zone',
      type: 'string',
      column: 'timezone',
      hint: 'An IANA time zone, e.g. Europe/Berlin, or a GMT offset, e.g. GMT+0530',
      editable: true,
    },
    check: checkTimeZone,
  },
  {
    property: {
      key: 'MSG-email',
      label: 'Email opt-in',
      type: 'boolean',
      column: 'msg_email',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-push',
      label: 'Push opt-in',
      type: 'boolean',
      column: 'msg_push',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-sms',
      label: 'SMS opt-in',
      type: 'boolean',
      column: 'msg_sms',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-whatsapp',
      label: 'WhatsApp opt-in',
      type: 'boolean',
      column: 'msg_whatsapp',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndSMS',
      label: 'SMS do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb by SMS',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndWhatsApp',
      label: 'WhatsApp do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb on WhatsApp',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndEmail',
      label: 'Email do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb by email',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'Employed',
      label: 'Employed',
      type: 'string',
      column: 'employed',
      options: YES_NO_OPTIONS,
      hint: 'Y or N',
      editable: true,
    },
    check: (value) => checkYesNo(value, 517),
  },
  {
    property: {
      key: 'Married',
      label: 'Married',
      type: 'string',
      column: 'married',
      options: YES_NO_OPTIONS,
      hint: 'Y or N',
      editable: true,
    },
    check: (value) => checkYesNo(value, 519),
  },
  {
    property: {
      key: 'Education',
      label: 'Education',
      type: 'string',
      column: 'education',
      options: EDUCATION_OPTIONS,
      hint: 'School, College or Graduate',
      editable: true,
    },
    check: checkEducation,
  },
  {
    property: {
      key: 'Photo',
      label: 'Photo',
      type: 'string',
      column: 'photo',
      hint: 'An http(s) URL of an image',
      editable: true,
    },
    check: checkUrl,
  },
  {
    property: {
      key: 'Age',
      label: 'Age',
      type: 'number',
      column: 'age',
      hint: 'Whole years, 0 to 150 (not needed when the date of birth is set)',
      editable: true,
    },
    check: checkAge,
  },
  {
    property: {
      key: 'FBID',
      label: 'Facebook ID',
      type: 'string',
      hint: 'Managed under Identifiers',
      editable: false,
    },
    check: identifierCheck('fbid'),
  },
  {
    property: {
      key: 'GPID',
      label: 'Google+ ID',
      type: 'string',
      hint: 'Managed under Identifiers',
      editable: false,
    },
    check: identifierCheck('gpid'),
  },
  {
    property: {
      key: 'ct_is_test_user',
      label: 'Test profile',
      type: 'string',
      options: TEST_USER_OPTIONS,
      hint: '"Yes" marks a test profile; use Mark / Unmark as test profile',
      editable: false,
    },
    check: checkTestUser,
  },
]

export const SYSTEM_PROPERTIES: readonly SystemProperty[] = ENTRIES.map((entry) => entry.property)

const BY_KEY = new Map<string, CatalogueEntry>(ENTRIES.map((entry) => [entry.property.key, entry]))
const BY_LOWER_KEY = new Map<string, CatalogueEntry>(
  ENTRIES.map((entry) => [entry.property.key.toLowerCase(), entry]),
)
const BY_COLUMN = new Map<string, SystemProperty>(
  ENTRIES.flatMap((entry) =>
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

const QUOTE_LIMIT = 60

/** How a value is quoted in messages: JSON-ish, cut short when long so messages stay readable. */
export function describeValue(value: unknown): string {
  let text: string
  if (typeof value === 'string') text = JSON.stringify(value)
  else if (value === undefined) text = 'undefined'
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null) text = String(value)
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text
}

/** Builds an error whose message names the key, the value and the rule. */
export function propertyError(
  key: string,
  value: unknown,
  problem: string,
  rule: string,
  code?: number,
): PropertyError {
  const message = `${key} ${describeValue(value)} ${problem} (${rule}).`
  return code === undefined ? { key, value, rule, message } : { key, value, rule, message, code }
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

/** Values CleverTap refuses as identifiers (CLEVERTAP-API.md §1), compared case-insensitively. */
export const IDENTIFIER_PLACEHOLDERS: ReadonlySet<string> = new Set([
  'undefined',
  'null',
  'na',
  'n/a',
  '0',
  'nil',
  '-1',
  'infinity',
  '-infinity',
  'inf',
  '-inf',
  'nan',
  '-nan',
  'empty',
  'xxxxxx',
  'none',
])

export function isPlaceholderIdentifier(value: string): boolean {
  return value.length <= 9 && IDENTIFIER_PLACEHOLDERS.has(value.trim().toLowerCase())
}

const PLACEHOLDER_RULE = `identifiers may not be a placeholder such as ${[...IDENTIFIER_PLACEHOLDERS].join(', ')}`

const IDENTIFIER_LABELS: Readonly<Record<IdentifierKind, string>> = {
  identity: 'Identity',
  email: 'Email',
  fbid: 'FBID',
  gpid: 'GPID',
  custom: 'Identifier',
}

const IDENTIFIER_LENGTH_RULE = `fewer than ${LIMITS.identifierChars} characters`

function identifierProblem(
  kind: IdentifierKind,
  value: string,
): { problem: string; rule: string; code?: number } | null {
  if (value.trim() === '') return { problem: 'is empty', rule: 'an identifier needs a value' }
  if (isPlaceholderIdentifier(value)) {
    return {
      problem: 'is a placeholder',
      rule: PLACEHOLDER_RULE,
    }
  }
  if (value.trim() !== value)
    return {
      problem: 'starts or ends with a space',
      rule: 'identifiers are matched exactly; remove the spaces',
    }
  // Characters are code points; counting them only matters once the UTF-16 length could reach the limit.
  if (value.length >= LIMITS.identifierChars && [...value].length >= LIMITS.identifierChars) {
    return { problem: 'is too long', rule: IDENTIFIER_LENGTH_RULE }
  }
  if (kind === 'email' && !isValidEmail(value)) {
    return { problem: 'is not a valid email address', rule: 'expected name@domain.tld', code: 515 }
  }
  return null
}

/**
 * Null when the value may identify a profile: not empty, under 1024 characters, not a placeholder
 * ('null', 'N/A', '0', …), and a valid email for the email kind. `name` labels custom identifiers.
 */
export function validateIdentifier(kind: IdentifierKind, value: string, name?: string): PropertyError | null {
  const label = kind === 'custom' && name ? name : IDENTIFIER_LABELS[kind]
  if (typeof value !== 'string') return propertyError(label, value, 'is not text', 'expected a string')
  const broken = identifierProblem(kind, value)
  return broken === null ? null : propertyError(label, value, broken.problem, broken.rule, broken.code)
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
