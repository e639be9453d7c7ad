// The date formats of CleverTap's CSV upload (CLEVERTAP-API.md §8) turned into epoch seconds (UTC), and
// the choice of a format from sample values. `$D_` values are understood in every date column.
import { DATE_FORMATS, type DateFormat } from '../../../../shared/imports/types'
import { parseDateValue } from '../../../../shared/profile/identity'
import { daysFromCivil, isValidCalendarDate } from '../../../../shared/profile/validators-dates'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const TIME = '(?:[ T](\\d{1,2}):(\\d{2}):(\\d{2}))'

interface Pattern {
  regex: RegExp
  /** Positions of day, month and year in the match. */
  order: 'dmy' | 'mdy' | 'ydm' | 'ymd' | 'dMy'
}

function pattern(format: Exclude<DateFormat, 'auto' | 'epoch'>): Pattern {
  const time = format.endsWith('HH:mm:ss') ? `${TIME}?` : ''
  switch (format.replace(' HH:mm:ss', '')) {
    case 'dd/MM/yyyy':
      return { regex: new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})${time}$`), order: 'dmy' }
    case 'MM/dd/yyyy':
      return { regex: new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})${time}$`), order: 'mdy' }
    case 'yyyy/dd/MM':
      return { regex: new RegExp(`^(\\d{4})/(\\d{1,2})/(\\d{1,2})${time}$`), order: 'ydm' }
    case 'yyyy/MM/dd':
      return { regex: new RegExp(`^(\\d{4})/(\\d{1,2})/(\\d{1,2})${time}$`), order: 'ymd' }
    default:
      return { regex: new RegExp(`^(\\d{1,2}) ([A-Za-z]{3}) (\\d{4})${time}$`), order: 'dMy' }
  }
}

const PATTERNS = new Map<DateFormat, Pattern>()
function patternOf(format: Exclude<DateFormat, 'auto' | 'epoch'>): Pattern {
  let found = PATTERNS.get(format)
  if (!found) {
    found = pattern(format)
    PATTERNS.set(format, found)
  }
  return found
}

const EPOCH = /^-?\d{1,11}$/
const MILLIS = /^-?\d{12,13}$/

export type DateParse = { ok: true; seconds: number } | { ok: false; reason: string }

/**
 * Epoch seconds for a cell in the given format. A date without a time is midnight UTC, like every
 * date-only value in the app (CleverTap's dashboard would take 12:00:00; the calendar date is the same).
 */
export function parseDateCell(text: string, format: DateFormat): DateParse {
  const value = text.trim()
  if (value.startsWith('$D_')) {
    const seconds = parseDateValue(value)
    return seconds === null
      ? { ok: false, reason: 'is not a valid $D_ date (expected $D_<epoch seconds> or $D_YYYYMMDD)' }
      : { ok: true, seconds }
  }
  if (format === 'auto') {
    const seconds = parseDateValue(value)
    if (seconds !== null) return { ok: true, seconds }
    if (MILLIS.test(value)) return { ok: false, reason: 'looks like milliseconds; dates take epoch seconds' }
    return {
      ok: false,
      reason:
        'is not a date (expected YYYY-MM-DD, an ISO date-time, $D_<epoch> or epoch seconds; choose a format for other spellings)',
    }
  }
  if (format === 'epoch') {
    if (MILLIS.test(value)) return { ok: false, reason: 'looks like milliseconds; dates take epoch seconds' }
    if (!EPOCH.test(value)) return { ok: false, reason: 'is not a Unix epoch (whole seconds)' }
    return { ok: true, seconds: Number(value) }
  }
  const { regex, order } = patternOf(format)
  const m = regex.exec(value)
  if (!m) return { ok: false, reason: `does not match the format ${format}` }
  let day: number
  let month: number
  let year: number
  const [a, b, c] = [m[1] ?? '', m[2] ?? '', m[3] ?? '']
  switch (order) {
    case 'dmy':
      ;[day, month, year] = [Number(a), Number(b), Number(c)]
      break
    case 'mdy':
      ;[month, day, year] = [Number(a), Number(b), Number(c)]
      break
    case 'ydm':
      ;[year, day, month] = [Number(a), Number(b), Number(c)]
      break
    case 'ymd':
      ;[year, month, day] = [Number(a), Number(b), Number(c)]
      break
    case 'dMy':
      day = Number(a)
      month = MONTHS.indexOf(b.toLowerCase()) + 1
      year = Number(c)
      break
  }
  if (!isValidCalendarDate(year, month, day)) {
    return { ok: false, reason: `is not a real date in the format ${format}` }
  }
  let seconds = daysFromCivil(year, month, day) * 86_400
  if (m[4] !== undefined) {
    const h = Number(m[4])
    const min = Number(m[5])
    const s = Number(m[6])
    if (h > 23 || min > 59 || s > 59)
      return { ok: false, reason: 'has an impossible time (24-hour clock, no AM/PM)' }
    seconds += h * 3600 + min * 60 + s
  }
  return { ok: true, seconds }
}

/** Formats tried on sample values, most specific first; the day-first order wins a tie (CleverTap lists it first). */
const CANDIDATES: readonly DateFormat[] = [
  'auto',
  'dd/MM/yyyy',
  'MM/dd/yyyy',
  'dd/MM/yyyy HH:mm:ss',
  'MM/dd/yyyy HH:mm:ss',
  'yyyy/MM/dd',
  'yyyy/dd/MM',
  'yyyy/MM/dd HH:mm:ss',
  'yyyy/dd/MM HH:mm:ss',
  'dd MMM yyyy',
  'dd MMM yyyy HH:mm:ss',
]

export interface DateGuess {
  format: DateFormat
  /** Set when another format reads the samples too (03/04/2020: 3 April or March 4). */
  ambiguousWith?: DateFormat
}

/** The format that reads every sample, if one does; epoch-looking numbers are left to number columns. */
export function guessDateFormat(samples: readonly string[]): DateGuess | null {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('$D_'))
  const dollar = samples.some((s) => s.trim().startsWith('$D_'))
  if (values.length === 0) return dollar ? { format: 'auto' } : null
  // Plain numbers are numbers, not dates, unless the header says otherwise (the caller decides).
  if (values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) return null
  // The format that reads most samples (a few broken dates must not hide the format of the rest).
  const scores = CANDIDATES.map((format) => values.filter((v) => parseDateCell(v, format).ok).length)
  const best = Math.max(...scores)
  if (best === 0 || best * 2 < values.length) return null
  const first = CANDIDATES[scores.indexOf(best)] as DateFormat
  const swapped: Partial<Record<DateFormat, DateFormat>> = {
    'dd/MM/yyyy': 'MM/dd/yyyy',
    'dd/MM/yyyy HH:mm:ss': 'MM/dd/yyyy HH:mm:ss',
    'yyyy/MM/dd': 'yyyy/dd/MM',
    'yyyy/MM/dd HH:mm:ss': 'yyyy/dd/MM HH:mm:ss',
  }
  const other = swapped[first]
  return other !== undefined && scores[CANDIDATES.indexOf(other)] === best
    ? { format: first, ambiguousWith: other }
    : { format: first }
}

// The formats a header can name: CleverTap's own (auto and epoch are Profile Desk's, never in a header).
const HEADER_FORMATS: readonly DateFormat[] = DATE_FORMATS.filter((f) => f !== 'auto' && f !== 'epoch')

/** Reads `Signup<dd/MM/yyyy>` headers (CleverTap's older CSV format): the name and the format. */
export function splitFormattedHeader(header: string): { name: string; format: DateFormat } | null {
  const m = /^(.*\S)\s*<([^<>]+)>$/.exec(header.trim())
  if (!m) return null
  const format = m[2]?.trim() as DateFormat
  return HEADER_FORMATS.includes(format) ? { name: m[1] as string, format } : null
}
