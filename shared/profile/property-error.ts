// A refused property value, key or identifier: what was given, the rule it broke, and one message naming
// both, in the words every form, import report and API reply uses.

import type { PropertyValue } from './types'

export interface PropertyError {
  key: string
  value: unknown
  rule: string
  message: string
  /** CleverTap's per-record error code where one exists (515 email, 516 phone, 514 gender, 517 employed, 518 education, 519 married, 520 age) */
  code?: number
}

export type ValidationResult = { ok: true; value: PropertyValue } | { ok: false; error: PropertyError }

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
