// Column mappings checked before anything is read (identity column present, no target used twice, custom
// types that agree with the account), and a saved mapping taken by header name. Every column ends up
// placed or plainly reported. Proposing a mapping from the headers is mapping-proposal.ts.
import type {
  EventColumnTarget,
  ImportKind,
  ImportMapping,
  ProfileColumnTarget,
} from '../../../../shared/ipc/channels/imports'
import { findSystemProperty, validatePropertyKey } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType } from '../../../../shared/profile/types'

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
  }
}

/**
 * A saved mapping applied to a file's headers: each saved column is matched by header text (the first
 * unused column with that header). Columns of the file the saved mapping does not know are unplaced.
 */
export function applySavedMapping(
  saved: ImportMapping,
  headers: readonly string[],
): { mapping: ImportMapping; unplaced: string[]; missing: string[] } {
  const used = new Set<number>()
  const missing: string[] = []
  // The file's columns of each header, in order; a saved column takes the first one not taken yet.
  const columnsOf = new Map<string, { indexes: number[]; next: number }>()
  headers.forEach((h, i) => {
    const key = h.trim()
    const found = columnsOf.get(key)
    if (found) found.indexes.push(i)
    else columnsOf.set(key, { indexes: [i], next: 0 })
  })
  const place = <T extends { column: string; index: number }>(columns: T[]): T[] => {
    const placed: T[] = []
    for (const column of columns) {
      const found = columnsOf.get(column.column.trim())
      const index = found?.indexes[found.next++]
      if (index === undefined) {
        missing.push(column.column)
        continue
      }
      used.add(index)
      placed.push({ ...column, index, column: headers[index] as string })
    }
    return placed
  }
  const mapping: ImportMapping =
    saved.kind === 'profiles'
      ? { kind: 'profiles', columns: place(saved.columns) }
      : { kind: 'events', columns: place(saved.columns) }
  const unplaced = headers.flatMap((h, i) => (used.has(i) ? [] : [h || `(column ${i + 1})`]))
  return { mapping, unplaced, missing }
}

export interface MappingCheck {
  problems: string[]
  /** File columns no mapping entry covers: not imported, and said so. */
  unplaced: string[]
  /** Columns mapped to "ignore". */
  ignored: string[]
}

/** Checks a mapping against the file's headers and the account's custom property types. */
export function checkMapping(
  mapping: ImportMapping,
  headers: readonly string[],
  customTypes: ReadonlyMap<string, CustomPropertyType>,
  kind: ImportKind,
): MappingCheck {
  const problems: string[] = []
  if (mapping.kind !== kind) {
    problems.push(`The mapping is for ${mapping.kind} files, but this is imported as ${kind}.`)
  }
  const covered = new Set<number>()
  const slots = new Map<string, string>()
  const ignored: string[] = []
  // Entries by column name, for finding the column an operation column belongs to.
  const entriesOf = new Map<string, (typeof mapping.columns)[number][]>()
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
    if (covered.has(entry.index)) {
      problems.push(`Column ${entry.index + 1} ("${header}") is mapped twice.`)
      continue
    }
    covered.add(entry.index)
    const target = entry.target
    if (target.kind === 'ignore') {
      ignored.push(header || `(column ${entry.index + 1})`)
      continue
    }
    const slot = targetSlot(target)
    if (slot !== null) {
      const other = slots.get(slot)
      if (other !== undefined) {
        problems.push(
          `Columns "${other}" and "${header}" are both mapped to ${describeTarget(target)}; keep one.`,
        )
      } else slots.set(slot, header)
    }
    if (target.kind === 'system') {
      const property = findSystemProperty(target.key)
      if (!property) problems.push(`"${target.key}" (column "${header}") is not a system property.`)
    }
    if (target.kind === 'custom' || target.kind === 'eventProperty') {
      const keyError = validatePropertyKey(target.key)
      if (keyError) problems.push(`Column "${header}": ${keyError.message}`)
      else if (findSystemProperty(target.key)) {
        problems.push(
          `Column "${header}": "${target.key}" is a system property's name; map it as ${findSystemProperty(target.key)?.key} instead of a custom property.`,
        )
      }
    }
    if (target.kind === 'custom') {
      const known = customTypes.get(target.key)
      if (known !== undefined && known !== target.type) {
        problems.push(
          `Column "${header}": the custom property "${target.key}" is a ${known} property in this account; map it as ${known}, not ${target.type}.`,
        )
      }
    }
    if (target.kind === 'operation') {
      const of = entriesOf.get(target.of.trim())?.find((c) => c.index !== entry.index)
      if (!of || of.target.kind === 'ignore' || of.target.kind === 'operation') {
        problems.push(
          `Column "${header}" holds operations for "${target.of}", which is not an imported column.`,
        )
      } else if (of.target.kind === 'identity' || of.target.kind === 'objectId') {
        problems.push(`Column "${header}": the identity columns take no operations.`)
      }
    }
  }
  if (mapping.kind === 'profiles') {
    const keys = mapping.columns.filter((c) => c.target.kind === 'identity' || c.target.kind === 'objectId')
    if (keys.length === 0) {
      problems.push(
        'No column is mapped to identity or objectId: profiles are matched by one of them (a column named "identity" is usual).',
      )
    }
  } else {
    const targets = new Set(mapping.columns.map((c) => c.target.kind))
    if (!targets.has('eventName')) problems.push('No column is mapped to the event name (e.g. "evtName").')
    if (!targets.has('deviceId') && !targets.has('identity')) {
      problems.push(
        'No column is mapped to the device id (objectId) or the identity: events need one of them.',
      )
    }
  }
  const unplaced = headers.flatMap((h, i) => (covered.has(i) ? [] : [h || `(column ${i + 1})`]))
  return { problems, unplaced, ignored }
}
