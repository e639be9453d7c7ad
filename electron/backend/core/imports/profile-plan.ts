// One CSV row of a profile file turned into a plan: its key (identity or objectId) and the validated,
// normalised operations of its cells, or the reason it is rejected. Validation uses the shared catalogue,
// the same rules as the forms; nothing here reads the database.
import type {
  DateFormat,
  ProfileColumnTarget,
  ProfileImportMapping,
  ProfileOperation,
  RowProblem,
} from '../../../../shared/ipc/channels/imports'
import {
  describeValue,
  findSystemProperty,
  isPlaceholderIdentifier,
  propertyError,
  validateCustomProperty,
  validateIdentifier,
  validateSystemProperty,
} from '../../../../shared/profile/catalogue'
import type { CustomPropertyType, PropertyValue } from '../../../../shared/profile/types'
import {
  checkBoolean,
  checkMultiValue,
  checkNumber,
  checkText,
  type CheckResult,
} from '../../../../shared/profile/validators'
import type { ParsedRow } from './csv-reader'
import { parseDateCell } from './date-formats'
import { DeviceColumns, type DeviceCells } from './device-cells'

export type PlanOp =
  | { op: 'set'; key: string; value: PropertyValue; custom: CustomPropertyType | null }
  | { op: 'unset'; key: string; custom: boolean }
  | { op: 'add' | 'remove'; key: string; items: string[] }
  | { op: 'email'; value: string | null }
  | { op: 'identifier'; kind: 'fbid' | 'gpid'; value: string }
  | { op: 'test'; value: boolean }

export interface RowPlan {
  line: number
  /** What locates the profile: the identity when the row has one, else the objectId. */
  keyKind: 'identity' | 'objectId'
  key: string
  identity: string | null
  objectId: string | null
  ops: PlanOp[]
  /** The push token of the profile's own device (its CleverTap ID), with its platform and type. */
  device?: DeviceCells & { pushToken: string }
}

export type RowVerdict =
  | { ok: true; plan: RowPlan; warnings: RowProblem[] }
  | { ok: false; problem: RowProblem; warnings: RowProblem[] }

interface ValueColumn {
  index: number
  header: string
  target: Extract<ProfileColumnTarget, { kind: 'system' | 'custom' }>
  dateFormat: DateFormat
  /** Index of the `<column>.operation` companion, or -1. */
  operationIndex: number
  /** The shared validator for this column's values (key checked once, when the mapping was checked). */
  check: (value: unknown) => CheckResult
}

/** The catalogue's checks for custom values by type (dates arrive parsed, as epoch seconds). */
const CUSTOM_CHECKS: Readonly<Record<CustomPropertyType, (value: unknown) => CheckResult>> = {
  string: checkText,
  number: checkNumber,
  boolean: checkBoolean,
  date: (value) =>
    typeof value === 'number'
      ? { ok: true, value }
      : { ok: false, problem: 'is not a date', rule: 'expected a date' },
  multi: checkMultiValue,
}

function systemCheck(key: string): (value: unknown) => CheckResult {
  return (value) => {
    const result = validateSystemProperty(key, value)
    return result.ok
      ? result
      : {
          ok: false,
          problem: result.error.message,
          rule: '',
          ...(result.error.code === undefined ? {} : { code: result.error.code }),
        }
  }
}

const OPERATION_MESSAGE = 'Profile operation must be one of $add, $set, $remove, $delete'
/** cellOps' answer for a phone without + (a warning, not a rejection). */
const PHONE_WITHOUT_PLUS = '\u0000phone-without-plus'
const NO_WARNINGS: RowProblem[] = []

function rejected(
  row: ParsedRow,
  column: string | null,
  value: string | null,
  reason: string,
  warnings: RowProblem[],
): RowVerdict {
  return { ok: false, problem: { line: row.line, column, value, reason }, warnings }
}

function extraCellsAreEmpty(cells: readonly string[], headerCount: number): boolean {
  if (cells.length < headerCount) return false
  for (let i = headerCount; i < cells.length; i++) if ((cells[i] as string).trim() !== '') return false
  return true
}
const PHONE_SEPARATORS = /[\s().-]/g
const DIGITS_ONLY = /^\d{6,15}$/
const MAX_OBJECT_ID = 256

/** Splits a multi-value cell: a JSON list (["a","b"]) or values separated by commas. */
export function splitMultiValue(cell: string): string[] {
  const text = cell.trim()
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed))
        return parsed.map((item) => String(item).trim()).filter((item) => item !== '')
    } catch {
      // Not JSON after all: read it as a comma-separated list.
    }
  }
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** The mapping compiled for fast per-row use. */
export class ProfileRowValidator {
  readonly headerCount: number
  private readonly identityIndex: number
  private readonly objectIdIndex: number
  private readonly columns: ValueColumn[]
  private readonly device: DeviceColumns

  constructor(mapping: ProfileImportMapping, headers: readonly string[]) {
    this.headerCount = headers.length
    this.device = new DeviceColumns(mapping)
    this.identityIndex = mapping.columns.find((c) => c.target.kind === 'identity')?.index ?? -1
    this.objectIdIndex = mapping.columns.find((c) => c.target.kind === 'objectId')?.index ?? -1
    const operationOf = new Map<string, number>()
    for (const c of mapping.columns) {
      if (c.target.kind === 'operation') operationOf.set(c.target.of.trim(), c.index)
    }
    this.columns = mapping.columns.flatMap((c): ValueColumn[] => {
      const target = c.target
      if (target.kind !== 'system' && target.kind !== 'custom') return []
      const key = target.kind === 'system' ? (findSystemProperty(target.key)?.key ?? target.key) : target.key
      return [
        {
          index: c.index,
          header: c.column,
          target: target.kind === 'system' ? { kind: 'system', key } : target,
          dateFormat: c.dateFormat ?? 'auto',
          operationIndex: operationOf.get(c.column.trim()) ?? -1,
          check: target.kind === 'system' ? systemCheck(key) : CUSTOM_CHECKS[target.type],
        },
      ]
    })
  }

  /** The row's key as it would be tracked for duplicates (before full validation). */
  keyOf(cells: readonly string[]): string | null {
    const identity = this.identityIndex === -1 ? '' : (cells[this.identityIndex] ?? '').trim()
    if (identity !== '') return `i:${identity}`
    const objectId = this.objectIdIndex === -1 ? '' : (cells[this.objectIdIndex] ?? '').trim()
    return objectId === '' ? null : `o:${objectId}`
  }

  validate(row: ParsedRow): RowVerdict {
    const cells = row.cells
    if (row.problem) return rejected(row, null, null, `Line ${row.line}: ${row.problem}.`, NO_WARNINGS)
    if (cells.length !== this.headerCount && !extraCellsAreEmpty(cells, this.headerCount)) {
      return rejected(
        row,
        null,
        null,
        `Line ${row.line} has ${cells.length} ${cells.length === 1 ? 'value' : 'values'} but the header has ${this.headerCount} columns` +
          (cells.length < this.headerCount
            ? ' (a value or a delimiter is missing).'
            : ' (an unquoted delimiter inside a value?).'),
        NO_WARNINGS,
      )
    }
    const identity = this.identityIndex === -1 ? '' : (cells[this.identityIndex] ?? '').trim()
    const objectId = this.objectIdIndex === -1 ? '' : (cells[this.objectIdIndex] ?? '').trim()
    if (identity === '' && objectId === '') {
      return rejected(
        row,
        this.identityIndex === -1 ? 'objectId' : 'identity',
        '',
        'The row has no identity (or objectId): every profile row needs one to be matched.',
        NO_WARNINGS,
      )
    }
    if (identity !== '') {
      const error = validateIdentifier('identity', identity)
      if (error) return rejected(row, 'identity', identity, error.message, NO_WARNINGS)
    }
    if (
      objectId !== '' &&
      (isPlaceholderIdentifier(objectId) || objectId.length > MAX_OBJECT_ID || /\s/.test(objectId))
    ) {
      return rejected(
        row,
        'objectId',
        objectId,
        `objectId ${describeValue(objectId)} is not a CleverTap ID (1 to ${MAX_OBJECT_ID} characters, no spaces, not a placeholder).`,
        NO_WARNINGS,
      )
    }
    const ops: PlanOp[] = []
    let warnings = NO_WARNINGS
    for (const column of this.columns) {
      const cell = cells[column.index] ?? ''
      const rawOperation = column.operationIndex === -1 ? '' : (cells[column.operationIndex] ?? '').trim()
      let operation: ProfileOperation = '$set'
      if (rawOperation !== '') {
        if (
          rawOperation !== '$set' &&
          rawOperation !== '$add' &&
          rawOperation !== '$remove' &&
          rawOperation !== '$delete'
        ) {
          return rejected(
            row,
            `${column.header}.operation`,
            rawOperation,
            `${OPERATION_MESSAGE} (found ${describeValue(rawOperation)}).`,
            warnings,
          )
        }
        operation = rawOperation
      }
      const value = cell.trim()
      if (operation !== '$delete' && value === '') continue
      const problem = this.cellOps(column, value, operation, ops)
      if (problem === PHONE_WITHOUT_PLUS) {
        if (warnings === NO_WARNINGS) warnings = []
        warnings.push({
          line: row.line,
          column: column.header,
          value,
          reason: `Phone ${describeValue(value)} has no + and country code (E.164, e.g. +14155551234): the phone was not imported; the rest of the row was.`,
        })
      } else if (problem !== null) return rejected(row, column.header, cell, problem, warnings)
    }
    const device = this.device.read(cells)
    if (!device.ok) return rejected(row, device.column, device.value, device.reason, warnings)
    // A platform alone is no device here: a profile file's device columns describe a push token.
    const token = device.device?.pushToken ?? null
    return {
      ok: true,
      warnings,
      plan: {
        line: row.line,
        keyKind: identity !== '' ? 'identity' : 'objectId',
        key: identity !== '' ? identity : objectId,
        identity: identity === '' ? null : identity,
        objectId: objectId === '' ? null : objectId,
        ops,
        ...(token === null ? {} : { device: { ...(device.device as DeviceCells), pushToken: token } }),
      },
    }
  }

  /** Adds the operations of one cell; returns the reason when the cell is invalid. */
  private cellOps(
    column: ValueColumn,
    value: string,
    operation: ProfileOperation,
    ops: PlanOp[],
  ): string | null {
    const target = column.target
    if (target.kind === 'custom') {
      if (operation === '$delete') {
        ops.push({ op: 'unset', key: target.key, custom: true })
        return null
      }
      if (operation === '$add' || operation === '$remove') {
        if (target.type !== 'multi') {
          return `${operation} adds or removes values of a multi-value property; "${target.key}" is a ${target.type} property.`
        }
        const items = splitMultiValue(value)
        const checked = validateCustomProperty(target.key, 'multi', items)
        if (!checked.ok) return checked.error.message
        ops.push({
          op: operation === '$add' ? 'add' : 'remove',
          key: target.key,
          items: checked.value as string[],
        })
        return null
      }
      let raw: unknown = value
      if (target.type === 'date') {
        const date = parseDateCell(value, column.dateFormat)
        if (!date.ok) return `${target.key} ${describeValue(value)} ${date.reason}.`
        raw = date.seconds
      } else if (target.type === 'multi') raw = splitMultiValue(value)
      const checked = column.check(raw)
      if (!checked.ok) return propertyError(target.key, raw, checked.problem, checked.rule).message
      ops.push({ op: 'set', key: target.key, value: checked.value, custom: target.type })
      return null
    }
    const key = target.key
    if (operation === '$add' || operation === '$remove') {
      return `${operation} adds or removes values of a multi-value property; ${key} is a system property (use $set or $delete).`
    }
    if (key === 'Email') {
      if (operation === '$delete') ops.push({ op: 'email', value: null })
      else {
        const checked = validateSystemProperty('Email', value)
        if (!checked.ok) return checked.error.message
        const error = validateIdentifier('email', checked.value as string)
        if (error) return error.message
        ops.push({ op: 'email', value: checked.value as string })
      }
      return null
    }
    if (key === 'FBID' || key === 'GPID') {
      if (operation === '$delete')
        return `${key} is an identifier; removing it by import is not supported (remove it on the profile).`
      const error = validateIdentifier(key === 'FBID' ? 'fbid' : 'gpid', value)
      if (error) return error.message
      ops.push({ op: 'identifier', kind: key === 'FBID' ? 'fbid' : 'gpid', value })
      return null
    }
    if (key === 'ct_is_test_user') {
      if (operation === '$delete') ops.push({ op: 'test', value: false })
      else {
        const checked = validateSystemProperty(key, value)
        if (!checked.ok) return checked.error.message
        ops.push({ op: 'test', value: checked.value === 'Yes' })
      }
      return null
    }
    if (operation === '$delete') {
      ops.push({ op: 'unset', key, custom: false })
      return null
    }
    let raw: unknown = value
    if (key === 'DOB' && column.dateFormat !== 'auto') {
      const date = parseDateCell(value, column.dateFormat)
      if (!date.ok) return `DOB ${describeValue(value)} ${date.reason}.`
      raw = date.seconds
    }
    const checked = column.check(raw)
    if (!checked.ok) {
      // A number without its country code is common in exports; the rest of the row is still good.
      if (key === 'Phone' && DIGITS_ONLY.test(value.replace(PHONE_SEPARATORS, ''))) return PHONE_WITHOUT_PLUS
      return checked.problem
    }
    ops.push({ op: 'set', key, value: checked.value, custom: null })
    return null
  }
}

/**
 * Two plans for the same key, the later applied after the earlier: one plan whose operations run in file
 * order, so a key repeated across the file is written once, with the later values winning.
 */
export function mergePlans(earlier: RowPlan, later: RowPlan): RowPlan {
  return {
    ...later,
    identity: later.identity ?? earlier.identity,
    objectId: later.objectId ?? earlier.objectId,
    ops: [...earlier.ops, ...later.ops],
    ...(later.device === undefined && earlier.device !== undefined ? { device: earlier.device } : {}),
  }
}
