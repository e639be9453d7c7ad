// The selection grammar's expressions, parsed once for every command that works on a set of profiles
// (segments, bulk edit, overview, duplicates): `--where "PROP OP VALUE"` and `--did "EVENT" [>= N] …`.
// Hand-written: a few dozen lines of tokens and keywords, where a parser generator would add a build step.
import { findSystemProperty } from '../profile/catalogue'
import type { CustomPropertyType } from '../profile/types'
import { CHANNELS, type Channel } from '../reachability/rules'
import {
  DERIVED_NAMES,
  optionsOf,
  valueTypeOf,
  type BehaviourCondition,
  type ConditionValue,
  type EventPropertyCondition,
  type EventWindow,
  type Operator,
  type PropertyCondition,
  type PropertyRef,
  type Scalar,
  type ValueType,
} from './definition'
import { isCalendarDate, valueProblem } from './validate'

/** A malformed expression or an unknown property: the message names it (the command line exits 2). */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExpressionError'
  }
}

interface Token {
  text: string
  quoted: boolean
  start: number
  end: number
}

/** Words separated by spaces; "double quotes" hold spaces, | and "" (a quote). */
function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    if (/\s/.test(input[i] as string)) {
      i++
      continue
    }
    const start = i
    let text = ''
    let quoted = false
    while (i < input.length && !/\s/.test(input[i] as string)) {
      if (input[i] === '"') {
        quoted = true
        i++
        for (;;) {
          if (i >= input.length) throw new ExpressionError(`unclosed quote in: ${input}`)
          if (input[i] === '"' && input[i + 1] === '"') {
            text += '"'
            i += 2
          } else if (input[i] === '"') {
            i++
            break
          } else text += input[i++]
        }
      } else text += input[i++]
    }
    tokens.push({ text, quoted, start, end: i })
  }
  return tokens
}

const OPERATOR_WORDS: Readonly<Record<string, Operator>> = {
  '=': 'eq',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
  contains: 'contains',
  '!contains': 'notContains',
  startswith: 'startsWith',
  exists: 'exists',
  '!exists': 'notExists',
  between: 'between',
  in: 'in',
}

/** A property by the name the command line uses: custom:"Key", Age/type/…, a system name, a custom key. */
export function resolveProperty(
  name: string,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): PropertyRef {
  if (name.startsWith('custom:')) {
    const key = name.slice('custom:'.length)
    if (!customTypes.has(key)) throw new ExpressionError(`unknown custom property "${key}"`)
    return { kind: 'custom', key }
  }
  const derived = DERIVED_NAMES[name]
  if (derived) return derived
  if (name.toLowerCase().startsWith('reachable.')) {
    const channel = name.slice('reachable.'.length).toLowerCase()
    if (!(CHANNELS as readonly string[]).includes(channel))
      throw new ExpressionError(`unknown channel "${channel}" in ${name}: use one of ${CHANNELS.join(', ')}`)
    return { kind: 'reachable', channel: channel as Channel }
  }
  const system = findSystemProperty(name)
  if (system && system.key !== 'ct_is_test_user' && system.key !== 'Age')
    return { kind: 'system', key: system.key }
  if (customTypes.has(name)) return { kind: 'custom', key: name }
  throw new ExpressionError(
    `unknown property "${name}" (custom keys with spaces are written custom:"Key name")`,
  )
}

function scalarOf(text: string, type: ValueType, subject: string, options: readonly string[] | null): Scalar {
  switch (type) {
    case 'number': {
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n))
        throw new ExpressionError(`${subject}: "${text}" is not a number`)
      return n
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true'
      throw new ExpressionError(`${subject}: "${text}" is not true or false`)
    case 'date':
      if (isCalendarDate(text)) return text
      throw new ExpressionError(`${subject}: "${text}" is not a date written YYYY-MM-DD`)
    case 'enum': {
      const match = (options ?? []).find((o) => o.toLowerCase() === text.toLowerCase())
      if (match) return match
      throw new ExpressionError(`${subject}: "${text}" is not one of ${(options ?? []).join(', ')}`)
    }
    default:
      return text
  }
}

/** The items of an `in` list: split at | outside quotes. */
function listItems(raw: string): string[] {
  const items: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string
    if (ch === '"' && quoted && raw[i + 1] === '"') {
      current += '"'
      i++
    } else if (ch === '"') quoted = !quoted
    else if (ch === '|' && !quoted) {
      items.push(current)
      current = ''
    } else current += ch
  }
  if (quoted) throw new ExpressionError(`unclosed quote in: ${raw}`)
  items.push(current)
  return items.map((item) => item.trim())
}

/** OP VALUE… of a condition, typed by the property's value type. */
function operatorAndValue(
  tokens: Token[],
  source: string,
  type: ValueType,
  subject: string,
  options: readonly string[] | null,
): { op: Operator; value?: ConditionValue } {
  const opToken = tokens[0]
  if (!opToken)
    throw new ExpressionError(`${subject}: an operator is missing (=, !=, <, contains, between, in, …)`)
  let op = OPERATOR_WORDS[opToken.text.toLowerCase()]
  if (!op || opToken.quoted) throw new ExpressionError(`${subject}: unknown operator "${opToken.text}"`)
  // A multi-value property's "contains" asks whether it holds the item.
  if (type === 'multi' && op === 'contains') op = 'containsItem'
  const rest = tokens.slice(1)
  let value: ConditionValue | undefined
  if (op === 'exists' || op === 'notExists') {
    if (rest.length > 0) throw new ExpressionError(`${subject}: "${opToken.text}" takes no value`)
  } else if (op === 'between') {
    if (rest.length !== 3 || rest[1]?.text.toLowerCase() !== 'and')
      throw new ExpressionError(`${subject}: write between LOW and HIGH`)
    value = [scalarOf(rest[0]!.text, type, subject, options), scalarOf(rest[2]!.text, type, subject, options)]
  } else if (op === 'in') {
    if (rest.length === 0) throw new ExpressionError(`${subject}: "in" needs values separated by |`)
    const raw = source.slice(rest[0]!.start, rest[rest.length - 1]!.end)
    value = listItems(raw).map((item) => scalarOf(item, type, subject, options))
  } else {
    if (rest.length === 0) throw new ExpressionError(`${subject}: "${opToken.text}" needs a value`)
    if (rest.length > 1) throw new ExpressionError(`${subject}: double-quote a value that holds spaces`)
    value = scalarOf(rest[0]!.text, type === 'multi' ? 'string' : type, subject, options)
  }
  const problem = valueProblem(type, op, value, options)
  if (problem) throw new ExpressionError(`${subject}: ${problem}`)
  return value === undefined ? { op } : { op, value }
}

const REACH_WORDS: Readonly<Record<string, string>> = { true: 'reachable', false: 'not-reachable' }

/** `PROP OP VALUE` → a property condition (`--where`). */
export function parseWhere(
  input: string,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): PropertyCondition {
  const tokens = tokenize(input)
  const first = tokens[0]
  if (!first) throw new ExpressionError('an empty --where; write PROP OP VALUE, e.g. "Age between 25 and 30"')
  const name = first.text
  const property = resolveProperty(name, customTypes)
  const type = valueTypeOf(property, customTypes) as ValueType
  // reachable.CHANNEL = true | false | REASON: true and false stand for reachable and not-reachable.
  const rest =
    property.kind === 'reachable'
      ? tokens.slice(1).map((t) => ({ ...t, text: REACH_WORDS[t.text.toLowerCase()] ?? t.text }))
      : tokens.slice(1)
  return {
    type: 'property',
    property,
    ...operatorAndValue(rest, input, type, name, optionsOf(property)),
  }
}

function wholeNumber(text: string | undefined, what: string): number {
  const n = Number(text)
  if (text === undefined || !Number.isInteger(n) || n < 0)
    throw new ExpressionError(`${what}: "${text ?? ''}" is not a whole number`)
  return n
}

/** `"EVENT" [>= N | <= N] [in last N days | between DATE and DATE] [where PROP OP VALUE]`, `!` = did not. */
export function parseBehaviour(input: string): BehaviourCondition {
  let text = input.trim()
  const did = !text.startsWith('!')
  if (!did) text = text.slice(1)
  const tokens = tokenize(text)
  const event = tokens[0]?.text
  if (!event)
    throw new ExpressionError('an empty --did; write "EVENT" [>= N] [in last N days] [where PROP OP VALUE]')
  const condition: BehaviourCondition = { type: 'behaviour', did, event }
  let i = 1
  const word = (k: number) => tokens[k]?.text.toLowerCase()
  if (word(i) === '>=' || word(i) === '<=') {
    condition.count = { op: word(i) === '>=' ? 'gte' : 'lte', n: wholeNumber(tokens[i + 1]?.text, event) }
    i += 2
  }
  if (word(i) === 'in' && word(i + 1) === 'last' && word(i + 3)?.startsWith('day')) {
    const days = wholeNumber(tokens[i + 2]?.text, event)
    if (days < 1) throw new ExpressionError(`${event}: the last N days needs N ≥ 1`)
    condition.window = { kind: 'lastDays', days } satisfies EventWindow
    i += 4
  } else if (word(i) === 'between') {
    const from = tokens[i + 1]?.text ?? ''
    const to = tokens[i + 3]?.text ?? ''
    if (word(i + 2) !== 'and' || !isCalendarDate(from) || !isCalendarDate(to))
      throw new ExpressionError(`${event}: write between YYYY-MM-DD and YYYY-MM-DD`)
    condition.window = { kind: 'between', from, to }
    i += 4
  }
  if (word(i) === 'where') {
    const rest = tokens.slice(i + 1)
    const key = rest[0]?.text
    if (!key) throw new ExpressionError(`${event}: "where" needs PROP OP VALUE`)
    const valueTokens = rest.slice(2)
    const looksNumeric =
      valueTokens.length > 0 &&
      valueTokens.every((t) => t.quoted || t.text === 'and' || Number.isFinite(Number(t.text)))
    const numeric = looksNumeric && !valueTokens.some((t) => t.quoted)
    const where = operatorAndValue(
      rest.slice(1),
      text,
      numeric ? 'number' : 'string',
      `${event} where ${key}`,
      null,
    )
    condition.where = { key, ...where } satisfies EventPropertyCondition
    i = tokens.length
  }
  if (i < tokens.length) throw new ExpressionError(`${event}: did not understand "${tokens[i]?.text}"`)
  return condition
}
