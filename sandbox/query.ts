// The sandbox's part of CleverTap's query language (CLEVERTAP-API.md §4) for downloads: an event with
// its date range (`event_name`, `from`, `to`) and `common_profile_properties.profile_fields` with every
// operator. Other parts of a query (event_properties, demographics, …) are refused, so a test never
// believes a filter applied when it did not.

import { findSystemProperty } from '../shared/profile/catalogue'
import { daysFromCivil } from '../shared/profile/validators-dates'
import { FIELD_OPERATORS, isQueryDate, VALUELESS_OPERATORS } from '../shared/sync/pull-query'
import { catalogueKeyOfWire } from '../shared/sync/wire-keys'
import type { EventCondition, FieldCondition, ParsedQuery } from './query-types'
import type { SandboxStore, StoredProfile } from './store'

export type { EventCondition, FieldCondition, ParsedQuery } from './query-types'

const SECONDS_PER_DAY = 86400
/** The query keys the sandbox reads; any other key is refused rather than silently ignored. */
const KNOWN_KEYS = new Set(['event_name', 'from', 'to', 'common_profile_properties'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Epoch seconds of 00:00 UTC on a YYYYMMDD day. [I] The sandbox's account time zone is UTC. */
function dayStart(yyyymmdd: number): number {
  const year = Math.floor(yyyymmdd / 10000)
  const month = Math.floor(yyyymmdd / 100) % 100
  return daysFromCivil(year, month, yyyymmdd % 100) * SECONDS_PER_DAY
}

function readEvent(query: Record<string, unknown>): EventCondition | null | string {
  const name = query.event_name
  if (name === undefined) {
    if (query.from !== undefined || query.to !== undefined) return 'from and to need an event_name'
    return null
  }
  if (typeof name !== 'string' || name.trim() === '') return 'event_name must be a non-empty string'
  const dates: number[] = []
  for (const key of ['from', 'to'] as const) {
    const value = query[key]
    if (typeof value !== 'number' || !isQueryDate(value)) {
      return `${key} must be a date written as a YYYYMMDD integer, e.g. 20240131 (got ${JSON.stringify(value)})`
    }
    dates.push(value)
  }
  const [from, to] = dates as [number, number]
  if (from > to) return `from (${from}) is after to (${to})`
  return { name, fromTs: dayStart(from), untilTs: dayStart(to) + SECONDS_PER_DAY }
}

function readFields(query: Record<string, unknown>): FieldCondition[] | string {
  const common = query.common_profile_properties
  if (common === undefined) return []
  if (!isPlainObject(common)) return 'common_profile_properties must be an object'
  const unknown = Object.keys(common).filter((key) => key !== 'profile_fields')
  if (unknown.length > 0) return `common_profile_properties.${unknown[0]} is not supported by the sandbox`
  const fields = common.profile_fields
  if (fields === undefined) return []
  if (!Array.isArray(fields)) return 'profile_fields must be a list'
  const conditions: FieldCondition[] = []
  for (const field of fields as unknown[]) {
    if (!isPlainObject(field) || typeof field.name !== 'string' || field.name === '') {
      return 'each profile_fields entry needs a name'
    }
    const raw = typeof field.operator === 'string' ? field.operator.toLowerCase() : 'equals'
    const operator = FIELD_OPERATORS.find((candidate) => candidate === raw)
    if (operator === undefined) {
      return `operator ${JSON.stringify(field.operator)} is not one of ${FIELD_OPERATORS.join(', ')}`
    }
    const value = field.value
    if (VALUELESS_OPERATORS.includes(operator)) {
      conditions.push({ name: field.name, operator })
      continue
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return `profile_fields value for ${JSON.stringify(field.name)} must be text, a number or a boolean`
    }
    conditions.push({ name: field.name, operator, value })
  }
  return conditions
}

/** A download's query body, or what is wrong with it. An empty body asks for every profile. */
export function parseQuery(query: unknown): ParsedQuery | string {
  if (query === undefined || query === null) return { event: null, fields: [] }
  if (!isPlainObject(query)) return 'the query must be a JSON object'
  const unknown = Object.keys(query).filter((key) => !KNOWN_KEYS.has(key))
  if (unknown.length > 0) return `${unknown[0]} is not supported by the sandbox's query language`
  const event = readEvent(query)
  if (typeof event === 'string') return event
  const fields = readFields(query)
  if (typeof fields === 'string') return fields
  return { event, fields }
}

/** The profile's values for a field name: identifiers by kind, properties by catalogue or custom key. */
function valuesOf(store: SandboxStore, profile: StoredProfile, name: string): string[] | number[] | null {
  const lower = name.toLowerCase()
  if (lower === 'identity' || lower === 'fbid' || lower === 'gpid') {
    const values = store
      .identifiersOf(profile.seq)
      .filter((id) => id.kind === lower)
      .map((id) => id.value)
    return values.length > 0 ? values : null
  }
  const key = findSystemProperty(catalogueKeyOfWire(name))?.key ?? name
  const stored = profile.props[key]
  if (stored === undefined) return null
  if (Array.isArray(stored)) return stored
  return typeof stored === 'number' ? [stored] : [String(stored)]
}

function holds(condition: FieldCondition, values: string[] | number[] | null): boolean {
  const { operator } = condition
  if (operator === 'exists') return values !== null
  if (operator === 'does_not_exist') return values === null
  // [I] A profile without the property never matches a positive condition and always matches a negative one.
  if (operator === 'not_equals') return !holds({ ...condition, operator: 'equals' }, values)
  if (operator === 'does_not_contain') return !holds({ ...condition, operator: 'contains' }, values)
  if (values === null) return false
  const wanted = String(condition.value)
  const items = (values as (string | number)[]).map(String)
  // [I] Text compares ignoring case, as segment filters read in the dashboard.
  if (operator === 'equals') return items.some((item) => item.toLowerCase() === wanted.toLowerCase())
  if (operator === 'contains') return items.some((item) => item.toLowerCase().includes(wanted.toLowerCase()))
  const limit = Number(condition.value)
  return items.some((item) => {
    const n = Number(item)
    if (item.trim() === '' || !Number.isFinite(n) || !Number.isFinite(limit)) return false
    if (operator === 'greater_than') return n > limit
    if (operator === 'greater_than_equals') return n >= limit
    if (operator === 'less_than') return n < limit
    return n <= limit
  })
}

/** Whether a profile is part of a download: it did the event in the range, and every field holds. */
export function matchesQuery(store: SandboxStore, profile: StoredProfile, query: ParsedQuery): boolean {
  if (
    query.event &&
    !store.didEvent(profile.seq, query.event.name, query.event.fromTs, query.event.untilTs)
  ) {
    return false
  }
  return query.fields.every((condition) => holds(condition, valuesOf(store, profile, condition.name)))
}
