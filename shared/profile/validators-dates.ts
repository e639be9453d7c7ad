// Calendar arithmetic, date parsing and time-zone checks for property values (epoch seconds everywhere).
// Pure arithmetic on day numbers keeps million-row imports fast; Intl objects are created once per zone.

/** Earliest and latest instants we accept as dates: years 0001 to 9999. */
export const MIN_DATE_SECONDS = -62135596800
export const MAX_DATE_SECONDS = 253402300799

const SECONDS_PER_DAY = 86400

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export interface CalendarDate {
  year: number
  month: number
  day: number
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): CalendarDate {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false
  const max = month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0)
  return day <= max
}

/** The UTC calendar date of an instant in epoch seconds. */
export function utcDateOf(epochSeconds: number): CalendarDate {
  return civilFromDays(Math.floor(epochSeconds / SECONDS_PER_DAY))
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

/** 'YYYY-MM-DD' of an instant, read in UTC (date-only values are stored as midnight UTC). */
export function formatUtcDate(epochSeconds: number): string {
  const d = utcDateOf(epochSeconds)
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`
}

/** 'YYYY-MM-DD', or 'YYYY-MM-DD HH:MM:SS UTC' when the instant is not at midnight UTC. */
export function formatUtcDateTime(epochSeconds: number): string {
  const date = formatUtcDate(epochSeconds)
  const secs = ((epochSeconds % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY
  if (secs === 0) return date
  const h = Math.floor(secs / 3600)
  const m = Math.floor((secs % 3600) / 60)
  const s = Math.floor(secs % 60)
  return `${date} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)} UTC`
}

const DOLLAR_D_EPOCH = /^\$D_(-?\d{9,10})$/

/**
 * The upload API's date, "$D_<epoch seconds>", with the epoch's digits padded to at least 9: an 8-digit
 * epoch (1966-10 to 1973-03) would read as $D_YYYYMMDD, so 1970-01-02 is "$D_086400000".
 */
export function toDollarDate(epochSeconds: number): string {
  const digits = String(Math.abs(epochSeconds)).padStart(9, '0')
  return `$D_${epochSeconds < 0 ? '-' : ''}${digits}`
}
const DOLLAR_D_YYYYMMDD = /^\$D_(\d{4})(\d{2})(\d{2})$/
const EPOCH_STRING = /^-?\d{9,10}$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i

function inRange(seconds: number): number | null {
  return seconds >= MIN_DATE_SECONDS && seconds <= MAX_DATE_SECONDS ? seconds : null
}

function dateSeconds(year: number, month: number, day: number): number | null {
  if (!isValidCalendarDate(year, month, day)) return null
  return daysFromCivil(year, month, day) * SECONDS_PER_DAY
}

function parseIsoDateTime(m: RegExpExecArray): number | null {
  const base = dateSeconds(Number(m[1]), Number(m[2]), Number(m[3]))
  if (base === null) return null
  const h = Number(m[4])
  const min = Number(m[5])
  const s = m[6] === undefined ? 0 : Number(m[6])
  if (h > 23 || min > 59 || s > 59) return null
  let offset = 0
  const zone = m[7]
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '')
    const oh = Number(digits.slice(1, 3))
    const om = Number(digits.slice(3, 5))
    if (oh > 14 || om > 59) return null
    offset = (digits[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60)
  }
  return inRange(base + h * 3600 + min * 60 + s - offset)
}

/**
 * Epoch seconds from: a number of seconds (an integer), a Date, '$D_<9-10 digit epoch>', '$D_YYYYMMDD',
 * a 9-10 digit epoch string, 'YYYY-MM-DD' (midnight UTC), or an ISO date-time (UTC when it has no
 * offset). Null when the value is none of these or names an impossible date (2023-02-29).
 */
export function parseDateValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? inRange(value) : null
  if (value instanceof Date) {
    const ms = value.getTime()
    return Number.isNaN(ms) ? null : inRange(Math.floor(ms / 1000))
  }
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (text.length < 8 || text.length > 40) return null
  if (text.charCodeAt(0) === 36 /* $ */) {
    const epoch = DOLLAR_D_EPOCH.exec(text)
    if (epoch) return inRange(Number(epoch[1]))
    const ymd = DOLLAR_D_YYYYMMDD.exec(text)
    return ymd ? dateSeconds(Number(ymd[1]), Number(ymd[2]), Number(ymd[3])) : null
  }
  if (EPOCH_STRING.test(text)) return inRange(Number(text))
  const date = ISO_DATE.exec(text)
  if (date) return dateSeconds(Number(date[1]), Number(date[2]), Number(date[3]))
  const dateTime = ISO_DATE_TIME.exec(text)
  return dateTime ? parseIsoDateTime(dateTime) : null
}

// One formatter per zone, reused: creating Intl objects per call is what makes validation slow.
// Invalid zones are cached too (as null); the cache is cleared when it grows past a bound so a
// file full of distinct junk values cannot grow it without limit.
const ZONE_CACHE_LIMIT = 2000
const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>()
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/

function zoneFormatter(zone: string): Intl.DateTimeFormat | null {
  const cached = zoneFormatters.get(zone)
  if (cached !== undefined) return cached
  let formatter: Intl.DateTimeFormat | null = null
  if (ZONE_NAME.test(zone)) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
      })
    } catch {
      formatter = null
    }
  }
  if (zoneFormatters.size >= ZONE_CACHE_LIMIT) zoneFormatters.clear()
  zoneFormatters.set(zone, formatter)
  return formatter
}

/**
 * CleverTap's offset form of a time zone (CLEVERTAP-API.md §7): the web SDK sends `GMT+0530`, Java's
 * custom ids read `GMT-08:00` or `GMT-8:00`. Hours up to 14 (the widest offset in use), minutes 00-59.
 */
const GMT_OFFSET = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/

/** The offset east of UTC in minutes of a `GMT±HH[:]MM` zone, or null when it is not one. */
export function gmtOffsetMinutes(zone: string): number | null {
  const match = GMT_OFFSET.exec(zone)
  if (!match) return null
  const hours = Number(match[2])
  const minutes = match[3] === undefined ? 0 : Number(match[3])
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return null
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

/**
 * True for an IANA time-zone name the runtime knows ('Europe/Berlin', 'UTC'), or a GMT offset as
 * CleverTap's SDKs send it ('GMT+0530', 'GMT-8:00'); not for bare offsets like '+05:30'.
 */
export function isValidTimeZone(zone: string): boolean {
  return gmtOffsetMinutes(zone) !== null || zoneFormatter(zone) !== null
}

/** The calendar date at an instant (milliseconds) as seen in a time zone. Throws RangeError for an unknown zone. */
export function calendarDateInZone(epochMs: number, timeZone: string): CalendarDate {
  if (timeZone === 'UTC') return civilFromDays(Math.floor(epochMs / (SECONDS_PER_DAY * 1000)))
  const offset = gmtOffsetMinutes(timeZone)
  if (offset !== null)
    return civilFromDays(Math.floor((epochMs + offset * 60_000) / (SECONDS_PER_DAY * 1000)))
  const formatter = zoneFormatter(timeZone)
  if (formatter === null)
    throw new RangeError(`Unknown time zone "${timeZone}" (expected an IANA name or GMT+HHMM).`)
  let year = 0
  let month = 0
  let day = 0
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type === 'year') year = Number(part.value)
    else if (part.type === 'month') month = Number(part.value)
    else if (part.type === 'day') day = Number(part.value)
  }
  return { year, month, day }
}
