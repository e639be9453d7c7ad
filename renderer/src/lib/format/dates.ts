// Dates for people: epoch seconds (the wire format) shown in the user's own locale and time zone.
// Date-only values (DOB, date properties at midnight UTC) are shown as that calendar day, in UTC.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const localDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
const SECONDS_PER_DAY = 86_400

export function formatDateTime(epochSeconds: number): string {
  return dateTime.format(epochSeconds * 1000)
}

/** The local calendar day of an instant, for compact tables (the full time goes in a tooltip). */
export function formatDay(epochSeconds: number): string {
  return localDay.format(epochSeconds * 1000)
}

/** A date value: the calendar day when it is midnight UTC (a date without a time), else the instant. */
export function formatDateValue(epochSeconds: number): string {
  return epochSeconds % SECONDS_PER_DAY === 0
    ? calendarDay.format(epochSeconds * 1000)
    : formatDateTime(epochSeconds)
}

/** For `<time datetime>`: machine-readable ISO 8601. */
export function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString()
}
