// The pull query from command-line flags: --event, --from/--to, --field NAME:OPERATOR[:VALUE], and for
// `sync query` the flags that go back to a default. Turned into a PullQuery on top of the saved one;
// the backend validates the result (zod, shared/ipc/channels/sync.ts) like any other request.
import { AppError } from '../../../../shared/ipc/envelope'
import {
  DEFAULT_PULL_QUERY,
  FIELD_OPERATORS,
  NUMERIC_OPERATORS,
  parseQueryDate,
  VALUELESS_OPERATORS,
  type FieldFilter,
  type PullQuery,
} from '../../../../shared/sync/pull-query'

export interface QueryFlags {
  event?: string
  from?: string
  to?: string
  field?: string[]
  /** `sync query` only: back to the default event, the earliest first day, today as the last day. */
  defaultEvent?: boolean
  earliest?: boolean
  today?: boolean
  /** `sync query` only: no profile-field filters; the whole default query. */
  clearFields?: boolean
  reset?: boolean
}

export const FIELD_FLAG_HELP =
  'a profile-field filter NAME:OPERATOR[:VALUE], e.g. Plan:equals:pro or Email:exists (repeat for more; ' +
  `operators: ${FIELD_OPERATORS.join(', ')})`

/** Collects a repeated option's values (commander's reducer). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

function date(flag: string, text: string): number {
  const parsed = parseQueryDate(text)
  if (parsed === null) {
    throw new AppError(
      'validation',
      `${flag} "${text}" is not a date; write it as YYYY-MM-DD, e.g. 2024-01-31.`,
    )
  }
  return parsed
}

/** One --field value. Property keys cannot hold ':' (CLEVERTAP-API.md §1), so the first two split it. */
export function parseFieldFlag(text: string): FieldFilter {
  const first = text.indexOf(':')
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  const name = (first < 0 ? text : text.slice(0, first)).trim()
  const operator = (
    first < 0 ? '' : second < 0 ? text.slice(first + 1) : text.slice(first + 1, second)
  ).trim()
  const value = second < 0 ? undefined : text.slice(second + 1)
  const known = FIELD_OPERATORS.find((candidate) => candidate === operator)
  if (name === '' || known === undefined) {
    throw new AppError(
      'validation',
      `--field "${text}" is not NAME:OPERATOR[:VALUE] with an operator among ${FIELD_OPERATORS.join(', ')}; ` +
        'e.g. --field Plan:equals:pro or --field Email:exists.',
    )
  }
  if (VALUELESS_OPERATORS.includes(known)) {
    if (value !== undefined) throw new AppError('validation', `--field "${text}": ${known} takes no value.`)
    return { name, operator: known }
  }
  if (value === undefined || value === '') {
    throw new AppError(
      'validation',
      `--field "${text}": ${known} needs a value, e.g. ${name}:${known}:VALUE.`,
    )
  }
  if (NUMERIC_OPERATORS.includes(known)) {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new AppError('validation', `--field "${text}": ${known} compares a number (got "${value}").`)
    }
    return { name, operator: known, value: n }
  }
  return { name, operator: known, value }
}

/** Whether any query flag was given. */
export function hasQueryFlags(flags: QueryFlags): boolean {
  return (
    flags.event !== undefined ||
    flags.from !== undefined ||
    flags.to !== undefined ||
    (flags.field?.length ?? 0) > 0 ||
    Boolean(flags.defaultEvent || flags.earliest || flags.today || flags.clearFields || flags.reset)
  )
}

/** The saved query with the flags applied (--field replaces the saved filters). */
export function applyQueryFlags(saved: PullQuery, flags: QueryFlags): PullQuery {
  if (flags.event !== undefined && flags.defaultEvent) {
    throw new AppError('validation', 'Give --event or --default-event, not both.')
  }
  if ((flags.from !== undefined && flags.earliest) || (flags.to !== undefined && flags.today)) {
    throw new AppError('validation', 'Give a date or --earliest/--today, not both.')
  }
  const base = flags.reset ? DEFAULT_PULL_QUERY : saved
  const fields = flags.field?.map(parseFieldFlag)
  return {
    eventName: flags.defaultEvent ? null : (flags.event ?? base.eventName),
    from: flags.earliest ? null : flags.from !== undefined ? date('--from', flags.from) : base.from,
    to: flags.today ? null : flags.to !== undefined ? date('--to', flags.to) : base.to,
    profileFields: fields ?? (flags.clearFields ? [] : base.profileFields),
  }
}
