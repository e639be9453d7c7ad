// What is derived from a profile rather than set: its type (Anonymous / Identified) and its Age.
// Date parsing lives in validators-dates; it is re-exported here because callers think of it with Age.

import type { ProfileType } from './types'
import { calendarDateInZone, utcDateOf } from './validators-dates'

export { parseDateValue } from './validators-dates'

/** Identified when the profile holds an Identity or an Email (PRODUCT.md §1); Anonymous otherwise. */
export function deriveProfileType(p: { identities: number; emails: number }): ProfileType {
  return p.identities > 0 || p.emails > 0 ? 'Identified' : 'Anonymous'
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
