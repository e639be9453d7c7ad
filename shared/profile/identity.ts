// What is derived from a profile rather than set: its type (Anonymous / Identified) and its Age.
// Date parsing lives in validators-dates; it is re-exported here because callers think of it with Age.

import type { IdentifierKind, ProfileType } from './types'
import { calendarDateInZone, utcDateOf } from './validators-dates'

export { parseDateValue } from './validators-dates'

/**
 * The identifiers that are "uniquely identifying information" (the seed's "User Profile Types"): a
 * profile holding any of them is Identified. Phone is not among them: it is a property that several
 * profiles may share (CleverTap's Duplicate Platform ID), so it never identifies one person by itself.
 */
export const IDENTIFYING_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'identity',
  'email',
  'fbid',
  'gpid',
  'custom',
])

/**
 * Identified when the profile holds an Identity, Email, FBID, GPID or a custom identifier; Anonymous
 * otherwise. The one place the type is decided: the store, imports, sample data and the migration that
 * corrected older databases all call it (or, in SQL, test for the same kinds).
 */
export function deriveProfileType(identifiers: Iterable<{ kind: IdentifierKind }>): ProfileType {
  for (const identifier of identifiers) if (IDENTIFYING_KINDS.has(identifier.kind)) return 'Identified'
  return 'Anonymous'
}

/**
 * Whole years from a date of birth to `nowMs`, with today's date read in `timeZone` (the account's
 * zone). The DOB is a calendar date stored as midnight UTC, so its UTC date is the birthday. On the
 * birthday itself the age has gone up; a Feb 29 birthday turns over on Mar 1 in non-leap years.
 * Throws RangeError for an unknown time zone.
 */
export function ageFromDob(dobEpochSeconds: number, nowMs: number, timeZone = 'UTC'): number {
  const birth = utcDateOf(dobEpochSeconds)
  const today = calendarDateInZone(nowMs, timeZone)
  let years = today.year - birth.year
  // Comparing (month, day) pairs makes Feb 29 fall between Feb 28 and Mar 1 in every year.
  if (today.month < birth.month || (today.month === birth.month && today.day < birth.day)) years -= 1
  return years
}
