// What may identify a profile (Identity, Email, FBID, GPID, a custom identifier): not empty, not too long,
// not a placeholder CleverTap refuses, and a valid address for an email.

import type { IdentifierKind } from './types'
import { propertyError, type PropertyError } from './property-error'
import { LIMITS, isValidEmail } from './validators'

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

export function identifierProblem(
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
