// Value checks behind the property catalogue: each takes a raw value and returns the normalised value
// or the broken rule. They know nothing about keys; catalogue.ts turns failures into PropertyErrors.

import type { PropertyValue } from './types'
import { isValidTimeZone, parseDateValue } from './validators-dates'

/** CleverTap's limits (CLEVERTAP-API.md §1). */
export const LIMITS = {
  keyBytes: 120,
  valueBytes: 512,
  customKeys: 256,
  multiValueItems: 100,
  identifierChars: 1024,
} as const

export type CheckResult =
  { ok: true; value: PropertyValue } | { ok: false; problem: string; rule: string; code?: number }

export function pass(value: PropertyValue): CheckResult {
  return { ok: true, value }
}

export function fail(problem: string, rule: string, code?: number): CheckResult {
  return code === undefined ? { ok: false, problem, rule } : { ok: false, problem, rule, code }
}

/** UTF-8 byte length without allocating an encoded copy (lone surrogates count as 3, like TextEncoder's U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** True when the text fits in `limit` UTF-8 bytes; skips counting when even 3 bytes a unit would fit. */
export function fitsBytes(text: string, limit: number): boolean {
  return text.length * 3 <= limit || utf8ByteLength(text) <= limit
}

const VALUE_RULE = `at most ${LIMITS.valueBytes} bytes (UTF-8)`

/** A non-empty string value within the 512-byte limit. */
export function checkText(value: unknown): CheckResult {
  if (typeof value !== 'string') return fail('is not text', 'expected a string')
  if (value.trim() === '') return fail('is empty', 'expected text; unset the property to remove it')
  if (!fitsBytes(value, LIMITS.valueBytes)) return fail('is too long', VALUE_RULE)
  return pass(value)
}

// Local part: the usual unquoted characters, no leading, trailing or doubled dots. Domain: labels of
// letters, digits and inner hyphens, ending in a top-level domain of at least two letters.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,63}|xn--[A-Za-z0-9-]{1,59})$/u
const EMAIL_RULE = 'expected name@domain.tld'

export function isValidEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text)
}

export function checkEmail(value: unknown): CheckResult {
  if (typeof value !== 'string' || !isValidEmail(value.trim()))
    return fail('is not a valid email address', EMAIL_RULE, 515)
  return pass(value.trim())
}

// E.164: '+', a country code not starting with 0, 8 to 15 digits in all. Spaces, dots, dashes and
// parentheses between digits are accepted as written by people and dropped.
const PHONE_SEPARATORS = /[\s().-]/g
const E164 = /^\+[1-9]\d{7,14}$/
const PHONE_RULE = 'E.164: + country code and number, 8 to 15 digits, e.g. +14155551234'

export function checkPhone(value: unknown): CheckResult {
  // The server echoes phones as numbers without the '+' (CLEVERTAP-API.md §1): accept that form.
  if (typeof value === 'number') {
    const text = Number.isSafeInteger(value) && value > 0 ? `+${value}` : ''
    return E164.test(text) ? pass(text) : fail('is not a valid phone number', PHONE_RULE, 516)
  }
  if (typeof value !== 'string') return fail('is not a valid phone number', PHONE_RULE, 516)
  const compact = value.trim().replace(PHONE_SEPARATORS, '')
  if (!E164.test(compact)) {
    const problem = /^\d+$/.test(compact)
      ? 'is missing the + and country code'
      : 'is not a valid phone number'
    return fail(problem, PHONE_RULE, 516)
  }
  return pass(compact)
}

export const GENDER_OPTIONS = ['M', 'F', 'O', 'U'] as const
const GENDER_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['m', 'M'],
  ['male', 'M'],
  ['f', 'F'],
  ['female', 'F'],
  ['o', 'O'],
  ['other', 'O'],
  ['others', 'O'],
  ['u', 'U'],
  ['unknown', 'U'],
])
const GENDER_RULE = 'expected M, F, O (other) or U (unknown); male/female/other/unknown are accepted'

export function checkGender(value: unknown): CheckResult {
  const normal = typeof value === 'string' ? GENDER_SPELLINGS.get(value.trim().toLowerCase()) : undefined
  return normal === undefined ? fail('is not a valid gender', GENDER_RULE, 514) : pass(normal)
}

export const YES_NO_OPTIONS = ['Y', 'N'] as const
const YES_NO_SPELLINGS: ReadonlyMap<string, string> = new Map([
  ['y', 'Y'],
  ['yes', 'Y'],
  ['n', 'N'],
  ['no', 'N'],
])

export function checkYesNo(value: unknown, code: number): CheckResult {
  const normal = typeof value === 'string' ? YES_NO_SPELLINGS.get(value.trim().toLowerCase()) : undefined
  return normal === undefined
    ? fail('is not Y or N', 'expected Y or N (yes/no are accepted)', code)
    : pass(normal)
}

export const EDUCATION_OPTIONS = ['School', 'College', 'Graduate'] as const
const EDUCATION_SPELLINGS: ReadonlyMap<string, string> = new Map(
  EDUCATION_OPTIONS.map((option) => [option.toLowerCase(), option]),
)

export function checkEducation(value: unknown): CheckResult {
  const normal = typeof value === 'string' ? EDUCATION_SPELLINGS.get(value.trim().toLowerCase()) : undefined
  return normal === undefined
    ? fail('is not a valid education level', 'expected School, College or Graduate', 518)
    : pass(normal)
}

export const TEST_USER_OPTIONS = ['Yes', 'No'] as const

export function checkTestUser(value: unknown): CheckResult {
  const lower = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (lower === 'yes') return pass('Yes')
  if (lower === 'no') return pass('No')
  return fail('is not a valid test-profile flag', 'expected the string "Yes" (or "No")')
}

const TRUE_SPELLINGS = new Set(['true', '1'])
const FALSE_SPELLINGS = new Set(['false', '0'])
const BOOLEAN_RULE = 'expected true or false (1/0 are accepted)'

export function checkBoolean(value: unknown): CheckResult {
  if (typeof value === 'boolean') return pass(value)
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase()
    if (TRUE_SPELLINGS.has(lower)) return pass(true)
    if (FALSE_SPELLINGS.has(lower)) return pass(false)
  }
  return fail('is not a boolean', BOOLEAN_RULE)
}

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

export function checkNumber(value: unknown): CheckResult {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? pass(value) : fail('is not a finite number', 'expected a number')
  }
  if (typeof value === 'string') {
    const text = value.trim()
    if (NUMBER_TEXT.test(text)) {
      const n = Number(text)
      if (Number.isFinite(n)) return pass(n)
    }
  }
  return fail('is not a number', 'expected a number, e.g. 42 or 3.5')
}

export const MAX_AGE = 150
const AGE_TEXT = /^\d{1,3}$/
const AGE_RULE = `expected a whole number of years from 0 to ${MAX_AGE}`

export function checkAge(value: unknown): CheckResult {
  let n = Number.NaN
  if (typeof value === 'number') n = value
  else if (typeof value === 'string' && AGE_TEXT.test(value.trim())) n = Number(value.trim())
  if (!Number.isInteger(n) || n < 0 || n > MAX_AGE) return fail('is not a valid age', AGE_RULE, 520)
  return pass(n)
}

const DATE_RULE = 'expected YYYY-MM-DD, $D_<epoch seconds>, $D_YYYYMMDD or epoch seconds'

export function checkDate(value: unknown): CheckResult {
  const seconds = parseDateValue(value)
  return seconds === null ? fail('is not a valid date', DATE_RULE) : pass(seconds)
}

/** A date of birth: a date that is not in the future. */
export function checkBirthDate(value: unknown, nowMs: number = Date.now()): CheckResult {
  const checked = checkDate(value)
  if (!checked.ok) return checked
  if ((checked.value as number) * 1000 > nowMs)
    return fail('is in the future', 'a date of birth must be in the past')
  return checked
}

const TZ_RULE =
  'expected an IANA time zone name, e.g. Europe/Berlin or Asia/Kolkata, or a GMT offset, e.g. GMT+0530'

export function checkTimeZone(value: unknown): CheckResult {
  if (typeof value === 'string' && isValidTimeZone(value.trim())) return pass(value.trim())
  return fail('is not a known time zone', TZ_RULE)
}

const HTTP_URL = /^https?:\/\/[^\s/?#.][^\s]*$/i

export function checkUrl(value: unknown): CheckResult {
  if (typeof value !== 'string' || !HTTP_URL.test(value.trim()))
    return fail('is not a web address', 'expected an http:// or https:// URL of an image')
  const url = value.trim()
  if (!fitsBytes(url, LIMITS.valueBytes)) return fail('is too long', VALUE_RULE)
  return pass(url)
}

/**
 * A multi-value: a list of strings (numbers are written as strings, as CleverTap's SDKs do).
 * Exact duplicates are dropped; at most 100 items, each non-empty and at most 512 bytes.
 */
export function checkMultiValue(value: unknown): CheckResult {
  if (!Array.isArray(value)) return fail('is not a list', 'expected a list of text values')
  const items: string[] = []
  const seen = new Set<string>()
  for (const item of value as unknown[]) {
    let text: string
    if (typeof item === 'string') text = item
    else if (typeof item === 'number' && Number.isFinite(item)) text = String(item)
    else return fail('holds an item that is not text', 'expected a list of text values')
    if (text.trim() === '') return fail('holds an empty item', 'every item must have text')
    if (!fitsBytes(text, LIMITS.valueBytes))
      return fail('holds an item that is too long', `each item ${VALUE_RULE}`)
    if (!seen.has(text)) {
      seen.add(text)
      items.push(text)
    }
  }
  if (items.length > LIMITS.multiValueItems)
    return fail(`has ${items.length} items`, `at most ${LIMITS.multiValueItems} items`)
  return pass(items)
}
