// The chosen columns of a member list or an export: one SQL expression per column (read with the row, so
// a million-row export never builds profile objects), turned into typed values, and those into CSV text.
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { profileAge } from '../../../../shared/profile/identity'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import { formatUtcDate, formatUtcDateTime } from '../../../../shared/profile/validators-dates'
import {
  propertyName,
  valueTypeOf,
  type PropertyRef,
  type ValueType,
} from '../../../../shared/segments/definition'
import { AppError } from '../../../../shared/ipc/envelope'
import { jsonPath } from './column-sources'

/** Identifier kinds of the identifier-backed system properties without a column. */
const IDENTIFIER_KIND: Readonly<Record<string, string>> = { FBID: 'fbid', GPID: 'gpid' }

export interface ColumnPlan {
  /** SQL select list (after the row's own columns), one or more expressions per column. */
  selects: string[]
  params: unknown[]
  /** Typed values from a raw row (the expressions' values, in order, from `offset`). */
  values(row: readonly unknown[], offset: number, nowMs: number): (PropertyValue | null)[]
  /** Header names. */
  headers: string[]
  types: ValueType[]
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function expression(ref: PropertyRef, type: ValueType): { sql: string[]; params: unknown[] } {
  switch (ref.kind) {
    case 'system': {
      const system = findSystemProperty(ref.key)
      const kind = system ? IDENTIFIER_KIND[system.key] : undefined
      if (kind)
        return {
          sql: [
            `(SELECT min(value) FROM identifiers WHERE profile_id = profiles.id AND kind = ${sqlString(kind)})`,
          ],
          params: [],
        }
      if (system?.column) return { sql: [system.column], params: [] }
      return { sql: ['json_extract(system_extra, ?)'], params: [jsonPath(ref.key)] }
    }
    case 'custom':
      return { sql: ['json_extract(custom, ?)'], params: [jsonPath(ref.key)] }
    case 'age':
      // profileAge's inputs; the birthday only when the account's `birthday` key is a date.
      return { sql: ['dob', "json_extract(custom, '$.birthday')", 'age', 'timezone'], params: [] }
    case 'type':
      return { sql: ['identified'], params: [] }
    case 'test':
      return { sql: ['is_test'], params: [] }
    case 'excluded':
      return { sql: ['cg_excluded'], params: [] }
    case 'created':
      return { sql: ['created_at'], params: [] }
    case 'lastSeen':
      return { sql: ['last_seen'], params: [] }
    default:
      throw new AppError('validation', `"${propertyName(ref)}" cannot be a column yet (type ${type}).`)
  }
}

function typed(raw: unknown, type: ValueType): PropertyValue | null {
  if (raw === null || raw === undefined) return null
  switch (type) {
    case 'boolean':
      return raw === 1 || raw === true
    case 'multi':
      return typeof raw === 'string' && raw.startsWith('[') ? (JSON.parse(raw) as string[]) : [String(raw)]
    case 'enum':
      return raw === 1 ? 'Identified' : 'Anonymous'
    default:
      return raw as PropertyValue
  }
}

/** The plan for `columns`; an unknown property is refused by name. */
export function planColumns(
  columns: readonly PropertyRef[],
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): ColumnPlan {
  const selects: string[] = []
  const params: unknown[] = []
  const widths: number[] = []
  const types: ValueType[] = []
  const birthdayIsDate = customTypes.get('birthday') === 'date'
  for (const ref of columns) {
    const type =
      ref.kind === 'system' && ref.key === 'ct_is_test_user' ? 'string' : valueTypeOf(ref, customTypes)
    if (type === null)
      throw new AppError(
        'validation',
        `No property is called "${propertyName(ref)}": it cannot be a column.`,
        {
          column: propertyName(ref),
        },
      )
    const expr = expression(ref, type)
    selects.push(...expr.sql)
    params.push(...expr.params)
    widths.push(expr.sql.length)
    types.push(type)
  }
  return {
    selects,
    params,
    headers: columns.map(propertyName),
    types,
    values(row, offset, nowMs) {
      const out: (PropertyValue | null)[] = []
      let at = offset
      columns.forEach((ref, i) => {
        if (ref.kind === 'age') {
          const [dob, birthday, age, tz] = row.slice(at, at + 4) as [
            number | null,
            unknown,
            number | null,
            string | null,
          ]
          out.push(
            profileAge(
              {
                dob,
                birthday: birthdayIsDate && typeof birthday === 'number' ? birthday : null,
                age,
                timezone: tz,
              },
              nowMs,
            ),
          )
        } else out.push(typed(row[at], types[i] as ValueType))
        at += widths[i] as number
      })
      return out
    },
  }
}

/** A value as CSV text: dates as ISO (DOB as its calendar date), lists joined by ", ". */
export function cellText(value: PropertyValue | null, type: ValueType, ref: PropertyRef): string {
  if (value === null) return ''
  if (Array.isArray(value)) return value.join(', ')
  if (type === 'date' && typeof value === 'number')
    return ref.kind === 'system' && ref.key === 'DOB' ? formatUtcDate(value) : formatUtcDateTime(value)
  return String(value)
}
