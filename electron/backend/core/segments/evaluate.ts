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
import { columnSource, jsonPath } from './column-sources'
import { dayRange, lastDaysStart } from './dates'
import type { Dictionary, Snapshot } from './snapshot'

export interface EvalContext {
  snapshot: Snapshot
  customTypes: ReadonlyMap<string, CustomPropertyType>
  nowMs: number
  /** The account's time zone: dates of conditions are its calendar days. */
  zone: string
}

/** A test of one stored value; the complement operators are derived from their positive twin. */
type Test<T> = (value: T) => boolean

const NEGATED: Partial<Record<Operator, Operator>> = {
  neq: 'eq',
  notContains: 'contains',
  notExists: 'exists',
}

function complement(mask: Uint8Array): Uint8Array {
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i] ? 0 : 1
  return mask
}

function asList(value: ConditionValue | undefined): Scalar[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** A test over folded text for a positive text operator. */
function textTest(op: Operator, value: ConditionValue | undefined): Test<string> {
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

/** Which dictionary codes pass: the test runs once per distinct value. */
function passingCodes(dict: Dictionary, test: Test<string>): Uint8Array {
  const pass = new Uint8Array(dict.folded.length)
  dict.folded.forEach((folded, code) => (pass[code] = test(folded) ? 1 : 0))
  return pass
}

/** [low, high) bounds of a numeric or date test; dates are calendar days of `zone`. */
function numericTest(op: Operator, value: ConditionValue | undefined, date: string | null): Test<number> {
  const list = asList(value)
  if (date !== null) {
    const [lo, hi] =
      op === 'between'
        ? [dayRange(String(list[0]), date)[0], dayRange(String(list[1]), date)[1]]
        : dayRange(String(list[0]), date)
    switch (op) {
      case 'eq':
      case 'between':
        return (v) => v >= lo && v < hi
      case 'gt':
        return (v) => v >= hi
      case 'gte':
        return (v) => v >= lo
      case 'lt':
        return (v) => v < lo
      case 'lte':
        return (v) => v < hi
      default:
        return (v) => v === v
    }
  }
  const nums = list.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : Number(v)))
  const a = nums[0] ?? NaN
  const b = nums[1] ?? NaN
  switch (op) {
    case 'eq':
      return (v) => v === a
    case 'in':
      return (v) => nums.includes(v)
    case 'gt':
      return (v) => v > a
    case 'gte':
      return (v) => v >= a
    case 'lt':
      return (v) => v < a
    case 'lte':
      return (v) => v <= a
    case 'between':
      return (v) => v >= a && v <= b
    default:
      // exists: any stored number (NaN is "none")
      return (v) => v === v
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

function ages(
  ctx: EvalContext,
  column: Extract<ReturnType<Snapshot['column']>, { kind: 'age' }>,
): Float64Array {
  const todays = column.zones.values.map((zone) => todayPacked(ctx.nowMs, zone))
  const utcToday = todayPacked(ctx.nowMs, 'UTC')
  const out = new Float64Array(column.birth.length)
  for (let id = 0; id < out.length; id++) {
    const birth = column.birth[id] as number
    const zone = column.zone[id] as number
    out[id] =
      birth !== 0
        ? ageFromPacked(birth, zone < 0 ? utcToday : (todays[zone] as number))
        : (column.explicit[id] as number)
  }
  return out
}

export function propertyMask(condition: PropertyCondition, ctx: EvalContext): Uint8Array {
  const negated = NEGATED[condition.op]
  if (negated) return complement(propertyMask({ ...condition, op: negated }, ctx))
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
  const column = ctx.snapshot.column(columnSource(condition.property, ctx.customTypes))
  const mask = new Uint8Array(ctx.snapshot.capacity)
  switch (column.kind) {
    case 'text': {
      const pass = op === 'exists' ? null : passingCodes(column.dict, textTest(op, value))
      const codes = column.codes
      for (let id = 0; id < mask.length; id++) {
        const code = codes[id] as number
        mask[id] = code >= 0 && (pass === null || pass[code] === 1) ? 1 : 0
      }
      return mask
    }
    case 'multi': {
      const pass = op === 'exists' ? null : passingCodes(column.dict, textTest(op, value))
      for (let id = 0; id < mask.length; id++) {
        const items = column.items[id]
        if (items === undefined) continue
        if (pass === null) mask[id] = 1
        else for (const code of items) if (pass[code] === 1) mask[id] = 1
      }
      return mask
    }
    default: {
      const values = column.kind === 'age' ? ages(ctx, column) : column.values
      const test = numericTest(op, value, dateZone(condition, ctx))
      for (let id = 0; id < mask.length; id++) {
        const v = values[id] as number
        mask[id] = v === v && test(v) ? 1 : 0
      }
      return mask
    }
  }
}

/** A test of an event property's value; the condition's value decides whether it compares numbers or text. */
function eventValueTest(where: EventPropertyCondition): Test<unknown> {
  const negated = NEGATED[where.op]
  if (negated) {
    const positive = eventValueTest({ ...where, op: negated })
    return (v) => !positive(v)
  }
  if (where.op === 'exists') return (v) => v !== null && v !== undefined && v !== ''
  const sample = asList(where.value)[0]
  if (typeof sample === 'number' || typeof sample === 'boolean') {
    const test = numericTest(where.op, where.value, null)
    return (v) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && test(Number(v))
  }
  const test = textTest(where.op, where.value)
  return (v) => (typeof v === 'string' || typeof v === 'number') && test(foldText(String(v)))
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
  const whereTest = where ? eventValueTest(where) : null
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
