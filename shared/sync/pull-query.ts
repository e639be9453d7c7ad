// What a pull asks the download API for (CLEVERTAP-API.md §4): an event, a date range and profile-field
// filters in CleverTap's query language; the default, the request body and a sentence saying what a
// pull covers. Plain values and functions (no zod), shared by the backend, the CLI and the renderer.

/** CleverTap's query-language operators for profile fields (CLEVERTAP-API.md §4). */
export const FIELD_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'does_not_contain',
  'exists',
  'does_not_exist',
  'greater_than',
  'greater_than_equals',
  'less_than',
  'less_than_equals',
] as const
export type FieldOperator = (typeof FIELD_OPERATORS)[number]

/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly FieldOperator[] = ['exists', 'does_not_exist']
/** Operators that compare numbers. */
export const NUMERIC_OPERATORS: readonly FieldOperator[] = [
  'greater_than',
  'greater_than_equals',
  'less_than',
  'less_than_equals',
]

export const OPERATOR_WORDS: Readonly<Record<FieldOperator, string>> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  does_not_contain: 'does not contain',
  exists: 'is set',
  does_not_exist: 'is not set',
  greater_than: 'is greater than',
  greater_than_equals: 'is at least',
  less_than: 'is less than',
  less_than_equals: 'is at most',
}

export interface FieldFilter {
  /** A profile property as CleverTap names it (e.g. Email, Plan, Customer Type). */
  name: string
  operator: FieldOperator
  /** Absent for exists / does_not_exist; a number for the comparisons. */
  value?: string | number
}

export interface PullQuery {
  /** The event the profiles did; null: the default (DEFAULT_EVENT on CleverTap's own hosts). */
  eventName: string | null
  /** First day, as YYYYMMDD; null: the earliest (EARLIEST_DATE). */
  from: number | null
  /** Last day, as YYYYMMDD; null: today, when the pull starts. */
  to: number | null
  /** All must hold (CleverTap's common_profile_properties.profile_fields). */
  profileFields: FieldFilter[]
}

export const DEFAULT_PULL_QUERY: PullQuery = { eventName: null, from: null, to: null, profileFields: [] }

/**
 * The download API only pages through profiles that did an event (it has no "every profile" query).
 * [I] App Launched is the event every session of an app or website with CleverTap's SDK records, so
 * it reaches the most profiles one query can; profiles that never ran an SDK (only uploaded) are the
 * ones it misses (docs/ARCHITECTURE.md, Sync).
 */
export const DEFAULT_EVENT = 'App Launched'
/** [I] No CleverTap account has events before the service started (2013). */
export const EARLIEST_DATE = 20130101
/** Filters per query: enough for any real segment, small enough to keep a query readable. */
export const MAX_FIELD_FILTERS = 20

export type RemoteKind = 'region' | 'url'

/** Whether n is a real calendar date written YYYYMMDD, from 1970 to 2999. */
export function isQueryDate(n: number): boolean {
  if (!Number.isInteger(n) || n < 19700101 || n > 29991231) return false
  const year = Math.floor(n / 10000)
  const month = Math.floor(n / 100) % 100
  const day = n % 100
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** YYYYMMDD of a date given as YYYY-MM-DD or YYYYMMDD text; null when it is neither. */
export function parseQueryDate(text: string): number | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text.trim())
  if (!match) return null
  const n = Number(`${match[1]}${match[2]}${match[3]}`)
  return isQueryDate(n) ? n : null
}

/** YYYY-MM-DD of a YYYYMMDD number. */
export function formatQueryDate(n: number): string {
  const text = String(n).padStart(8, '0')
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`
}

/**
 * "Today" for a query: the date in the easternmost time zone (UTC+14). [I] CleverTap reads the dates in
 * the account's time zone, which the API does not tell; the easternmost date is never earlier than the
 * account's own, so nothing done today is left out.
 */
export function todayForQuery(nowMs: number): number {
  const date = new Date(nowMs + 14 * 3600 * 1000)
  return date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate()
}

/**
 * The event a pull asks for: the query's, else the default. A custom base URL (the sandbox, a
 * compatible gateway) is asked without an event, for every profile, as the sandbox allows; CleverTap's
 * own hosts need one.
 */
export function eventFor(query: PullQuery, remote: RemoteKind): string | null {
  return query.eventName ?? (remote === 'region' ? DEFAULT_EVENT : null)
}

/** The POST /1/profiles.json body for a query (CLEVERTAP-API.md §4). */
export function queryBody(query: PullQuery, remote: RemoteKind, nowMs: number): Record<string, unknown> {
  const event = eventFor(query, remote)
  const body: Record<string, unknown> =
    event === null
      ? {}
      : { event_name: event, from: query.from ?? EARLIEST_DATE, to: query.to ?? todayForQuery(nowMs) }
  if (query.profileFields.length > 0) {
    body.common_profile_properties = {
      profile_fields: query.profileFields.map((field) =>
        field.value === undefined
          ? { name: field.name, operator: field.operator }
          : { name: field.name, operator: field.operator, value: field.value },
      ),
    }
  }
  return body
}

function describeField(field: FieldFilter): string {
  const value = field.value === undefined ? '' : ` ${JSON.stringify(field.value)}`
  return `${field.name} ${OPERATOR_WORDS[field.operator]}${value}`
}

/** One sentence saying which profiles a pull with this query downloads. */
export function describePullQuery(query: PullQuery, remote: RemoteKind): string {
  const event = eventFor(query, remote)
  const where =
    query.profileFields.length === 0 ? '' : `, where ${query.profileFields.map(describeField).join(' and ')}`
  if (event === null) {
    const dates = query.from !== null || query.to !== null ? ' (a date range applies only with an event)' : ''
    return (
      `Every profile on the server${where}: this server is asked without an event${dates}. ` +
      "CleverTap's own API needs one."
    )
  }
  const from = formatQueryDate(query.from ?? EARLIEST_DATE)
  const to = query.to === null ? 'today' : formatQueryDate(query.to)
  const sentence = `Profiles that did ${JSON.stringify(event)} from ${from} to ${to}${where}.`
  if (query.eventName === null) {
    return (
      `${sentence} That is every profile that used an app or website with CleverTap's SDK; ` +
      'profiles that were only uploaded, with no such event, are not included (choose an event they have).'
    )
  }
  return sentence
}
