// The pull query as the Settings form holds it (text fields, rows of filters) and the checks shown under
// each field before it is saved. Pure, so it is tested directly; the backend checks the same rules.
import {
  DEFAULT_EVENT,
  EARLIEST_DATE,
  formatQueryDate,
  MAX_FIELD_FILTERS,
  NUMERIC_OPERATORS,
  parseQueryDate,
  VALUELESS_OPERATORS,
  type FieldFilter,
  type FieldOperator,
  type PullQuery,
} from '$shared/sync/pull-query'

export interface FieldDraft {
  name: string
  operator: FieldOperator
  value: string
}

export interface PullQueryDraft {
  /** Empty: the default event. */
  eventName: string
  /** YYYY-MM-DD (a date input's value); empty: the earliest / today. */
  from: string
  to: string
  fields: FieldDraft[]
}

/** Field keys of the messages: eventName, from, to, fields.N.name, fields.N.value, fields. */
export type QueryProblems = Record<string, string>

export const EVENT_HINT =
  `Empty: ${DEFAULT_EVENT} on CleverTap (every profile that used an app or website with its SDK); ` +
  'every profile on a custom server that allows it (the sandbox).'
export const FROM_HINT = `Empty: from ${formatQueryDate(EARLIEST_DATE)}, the earliest date.`
export const TO_HINT = 'Empty: up to the day of each pull.'

export function draftOfQuery(query: PullQuery): PullQueryDraft {
  return {
    eventName: query.eventName ?? '',
    from: query.from === null ? '' : formatQueryDate(query.from),
    to: query.to === null ? '' : formatQueryDate(query.to),
    fields: query.profileFields.map((field) => ({
      name: field.name,
      operator: field.operator,
      value: field.value === undefined ? '' : String(field.value),
    })),
  }
}

export function newFieldDraft(): FieldDraft {
  return { name: '', operator: 'equals', value: '' }
}

function fieldOf(draft: FieldDraft, index: number, problems: QueryProblems): FieldFilter | null {
  const name = draft.name.trim()
  if (name === '') problems[`fields.${index}.name`] = 'Enter the property’s name, e.g. Plan or Email.'
  else if (/[:$]/.test(name)) problems[`fields.${index}.name`] = 'A property name holds no ":" or "$".'
  if (VALUELESS_OPERATORS.includes(draft.operator)) return { name, operator: draft.operator }
  const text = draft.value.trim()
  if (text === '') {
    problems[`fields.${index}.value`] = 'Enter the value to compare with.'
    return null
  }
  if (NUMERIC_OPERATORS.includes(draft.operator)) {
    const n = Number(text)
    if (!Number.isFinite(n)) {
      problems[`fields.${index}.value`] = `Enter a number (got "${text}").`
      return null
    }
    return { name, operator: draft.operator, value: n }
  }
  return { name, operator: draft.operator, value: text }
}

/** The query a draft describes, or the problems to show under its fields. */
export function queryOfDraft(draft: PullQueryDraft): { query: PullQuery } | { problems: QueryProblems } {
  const problems: QueryProblems = {}
  const eventName = draft.eventName.trim()
  const from = draft.from === '' ? null : parseQueryDate(draft.from)
  const to = draft.to === '' ? null : parseQueryDate(draft.to)
  if (draft.from !== '' && from === null) problems.from = 'Enter a date, e.g. 2024-01-31.'
  if (draft.to !== '' && to === null) problems.to = 'Enter a date, e.g. 2024-12-31.'
  if (from !== null && to !== null && from > to) problems.to = 'The last day is before the first day.'
  if (draft.fields.length > MAX_FIELD_FILTERS)
    problems.fields = `At most ${MAX_FIELD_FILTERS} filters; remove some.`
  const profileFields = draft.fields.map((field, index) => fieldOf(field, index, problems))
  if (Object.keys(problems).length > 0) return { problems }
  return {
    query: {
      eventName: eventName === '' ? null : eventName,
      from,
      to,
      profileFields: profileFields.filter((field): field is FieldFilter => field !== null),
    },
  }
}
