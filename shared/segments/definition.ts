// A segment's definition: plain, versioned JSON that the builder edits, the engine counts, the command
// line writes and a person exports. Zod-free (the renderer imports it); the boundary schemas are in
// ../ipc/channels/segments.ts and check the same shapes.
import { SYSTEM_PROPERTIES, findSystemProperty } from '../profile/catalogue'
import type { CustomPropertyType } from '../profile/types'
import { REACH_FILTER_ANSWERS } from '../reachability/filter'
import { CHANNEL_LABELS, CHANNELS, type Channel } from '../reachability/rules'

export const SEGMENT_DEFINITION_VERSION = 1

export type Join = 'and' | 'or'

/**
 * What a property condition looks at. `system` is a catalogue property by its CleverTap key (Name, Email,
 * Phone, Gender, DOB, MSG-email, …); `custom` a custom property key. The others are derived from the
 * profile. `reachable` is the profile's answer on a channel (the stored code the shared reachability rules
 * wrote; its values are REACH_FILTER_ANSWERS: reachable, not-reachable, or one reason). Code that switches
 * on `kind` ends with a default branch that refuses an unknown kind by name.
 */
export type PropertyRef =
  | { kind: 'system'; key: string }
  | { kind: 'custom'; key: string }
  | { kind: 'age' }
  | { kind: 'type' }
  | { kind: 'test' }
  | { kind: 'excluded' }
  | { kind: 'created' }
  | { kind: 'lastSeen' }
  | { kind: 'reachable'; channel: Channel }

export type PropertyKind = PropertyRef['kind']

/** How a property's values are compared. `enum` is the profile type (Anonymous / Identified). */
export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'multi' | 'enum'

export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'contains',
  'notContains',
  'startsWith',
  'exists',
  'notExists',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'containsItem',
] as const
export type Operator = (typeof OPERATORS)[number]

/**
 * A condition's value. Strings for text, numbers for numbers, true/false for booleans, calendar dates as
 * 'YYYY-MM-DD' (read in the account's time zone; DOB, a calendar date itself, compares by its date). `in`
 * takes a list; `between` takes [low, high], both inclusive; exists / notExists take none.
 */
export type Scalar = string | number | boolean
export type ConditionValue = Scalar | Scalar[]

export interface PropertyCondition {
  type: 'property'
  property: PropertyRef
  op: Operator
  value?: ConditionValue
}

/** The time window of a behaviour condition: the last N calendar days (today included) or two dates. */
export type EventWindow = { kind: 'lastDays'; days: number } | { kind: 'between'; from: string; to: string }

/** A condition on the events' own properties ("where Currency = EUR"). */
export interface EventPropertyCondition {
  key: string
  op: Operator
  value?: ConditionValue
}

/**
 * Did (or did not) do EVENT: at least once by default; `count` asks for at least / at most n times (at
 * most n includes profiles that never did it). Counted on the profile the events are stored on: a
 * profile's pre-login events count (Scenario 1); the greyed events of a linked anonymous profile count only
 * for that anonymous profile (Scenario 2).
 */
export interface BehaviourCondition {
  type: 'behaviour'
  did: boolean
  event: string
  count?: { op: 'gte' | 'lte'; n: number }
  window?: EventWindow
  where?: EventPropertyCondition
}

export type Condition = PropertyCondition | BehaviourCondition

/** Conditions joined by AND or OR, one level deep (a group holds no groups). */
export interface ConditionGroup {
  type: 'group'
  join: Join
  conditions: Condition[]
}

export type DefinitionItem = Condition | ConditionGroup

/** The whole segment: top-level items joined by `join`. No items means every profile. */
export interface SegmentDefinition {
  version: typeof SEGMENT_DEFINITION_VERSION
  join: Join
  conditions: DefinitionItem[]
}

export const MAX_DEFINITION_ITEMS = 50
export const MAX_GROUP_CONDITIONS = 50
export const MAX_IN_VALUES = 1000

export function emptyDefinition(join: Join = 'and'): SegmentDefinition {
  return { version: SEGMENT_DEFINITION_VERSION, join, conditions: [] }
}

/** The file a saved segment is exported to and imported from. */
export const SEGMENT_FILE_FORMAT = 'profile-desk.segment'
export const SEGMENT_FILE_VERSION = 1
export interface SegmentFile {
  format: typeof SEGMENT_FILE_FORMAT
  version: typeof SEGMENT_FILE_VERSION
  name: string
  definition: SegmentDefinition
}

export function segmentFile(name: string, definition: SegmentDefinition): SegmentFile {
  return { format: SEGMENT_FILE_FORMAT, version: SEGMENT_FILE_VERSION, name, definition }
}

const OPS_BY_TYPE: Readonly<Record<ValueType, readonly Operator[]>> = {
  string: ['eq', 'neq', 'in', 'contains', 'notContains', 'startsWith', 'exists', 'notExists'],
  number: ['eq', 'neq', 'in', 'gt', 'gte', 'lt', 'lte', 'between', 'exists', 'notExists'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'exists', 'notExists'],
  boolean: ['eq', 'neq', 'exists', 'notExists'],
  multi: ['containsItem', 'exists', 'notExists'],
  enum: ['eq', 'neq'],
}

/** The operators that fit a value type, in the order a builder offers them. */
export function operatorsFor(type: ValueType): readonly Operator[] {
  return OPS_BY_TYPE[type]
}

export function operatorFits(type: ValueType, op: Operator): boolean {
  return OPS_BY_TYPE[type].includes(op)
}

/** Operators that take no value. */
export function isValueless(op: Operator): boolean {
  return op === 'exists' || op === 'notExists'
}

/**
 * The value type of a property. Custom keys take their account-wide type (`customTypes`); an unknown
 * custom key has none (null). ct_is_test_user is asked as `test`; the type as `enum`.
 */
export function valueTypeOf(
  property: PropertyRef,
  customTypes: ReadonlyMap<string, CustomPropertyType> | Readonly<Record<string, CustomPropertyType>>,
): ValueType | null {
  switch (property.kind) {
    case 'system':
      return findSystemProperty(property.key)?.type ?? null
    case 'custom':
      return customTypes instanceof Map
        ? (customTypes.get(property.key) ?? null)
        : ((customTypes as Readonly<Record<string, CustomPropertyType>>)[property.key] ?? null)
    case 'age':
      return 'number'
    case 'type':
      return 'enum'
    case 'test':
    case 'excluded':
      return 'boolean'
    case 'created':
    case 'lastSeen':
      return 'date'
    case 'reachable':
      return (CHANNELS as readonly string[]).includes(property.channel) ? 'enum' : null
    default:
      return null
  }
}

/** The fixed values of an enumeration or catalogue option list (Gender: M/F/O/U), for a select input. */
export function optionsOf(property: PropertyRef): readonly string[] | null {
  if (property.kind === 'type') return ['Anonymous', 'Identified']
  if (property.kind === 'reachable') return REACH_FILTER_ANSWERS
  if (property.kind === 'system') return findSystemProperty(property.key)?.options ?? null
  return null
}

/** Derived properties by the names the command line and column lists use. */
export const DERIVED_NAMES: Readonly<Record<string, PropertyRef>> = {
  Age: { kind: 'age' },
  type: { kind: 'type' },
  test: { kind: 'test' },
  excluded: { kind: 'excluded' },
  created: { kind: 'created' },
  lastSeen: { kind: 'lastSeen' },
}

/** The reachability properties by channel, in CHANNELS order (`reachable.email`, …). */
export const REACHABILITY_PROPERTIES: readonly PropertyRef[] = CHANNELS.map((channel) => ({
  kind: 'reachable' as const,
  channel,
}))

/** System properties a segment can ask about (ct_is_test_user is `test`; Age is derived). */
export const SEGMENTABLE_SYSTEM_PROPERTIES = SYSTEM_PROPERTIES.filter(
  (p) => p.key !== 'ct_is_test_user' && p.key !== 'Age',
)

/** How a property is named in words and on the command line: 'Gender', 'Age', 'custom:"plan"' → 'plan'. */
export function propertyName(property: PropertyRef): string {
  switch (property.kind) {
    case 'system':
    case 'custom':
      return property.key
    case 'age':
      return 'Age'
    case 'reachable':
      return `reachable.${property.channel}`
    default:
      return property.kind
  }
}

/** The label a builder shows ("Date of birth", "Profile type", …). */
export function propertyLabel(property: PropertyRef): string {
  switch (property.kind) {
    case 'system':
      return findSystemProperty(property.key)?.label ?? property.key
    case 'custom':
      return property.key
    case 'age':
      return 'Age'
    case 'type':
      return 'Profile type'
    case 'test':
      return 'Test profile'
    case 'excluded':
      return 'Excluded from control groups'
    case 'created':
      return 'Created'
    case 'lastSeen':
      return 'Last seen'
    case 'reachable':
      return `Reachability on ${CHANNEL_LABELS[property.channel] ?? property.channel}`
    default:
      return propertyName(property)
  }
}

export const OPERATOR_LABELS: Readonly<Record<Operator, string>> = {
  eq: 'equals',
  neq: 'does not equal',
  in: 'is one of',
  contains: 'contains',
  notContains: 'does not contain',
  startsWith: 'starts with',
  exists: 'exists',
  notExists: 'does not exist',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  containsItem: 'contains item',
}

/** Every condition of a definition in order, groups flattened (for per-condition counts and checks). */
export function flattenConditions(definition: SegmentDefinition): Condition[] {
  return definition.conditions.flatMap((item) => (item.type === 'group' ? item.conditions : [item]))
}

export function sameProperty(a: PropertyRef, b: PropertyRef): boolean {
  return propertyName(a) === propertyName(b) && a.kind === b.kind
}
