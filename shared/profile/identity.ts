// What is derived from a profile rather than set: its type (Anonymous / Identified) and its Age.
// Date parsing lives in validators-dates; it is re-exported here because callers think of it with Age.

import type { IdentifierKind, ProfileType } from './types'
import { calendarDateInZone, utcDateOf, type CalendarDate } from './validators-dates'

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

/** A calendar date as one comparable number, yyyymmdd (1990-02-28 → 19900228). */
export function packDate(date: CalendarDate): number {
  return date.year * 10000 + date.month * 100 + date.day
}

/**
 * Whole years between two packed dates (packDate): the (month, day) part decides whether this year's
 * birthday has come, so a Feb 29 birthday falls between Feb 28 and Mar 1 and turns over on Mar 1 in
 * non-leap years. The one rule of Age: the profile page and the segment engine both come here.
 */
export function ageFromPacked(birth: number, today: number): number {
  return Math.floor((today - birth) / 10000)
}

/** Today's date, packed, in `timeZone`; an unknown or missing zone reads today in UTC. */
export function todayPacked(nowMs: number, timeZone: string | null | undefined): number {
  try {
    return packDate(calendarDateInZone(nowMs, timeZone ?? 'UTC'))
  } catch {
    return packDate(calendarDateInZone(nowMs, 'UTC'))
  }
}

/**
 * Whole years from a date of birth to `nowMs`, with today's date read in `timeZone`. The DOB is a
 * calendar date stored as midnight UTC, so its UTC date is the birthday. On the birthday itself the age
 * has gone up. Throws RangeError for an unknown time zone.
 */
export function ageFromDob(dobEpochSeconds: number, nowMs: number, timeZone = 'UTC'): number {
  return ageFromPacked(packDate(utcDateOf(dobEpochSeconds)), packDate(calendarDateInZone(nowMs, timeZone)))
}

/** What a profile's Age is computed from (see profileAge). */
export interface AgeInputs {
  /** DOB, epoch seconds of the birth date at midnight UTC. */
  dob: number | null
  /** A custom `birthday` property of type date, when there is one. */
  birthday: number | null
  /** An explicit Age property. */
  age: number | null
  /** The profile's Timezone property. */
  timezone: string | null
}

/** The birth date Age counts from: DOB, else a custom `birthday` date; null when neither. */
export function birthEpochOf(inputs: Pick<AgeInputs, 'dob' | 'birthday'>): number | null {
  return inputs.dob ?? inputs.birthday
}

/**
 * A profile's Age at `nowMs`: from DOB, else a custom `birthday` date, with today read in the profile's
 * Timezone (UTC when it has none or an unknown one); else an explicit Age; else null.
 */
export function profileAge(inputs: AgeInputs, nowMs: number): number | null {
  const birth = birthEpochOf(inputs)
  if (birth !== null) return ageFromPacked(packDate(utcDateOf(birth)), todayPacked(nowMs, inputs.timezone))
  return inputs.age
}
