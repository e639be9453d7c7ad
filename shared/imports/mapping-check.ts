// The one check of a CSV mapping, with the one wording both sides show: the wizard runs it as the person
// maps columns (so the problems appear before a dry run), the backend before it reads a row. Pure and
// linear in the number of columns (Maps and Sets), so a 2,000-column file checks in no time.
import { findSystemProperty, validatePropertyKey } from '../profile/catalogue'
import type { CustomPropertyType } from '../profile/types'
import type { EventColumnTarget, ImportKind, ImportMapping, ProfileColumnTarget } from './types'

export interface MappingCheck {
  /** Everything that stops a dry run or an import, in plain words: each column's, then the mapping's. */
  problems: string[]
  /** The problem of a column (by its 0-based index), for showing it on the column's row. */
  byColumn: Record<number, string>
  /** File columns no mapping entry covers: not imported, and said so. */
  unplaced: string[]
  /** Columns mapped to "ignore". */
  ignored: string[]
}

/** A column as messages and lists name it: its header as written, or its position when it has none. */
export function columnLabel(header: string, index: number): string {
  return header.trim() === '' ? `(column ${index + 1})` : header
}

/** The key two columns may not share: the same system property, custom key, identity or objectId. */
export function targetSlot(target: ProfileColumnTarget | EventColumnTarget): string | null {
  switch (target.kind) {
    case 'ignore':
    case 'operation':
      return null
    case 'system':
      return `system:${target.key}`
    case 'custom':
      return `custom:${target.key}`
    case 'eventProperty':
      return `prop:${target.key}`
    default:
      return target.kind
  }
}

export function describeTarget(target: ProfileColumnTarget | EventColumnTarget): string {
  switch (target.kind) {
    case 'identity':
      return 'the identity'
    case 'objectId':
      return 'the objectId (CleverTap ID)'
    case 'system':
      return target.key
    case 'custom':
      return `the custom property "${target.key}" (${target.type})`
    case 'operation':
      return `the operation of "${target.of}"`
    case 'ignore':
      return 'nothing (left out)'
    case 'deviceId':
      return 'the device id'
    case 'eventName':
      return 'the event name'
    case 'timestamp':
      return 'the timestamp'
    case 'eventProperty':
      return `the event property "${target.key}" (${target.type})`
    case 'pushToken':
      return 'the push token'
    case 'platform':
      return 'the platform'
    case 'tokenType':
      return 'the token type'
    case 'appVersion':
      return 'the app version'
  }
}

export const NO_PROFILE_KEY =
  'No column is mapped to Identity or objectId: profiles are matched by one of them (a column named "identity" is usual).'
export const NO_EVENT_NAME = 'No column is mapped to the event name (e.g. "evtName").'
/** Device columns (push token, platform, token type, app version): read as one device per row. */
const DEVICE_KINDS: ReadonlySet<string> = new Set(['pushToken', 'platform', 'tokenType', 'appVersion'])
export const isDeviceTarget = (target: ProfileColumnTarget | EventColumnTarget): boolean =>
  DEVICE_KINDS.has(target.kind)

export const NO_EVENT_KEY =
  'No column is mapped to the device id (objectId) or the identity: events need one of them.'

type Entry = ImportMapping['columns'][number]

/** A device column that means nothing without a push token column. */
function withoutToken(kind: string): string {
  const what = kind === 'platform' ? 'the platform' : 'the token type'
  return `A column is mapped to ${what}, but none to the push token: ${what} is stored with a device's token (map the token column too, or leave this one out).`
}

/** The problem of one entry's target on its own (its key, its property, its operation), or null. */
function targetProblem(
  entry: Entry,
  label: string,
  entriesOf: ReadonlyMap<string, Entry[]>,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): string | null {
  const target = entry.target
  if (target.kind === 'system' && !findSystemProperty(target.key)) {
    return `"${target.key}" (column "${label}") is not a system property.`
  }
  if (target.kind === 'custom' || target.kind === 'eventProperty') {
    if (target.key === '') return `Column "${label}": give the property a key.`
    const keyError = validatePropertyKey(target.key)
    if (keyError) return `Column "${label}": ${keyError.message}`
    const system = findSystemProperty(target.key)
    if (system) {
      return `Column "${label}": "${target.key}" is a system property's name; map it as ${system.key} instead of a custom property.`
    }
  }
  if (target.kind === 'custom') {
    const known = customTypes.get(target.key)
    if (known !== undefined && known !== target.type) {
      return `Column "${label}": the custom property "${target.key}" is a ${known} property in this account; map it as ${known}, not ${target.type}.`
    }
  }
  if (target.kind === 'operation') {
    const of = entriesOf.get(target.of.trim())?.find((c) => c.index !== entry.index)
    if (!of || of.target.kind === 'ignore' || of.target.kind === 'operation') {
      return `Column "${label}" holds operations for "${target.of}", which is not an imported column.`
    }
    if (of.target.kind === 'identity' || of.target.kind === 'objectId') {
      return `Column "${label}": the identity columns take no operations.`
    }
    if (isDeviceTarget(of.target)) {
      return `Column "${label}": the device columns (push token, platform, token type) take no operations.`
    }
  }
  return null
}

/**
 * Checks a mapping against the file's headers and the account's custom property types (the wizard, which
 * does not know them, passes none: the backend's check then adds that problem, in the same words).
 */
export function checkMapping(
  mapping: ImportMapping,
  headers: readonly string[],
  customTypes: ReadonlyMap<string, CustomPropertyType>,
  kind: ImportKind,
): MappingCheck {
  const problems: string[] = []
  const byColumn: Record<number, string> = {}
  const columnProblem = (index: number, message: string) => {
    problems.push(message)
    byColumn[index] ??= message
  }
  if (mapping.kind !== kind) {
    problems.push(`The mapping is for ${mapping.kind} files, but this is imported as ${kind}.`)
  }
  const covered = new Set<number>()
  const slots = new Map<string, string>()
  const ignored: string[] = []
  // Entries by column name, for finding the column an operation column belongs to.
  const entriesOf = new Map<string, Entry[]>()
  for (const entry of mapping.columns) {
    const key = entry.column.trim()
    const list = entriesOf.get(key)
    if (list) list.push(entry)
    else entriesOf.set(key, [entry])
  }
  for (const entry of mapping.columns) {
    const header = headers[entry.index]
    if (header === undefined) {
      problems.push(
        `The mapping names column ${entry.index + 1} ("${entry.column}"), but the file has ${headers.length} columns.`,
      )
      continue
    }
    if (header.trim() !== entry.column.trim()) {
      problems.push(
        `Column ${entry.index + 1} is "${header}" in this file, not "${entry.column}" as the mapping says.`,
      )
      continue
    }
    const label = columnLabel(header, entry.index)
    if (covered.has(entry.index)) {
      columnProblem(entry.index, `Column ${entry.index + 1} ("${label}") is mapped twice.`)
      continue
    }
    covered.add(entry.index)
    if (entry.target.kind === 'ignore') {
      ignored.push(label)
      continue
    }
    const own = targetProblem(entry, label, entriesOf, customTypes)
    if (own !== null) {
      columnProblem(entry.index, own)
      continue
    }
    const slot = targetSlot(entry.target)
    if (slot === null) continue
    const other = slots.get(slot)
    if (other === undefined) slots.set(slot, label)
    else {
      columnProblem(
        entry.index,
        `Columns "${other}" and "${label}" are both mapped to ${describeTarget(entry.target)}; keep one.`,
      )
    }
  }
  const targets = new Set<string>(mapping.columns.map((c) => c.target.kind))
  const needsToken = mapping.kind === 'profiles' ? ['platform', 'tokenType'] : ['tokenType']
  for (const kind of needsToken) {
    if (targets.has(kind) && !targets.has('pushToken')) problems.push(withoutToken(kind))
  }
  if (mapping.kind === 'profiles') {
    if (!targets.has('identity') && !targets.has('objectId')) problems.push(NO_PROFILE_KEY)
  } else {
    if (!targets.has('eventName')) problems.push(NO_EVENT_NAME)
    if (!targets.has('deviceId') && !targets.has('identity')) problems.push(NO_EVENT_KEY)
  }
  const unplaced = headers.flatMap((h, i) => (covered.has(i) ? [] : [columnLabel(h, i)]))
  return { problems, byColumn, unplaced, ignored }
}
