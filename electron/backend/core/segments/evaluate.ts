// One condition of a segment as a mask over the snapshot (1 = the profile with that internal id matches):
// text compared folded over the distinct values, numbers and dates by range, Age from the shared rule,
// behaviour by counting the events stored on each profile. Negations (not equals, does not contain,
// does not exist, did not) are exact complements: a profile without the property "does not equal" x.
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
import { complement, type MaskPool } from './masks'
import type { Dictionary, Snapshot } from './snapshot'
import type { NumTally, Tallies } from './tallies'
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
  /** Where masks come from (and go back to once read). */
  pool: MaskPool
  /** Ages and per-value counts kept for the snapshot's generation. */
  tallies: Tallies
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
    const mask = keyedMask(ctx.db, keyed, ctx.pool.take(ctx.snapshot.capacity))
    return keyed.negated ? complement(mask) : mask
  }
  const plan = planProperty(condition, ctx)
  const mask = positiveMask(plan, ctx)
  return plan.negated ? complement(mask) : mask
}

function positiveMask(plan: PropertyPlan, ctx: EvalContext): Uint8Array {
  const column = ctx.snapshot.column(plan.source)
  const size = ctx.snapshot.capacity
  switch (column.kind) {
    case 'text': {
      const mask = ctx.pool.take(size, false)
      const pass = passingCodes(column.dict, plan.text)
      const codes = column.codes
      for (let id = 0; id < mask.length; id++) mask[id] = pass[(codes[id] as number) + 1] as number
      return mask
    }
    case 'multi': {
      const mask = ctx.pool.take(size)
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
      return rangeMask(ctx.pool.take(size, false), ctx.tallies.ageOf(column, ctx.nowMs), plan.range)
    default:
      return rangeMask(ctx.pool.take(size, false), column.values, plan.range)
  }
}

/** 1 where the value is in the range, else 0 (every byte written). */
function rangeMask(mask: Uint8Array, values: Float64Array, r: NumRange): Uint8Array {
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

/**
 * A one-condition count without a mask: from the existing profiles per dictionary code (text) or per
 * distinct value (numbers, dates, Age), summed over the values the test keeps. Null when a pass over the
 * profiles is needed (Name/Email keys, multi-value lists, a numeric column with many distinct values).
 */
export function propertyCount(condition: PropertyCondition, ctx: EvalContext): number | null {
  if (keyedText(condition)) return null
  const plan = planProperty(condition, ctx)
  const positive = positiveCount(plan, ctx)
  if (positive === null) return null
  // The complement's members are the existing profiles the positive test does not keep.
  return plan.negated ? ctx.snapshot.profileCount() - positive : positive
}

function positiveCount(plan: PropertyPlan, ctx: EvalContext): number | null {
  const column = ctx.snapshot.column(plan.source)
  switch (column.kind) {
    case 'text': {
      const pass = passingCodes(column.dict, plan.text)
      const counts = ctx.tallies.textCounts(column)
      let n = 0
      for (let i = 0; i < pass.length; i++) if (pass[i] === 1) n += counts[i] as number
      return n
    }
    case 'multi':
      return null
    case 'age': {
      const ages = ctx.tallies.ageOf(column, ctx.nowMs)
      return rangeCount(ctx.tallies.numCounts(ages, ages), plan.range)
    }
    default:
      return rangeCount(ctx.tallies.numCounts(column, column.values), plan.range)
  }
}

/** The profiles whose value the range keeps, summed over the distinct values (same test as rangeMask). */
function rangeCount(tally: NumTally | null, r: NumRange): number | null {
  if (tally === null) return null
  let n = 0
  for (let i = 0; i < tally.values.length; i++)
    if (inRange(r, tally.values[i] as number)) n += tally.counts[i] as number
  return n
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
  const counts = ctx.pool.counts(snapshot.capacity)
  for (let i = 0; i < events.length; i++) {
    const ts = events.ts[i] as number
    if (ts < lo || ts >= hi) continue
    if (whereTest && !whereTest((props as unknown[])[i])) continue
    const profile = events.profile[i] as number
    if (profile < counts.length) counts[profile] = (counts[profile] as number) + 1
  }
  const { op, n } = condition.count ?? { op: 'gte', n: 1 }
  const mask = ctx.pool.take(snapshot.capacity, false)
  for (let id = 0; id < mask.length; id++) {
    const c = counts[id] as number
    const did = op === 'gte' ? c >= n : c <= n
    mask[id] = did === condition.did ? 1 : 0
  }
  return mask
}
