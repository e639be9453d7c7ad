// The segment builder's editable form of a definition: what a person has typed, kept as text, and how it
// becomes a SegmentDefinition (shared/segments) and back. The shared meaning checks then judge the result,
// so the builder and the backend refuse the same things in the same words.
import {
  emptyDefinition,
  isValueless,
  operatorsFor,
  SEGMENT_DEFINITION_VERSION,
  valueTypeOf,
  type Condition,
  type ConditionValue,
  type DefinitionItem,
  type Join,
  type Operator,
  type PropertyRef,
  type Scalar,
  type SegmentDefinition,
  type ValueType,
} from '$shared/segments/definition'
import type { CustomPropertyType } from '$shared/profile/types'
import type { Channel } from '$shared/reachability/rules'
import type { SegmentProblem } from '$shared/segments/validate'

export interface PropertyDraft {
  kind: 'property'
  id: number
  property: PropertyRef
  op: Operator
  /** The value as typed; for "is one of", values separated by commas. */
  value: string
  /** The high end of "is between". */
  value2: string
}

export type CountChoice = 'once' | 'gte' | 'lte'
export type WindowChoice = 'ever' | 'lastDays' | 'between'

export interface BehaviourDraft {
  kind: 'behaviour'
  id: number
  did: boolean
  event: string
  count: CountChoice
  times: string
  window: WindowChoice
  days: string
  from: string
  to: string
  /** Empty: no condition on the event's properties. */
  whereKey: string
  whereOp: Operator
  whereValue: string
}

export type ConditionDraft = PropertyDraft | BehaviourDraft

export interface GroupDraft {
  kind: 'group'
  id: number
  join: Join
  conditions: ConditionDraft[]
}

export type ItemDraft = ConditionDraft | GroupDraft

export interface DefinitionDraft {
  join: Join
  items: ItemDraft[]
}

export type CustomTypes = ReadonlyMap<string, CustomPropertyType>
export const NO_CUSTOM_TYPES: CustomTypes = new Map()

/** The account's custom property types, as the vocabulary lists them. */
export function customTypesOf(custom: readonly { key: string; type: CustomPropertyType }[]): CustomTypes {
  return new Map(custom.map((c) => [c.key, c.type]))
}

/** Each problem's message by the condition it is about (flattened order). */
export function problemsByCondition(problems: readonly SegmentProblem[]): ReadonlyMap<number, string> {
  return new Map(problems.map((p) => [p.index, p.message]))
}

/** Operators offered for an event property (its type is read from the value typed). */
export const EVENT_PROPERTY_OPERATORS: readonly Operator[] = [
  'eq',
  'neq',
  'contains',
  'startsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'notExists',
]

let nextId = 1
export function newId(): number {
  return nextId++
}

/** The property picker's option value for a property: `system:Email`, `custom:plan`, `reachable:sms`, `age`, … */
export function propertyKey(property: PropertyRef): string {
  if (property.kind === 'reachable') return `reachable:${property.channel}`
  return property.kind === 'system' || property.kind === 'custom'
    ? `${property.kind}:${property.key}`
    : property.kind
}

export function propertyFromKey(key: string): PropertyRef {
  const colon = key.indexOf(':')
  if (colon > 0) {
    const kind = key.slice(0, colon)
    if (kind === 'system' || kind === 'custom') return { kind, key: key.slice(colon + 1) }
    if (kind === 'reachable') return { kind, channel: key.slice(colon + 1) as Channel }
  }
  return { kind: key } as PropertyRef
}

export function newPropertyDraft(property: PropertyRef, customTypes: CustomTypes): PropertyDraft {
  const type = valueTypeOf(property, customTypes) ?? 'string'
  return {
    kind: 'property',
    id: newId(),
    property,
    op: operatorsFor(type)[0] as Operator,
    value: '',
    value2: '',
  }
}

export function newBehaviourDraft(event = ''): BehaviourDraft {
  return {
    kind: 'behaviour',
    id: newId(),
    did: true,
    event,
    count: 'once',
    times: '1',
    window: 'ever',
    days: '30',
    from: '',
    to: '',
    whereKey: '',
    whereOp: 'eq',
    whereValue: '',
  }
}

/**
 * A typed value read by its property's type. Text that is not a number stays text, so the shared check
 * says "expects a number" beside the condition rather than the value silently vanishing.
 */
export function readScalar(text: string, type: ValueType): Scalar {
  const trimmed = text.trim()
  if (type === 'number') return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed
  if (type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed
  return type === 'date' ? trimmed : text
}

/** An event property's value: its type is whatever the text reads as (number, true/false, or text). */
function readEventScalar(text: string): Scalar {
  const trimmed = text.trim()
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed)
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true'
  return text
}

function readValue(draft: PropertyDraft, type: ValueType): ConditionValue | undefined {
  if (isValueless(draft.op)) return undefined
  if (draft.op === 'between') return [readScalar(draft.value, type), readScalar(draft.value2, type)]
  if (draft.op === 'in')
    return draft.value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => readScalar(part, type))
  if (draft.value.trim() === '') return undefined
  return readScalar(draft.value, type === 'multi' ? 'string' : type)
}

export function toCondition(draft: ConditionDraft, customTypes: CustomTypes): Condition {
  if (draft.kind === 'property') {
    const type = valueTypeOf(draft.property, customTypes) ?? 'string'
    const value = readValue(draft, type)
    return {
      type: 'property',
      property: draft.property,
      op: draft.op,
      ...(value === undefined ? {} : { value }),
    }
  }
  const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN)
  return {
    type: 'behaviour',
    did: draft.did,
    event: draft.event,
    ...(draft.count === 'once' ? {} : { count: { op: draft.count, n: whole(draft.times) } }),
    ...(draft.window === 'lastDays'
      ? { window: { kind: 'lastDays' as const, days: whole(draft.days) } }
      : {}),
    ...(draft.window === 'between'
      ? { window: { kind: 'between' as const, from: draft.from, to: draft.to } }
      : {}),
    ...(draft.whereKey.trim() === ''
      ? {}
      : {
          where: {
            key: draft.whereKey.trim(),
            op: draft.whereOp,
            ...(isValueless(draft.whereOp) ? {} : { value: readEventScalar(draft.whereValue) }),
          },
        }),
  }
}

export function toDefinition(draft: DefinitionDraft, customTypes: CustomTypes): SegmentDefinition {
  return {
    version: SEGMENT_DEFINITION_VERSION,
    join: draft.join,
    conditions: draft.items.map((item): DefinitionItem =>
      item.kind === 'group'
        ? {
            type: 'group',
            join: item.join,
            conditions: item.conditions.map((c) => toCondition(c, customTypes)),
          }
        : toCondition(item, customTypes),
    ),
  }
}

function valueText(value: ConditionValue | undefined): string {
  if (value === undefined) return ''
  return Array.isArray(value) ? value.map(String).join(', ') : String(value)
}

function fromCondition(condition: Condition): ConditionDraft {
  if (condition.type === 'property') {
    const between = condition.op === 'between' && Array.isArray(condition.value)
    return {
      kind: 'property',
      id: newId(),
      property: condition.property,
      op: condition.op,
      value: between ? String((condition.value as Scalar[])[0] ?? '') : valueText(condition.value),
      value2: between ? String((condition.value as Scalar[])[1] ?? '') : '',
    }
  }
  const window = condition.window
  return {
    ...newBehaviourDraft(condition.event),
    did: condition.did,
    count: condition.count?.op ?? 'once',
    times: String(condition.count?.n ?? 1),
    window: window?.kind ?? 'ever',
    days: window?.kind === 'lastDays' ? String(window.days) : '30',
    from: window?.kind === 'between' ? window.from : '',
    to: window?.kind === 'between' ? window.to : '',
    whereKey: condition.where?.key ?? '',
    whereOp: condition.where?.op ?? 'eq',
    whereValue: valueText(condition.where?.value),
  }
}

/** The editable form of a saved definition. */
export function fromDefinition(definition: SegmentDefinition = emptyDefinition()): DefinitionDraft {
  return {
    join: definition.join,
    items: definition.conditions.map((item): ItemDraft =>
      item.type === 'group'
        ? { kind: 'group', id: newId(), join: item.join, conditions: item.conditions.map(fromCondition) }
        : fromCondition(item),
    ),
  }
}
