// One condition of a segment as a mask over the snapshot (1 = the profile with that internal id matches):
// text compared folded over the distinct values, numbers and dates by range, Age from the shared rule,
// behaviour by counting the events stored on each profile. Negations (not equals, does not contain,
// does not exist, did not) are exact complements: a profile without the property "does not equal" x.
import { ageFromPacked, todayPacked } from '../../../../shared/profile/identity'
import { foldText } from '../../../../shared/profile/search-keys'
import { codesFor, type ReachFilterAnswer } from '../../../../shared/reachability/filter'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type {
  BehaviourCondition,
  ConditionValue,
  EventPropertyCondition,
  Operator,
  PropertyCondition,
  Scalar,
} from '../../../../shared/segments/definition'
import { columnSource, jsonPath, type ColumnSource } from './column-sources'
import { dayRange, lastDaysStart } from './dates'
import { complement } from './masks'
import type { Column, Dictionary, Snapshot } from './snapshot'
import { keyedMask, keyedText } from './text-keys'
import type { Db } from '../db/connection'

export interface EvalContext {
  /** The engine's read connection (for what is answered from indexes). */
  db: Db
  snapshot: Snapshot
  customTypes: ReadonlyMap<string, CustomPropertyType>
  nowMs: number
  /** The account's time zone: dates of conditions are its calendar days. */
  zone: string
}

/** A test of one stored value; the complement operators are derived from their positive twin. */
export type Test<T> = (value: T) => boolean

const NEGATED: Partial<Record<Operator, Operator>> = {
  neq: 'eq',
  notContains: 'contains',
  notExists: 'exists',
}

function asList(value: ConditionValue | undefined): Scalar[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** A test over folded text for a positive text operator. */
export function textTest(op: Operator, value: ConditionValue | undefined): Test<string> {
  const wanted = asList(value).map((v) => foldText(String(v)))
  const first = wanted[0] ?? ''
  switch (op) {
    case 'eq':
    case 'containsItem':
      return (folded) => folded === first
    case 'in':
      return (folded) => wanted.includes(folded)
    case 'contains':
      return (folded) => folded.includes(first)
    case 'startsWith':
      return (folded) => folded.startsWith(first)
    default:
      return () => true
  }
}

/**
 * Which dictionary codes pass, indexed by code + 1 (slot 0 is "no value", code -1): the test runs once
 * per distinct value and the loop over profiles is one table read each.
 */
function passingCodes(dict: Dictionary, test: Test<string> | null): Uint8Array {
  const pass = new Uint8Array(dict.folded.length + 1)
  dict.folded.forEach((folded, code) => (pass[code + 1] = test === null || test(folded) ? 1 : 0))
  return pass
}

/**
 * The values a numeric or date test keeps, as one range (or a list for `in`): a single, monomorphic
 * comparison in the loops over a million profiles instead of a closure per operator. NaN ("none")
 * fails every comparison.
 */
export interface NumRange {
  lo: number
  hi: number
  loOpen: boolean
  hiOpen: boolean
  list: number[] | null
}

const EVERY: NumRange = { lo: -Infinity, hi: Infinity, loOpen: false, hiOpen: false, list: null }

export function inRange(r: NumRange, v: number): boolean {
  if (r.list !== null) return r.list.includes(v)
  return v >= r.lo && v <= r.hi && !(r.loOpen && v === r.lo) && !(r.hiOpen && v === r.hi)
}

/** The range of a numeric or date test; dates are calendar days of `date` ([start, end) instants). */
export function numericRange(op: Operator, value: ConditionValue | undefined, date: string | null): NumRange {
  const list = asList(value)
  const range = (lo: number, hi: number, loOpen = false, hiOpen = false): NumRange => ({
    lo,
    hi,
    loOpen,
    hiOpen,
    list: null,
  })
  if (date !== null) {
    const [lo, hi] =
      op === 'between'
        ? [dayRange(String(list[0]), date)[0], dayRange(String(list[1]), date)[1]]
        : dayRange(String(list[0]), date)
    switch (op) {
      case 'eq':
      case 'between':
        return range(lo, hi, false, true)
      case 'gt':
        return range(hi, Infinity)
      case 'gte':
        return range(lo, Infinity)
      case 'lt':
        return range(-Infinity, lo, false, true)
      case 'lte':
        return range(-Infinity, hi, false, true)
      default:
        return EVERY
    }
  }
  const nums = list.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v)))
  const a = nums[0] ?? NaN
  const b = nums[1] ?? NaN
  switch (op) {
    case 'eq':
      return range(a, a)
    case 'in':
      return { ...EVERY, list: nums }
    case 'gt':
      return range(a, Infinity, true)
    case 'gte':
      return range(a, Infinity)
    case 'lt':
      return range(-Infinity, a, false, true)
    case 'lte':
      return range(-Infinity, a)
    case 'between':
      return range(a, b)
    default:
      // exists: any stored number
      return EVERY
  }
}

/** The zone a date condition reads its days in: DOB is a calendar date stored at midnight UTC. */
function dateZone(condition: PropertyCondition, ctx: EvalContext): string | null {
  const { property } = condition
  const isDate =
    property.kind === 'created' ||
    property.kind === 'lastSeen' ||
    (property.kind === 'system' && property.key === 'DOB') ||
    (property.kind === 'custom' && ctx.customTypes.get(property.key) === 'date')
  if (!isDate || condition.op === 'exists') return null
  return property.kind === 'system' ? 'UTC' : ctx.zone
}

/** Age by the shared rule (ageFromPacked, today read in the profile's zone), else the explicit Age. */
function ageMask(
  mask: Uint8Array,
  column: Extract<Column, { kind: 'age' }>,
  r: NumRange,
  nowMs: number,
): Uint8Array {
  const todays = Int32Array.from(column.zones.values.map((zone) => todayPacked(nowMs, zone)))
  const utcToday = todayPacked(nowMs, 'UTC')
  const { birth, zone, explicit } = column
  for (let id = 0; id < mask.length; id++) {
    const b = birth[id] as number
    const z = zone[id] as number
    const age =
      b !== 0 ? ageFromPacked(b, z < 0 ? utcToday : (todays[z] as number)) : (explicit[id] as number)
    mask[id] = inRange(r, age) ? 1 : 0
  }
  return mask
}

/**
 * What a property condition tests, whatever holds the values: the column it reads, the positive test
 * (text: over folded values, null = any value; numbers, dates and Age: a range) and whether the answer is
 * its complement. The snapshot's masks and the SQL fallback (sql-fallback.ts) both run it.
 */
export interface PropertyPlan {
  source: ColumnSource
  negated: boolean
  text: Test<string> | null
  range: NumRange
}

export function planProperty(condition: PropertyCondition, ctx: EvalContext): PropertyPlan {
  const negatedTo = NEGATED[condition.op]
  if (negatedTo) return { ...planProperty({ ...condition, op: negatedTo }, ctx), negated: true }
  // Reachability is stored as the shared rules' code per channel: an answer stands for one code or several.
  const reach = condition.property.kind === 'reachable' && condition.op === 'eq'
  const op = reach ? 'in' : condition.op
  // The profile type is stored as `identified` (1 / 0).
  const value =
    condition.property.kind === 'type'
      ? asList(condition.value).map((v) => (v === 'Identified' ? 1 : 0))
      : reach
        ? codesFor(condition.value as ReachFilterAnswer)
        : condition.value
  const source = columnSource(condition.property, ctx.customTypes)
  const textual = source.kind === 'text' || source.kind === 'multi'
  return {
    source,
    negated: false,
    text: textual && op !== 'exists' ? textTest(op, value) : null,
    range: textual ? EVERY : numericRange(op, value, source.kind === 'age' ? null : dateZone(condition, ctx)),
  }
}

export function propertyMask(condition: PropertyCondition, ctx: EvalContext): Uint8Array {
  // Name and Email contains / starts with: from their keys' indexes, no column of every name is read.
  const keyed = keyedText(condition)
  if (keyed) {
    const mask = keyedMask(ctx.db, keyed, new Uint8Array(ctx.snapshot.capacity))
    return keyed.negated ? complement(mask) : mask
  }
  const plan = planProperty(condition, ctx)
  const mask = positiveMask(plan, ctx)
  return plan.negated ? complement(mask) : mask
}

function positiveMask(plan: PropertyPlan, ctx: EvalContext): Uint8Array {
  const column = ctx.snapshot.column(plan.source)
  const mask = new Uint8Array(ctx.snapshot.capacity)
  switch (column.kind) {
    case 'text': {
      const pass = passingCodes(column.dict, plan.text)
      const codes = column.codes
      for (let id = 0; id < mask.length; id++) mask[id] = pass[(codes[id] as number) + 1] as number
      return mask
    }
    case 'multi': {
      const exists = plan.text === null
      const pass = passingCodes(column.dict, plan.text)
      for (let id = 0; id < mask.length; id++) {
        const items = column.items[id]
        if (items === undefined) continue
        if (exists) mask[id] = 1
        else for (const code of items) if (pass[code + 1] === 1) mask[id] = 1
      }
      return mask
    }
    case 'age':
      return ageMask(mask, column, plan.range, ctx.nowMs)
    default: {
      const values = column.values
      const r = plan.range
      if (r.list !== null) {
        for (let id = 0; id < mask.length; id++) mask[id] = inRange(r, values[id] as number) ? 1 : 0
        return mask
      }
      const { lo, hi, loOpen, hiOpen } = r
      for (let id = 0; id < mask.length; id++) {
        const v = values[id] as number
        mask[id] = v >= lo && v <= hi && !(loOpen && v === lo) && !(hiOpen && v === hi) ? 1 : 0
      }
      return mask
    }
  }
}

/** A test of an event property's value; the condition's value decides whether it compares numbers or text. */
export function eventValueTest(where: EventPropertyCondition): Test<unknown> {
  const negated = NEGATED[where.op]
  if (negated) {
    const positive = eventValueTest({ ...where, op: negated })
    return (v) => !positive(v)
  }
  if (where.op === 'exists') return (v) => v !== null && v !== undefined && v !== ''
  const sample = asList(where.value)[0]
  if (typeof sample === 'number' || typeof sample === 'boolean') {
    const range = numericRange(where.op, where.value, null)
    return (v) =>
      (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && inRange(range, Number(v))
  }
  const test = textTest(where.op, where.value)
  return (v) => (typeof v === 'string' || typeof v === 'number') && test(foldText(String(v)))
}

/** The test run once per distinct value (event properties repeat: currencies, plans, product ids). */
export function remembered(test: Test<unknown>): Test<unknown> {
  const seen = new Map<unknown, boolean>()
  return (value) => {
    let answer = seen.get(value)
    if (answer === undefined) {
      answer = test(value)
      seen.set(value, answer)
    }
    return answer
  }
}

export function behaviourMask(condition: BehaviourCondition, ctx: EvalContext): Uint8Array {
  const { snapshot } = ctx
  const events = snapshot.eventColumn(condition.event)
  const window = condition.window
  const [lo, hi] =
    window === undefined
      ? [-Infinity, Infinity]
      : window.kind === 'lastDays'
        ? [lastDaysStart(window.days, ctx.nowMs, ctx.zone), Infinity]
        : [dayRange(window.from, ctx.zone)[0], dayRange(window.to, ctx.zone)[1]]
  const where = condition.where
  const props = where ? snapshot.eventProps(condition.event, events, where.key, jsonPath(where.key)) : null
  const whereTest = where ? remembered(eventValueTest(where)) : null
  const counts = new Uint32Array(snapshot.capacity)
  for (let i = 0; i < events.length; i++) {
    const ts = events.ts[i] as number
    if (ts < lo || ts >= hi) continue
    if (whereTest && !whereTest((props as unknown[])[i])) continue
    const profile = events.profile[i] as number
    if (profile < counts.length) counts[profile] = (counts[profile] as number) + 1
  }
  const { op, n } = condition.count ?? { op: 'gte', n: 1 }
  const mask = new Uint8Array(snapshot.capacity)
  for (let id = 0; id < mask.length; id++) {
    const c = counts[id] as number
    const did = op === 'gte' ? c >= n : c <= n
    mask[id] = did === condition.did ? 1 : 0
  }
  return mask
}
