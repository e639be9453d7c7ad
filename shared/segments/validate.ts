// The meaning checks of a segment definition, beyond its shape (the boundary's zod schema checks that):
// known properties, operators that fit the property's type, values of the right kind. The builder shows
// the problems beside their conditions; the engine and the command line refuse a definition that has any.
import type { CustomPropertyType } from '../profile/types'
import {
  flattenConditions,
  isValueless,
  operatorFits,
  optionsOf,
  propertyName,
  valueTypeOf,
  OPERATOR_LABELS,
  type Condition,
  type ConditionValue,
  type EventWindow,
  type Operator,
  type SegmentDefinition,
  type ValueType,
} from './definition'

export interface SegmentProblem {
  /** Index of the condition in flattenConditions(definition) order. */
  index: number
  /** The property, or the event, the problem is about. */
  subject: string
  message: string
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!DATE_TEXT.test(text)) return false
  const [y, m, d] = text.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

function scalarProblem(type: ValueType, value: unknown, options: readonly string[] | null): string | null {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expects a number'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expects true or false'
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'expects a date written YYYY-MM-DD'
    case 'enum':
      return typeof value === 'string' && (options ?? []).includes(value)
        ? null
        : `expects one of ${(options ?? []).join(', ')}`
    default:
      return typeof value === 'string' && value !== '' ? null : 'expects some text'
  }
}

/** What is wrong with this value for this operator on a property of this type; null when it fits. */
export function valueProblem(
  type: ValueType,
  op: Operator,
  value: ConditionValue | undefined,
  options: readonly string[] | null = null,
): string | null {
  if (!operatorFits(type, op)) return `cannot use "${OPERATOR_LABELS[op]}" on a ${type} property`
  if (isValueless(op)) return value === undefined ? null : `"${OPERATOR_LABELS[op]}" takes no value`
  if (value === undefined) return `"${OPERATOR_LABELS[op]}" needs a value`
  // A multi-value property's items are text; "contains item" takes one.
  const itemType: ValueType = type === 'multi' ? 'string' : type
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) return 'between needs two values, low and high'
    const problem = scalarProblem(itemType, value[0], options) ?? scalarProblem(itemType, value[1], options)
    if (problem) return problem
    return (value[0] as string | number) > (value[1] as string | number)
      ? 'between needs the low value first'
      : null
  }
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0) return '"is one of" needs at least one value'
    for (const item of value) {
      const problem = scalarProblem(itemType, item, options)
      if (problem) return problem
    }
    return null
  }
  if (Array.isArray(value)) return `"${OPERATOR_LABELS[op]}" takes one value`
  return scalarProblem(itemType, value, options)
}

function windowProblem(window: EventWindow | undefined): string | null {
  if (!window) return null
  if (window.kind === 'lastDays')
    return Number.isInteger(window.days) && window.days >= 1 ? null : 'the last N days needs N ≥ 1'
  if (!isCalendarDate(window.from) || !isCalendarDate(window.to))
    return 'between dates needs two dates written YYYY-MM-DD'
  return window.from > window.to ? 'between dates needs the earlier date first' : null
}

function eventValueType(value: ConditionValue | undefined): ValueType {
  const sample = Array.isArray(value) ? value[0] : value
  return typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'boolean' : 'string'
}

function conditionProblem(
  condition: Condition,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): { subject: string; message: string } | null {
  if (condition.type === 'behaviour') {
    const subject = condition.event
    if (condition.event.trim() === '') return { subject, message: 'names no event' }
    if (condition.count && (!Number.isInteger(condition.count.n) || condition.count.n < 0))
      return { subject, message: 'a count needs a whole number ≥ 0' }
    const windowMessage = windowProblem(condition.window)
    if (windowMessage) return { subject, message: windowMessage }
    if (condition.where) {
      const type = eventValueType(condition.where.value)
      const message = valueProblem(type, condition.where.op, condition.where.value)
      if (message) return { subject: `${subject} where ${condition.where.key}`, message }
    }
    return null
  }
  const subject = propertyName(condition.property)
  const type = valueTypeOf(condition.property, customTypes)
  if (type === null) {
    const what = condition.property.kind === 'custom' ? 'custom property' : 'property'
    return { subject, message: `no ${what} is called "${subject}"` }
  }
  const message = valueProblem(type, condition.op, condition.value, optionsOf(condition.property))
  return message ? { subject, message } : null
}

/** Every problem of a definition, in condition order; empty when it can be counted. */
export function definitionProblems(
  definition: SegmentDefinition,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): SegmentProblem[] {
  const problems: SegmentProblem[] = []
  flattenConditions(definition).forEach((condition, index) => {
    const problem = conditionProblem(condition, customTypes)
    if (problem) problems.push({ index, ...problem })
  })
  return problems
}

/** One sentence for a list of problems ("plan: expects a number; Age: …"). */
export function describeProblems(problems: readonly SegmentProblem[]): string {
  return problems.map((p) => `${p.subject}: ${p.message}`).join('; ')
}
