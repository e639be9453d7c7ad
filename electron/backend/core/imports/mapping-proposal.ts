// Column mappings proposed from a file's headers: exact names, case-insensitive, common aliases (with the
// date format a header names), and custom columns typed by what their values look like. Checking a
// mapping, or taking a saved one, is mapping.ts.
import type {
  DateFormat,
  EventColumnTarget,
  EventImportMapping,
  PreviewColumn,
  ProfileColumnTarget,
  ProfileImportMapping,
} from '../../../../shared/ipc/channels/imports'
import { findSystemProperty, validatePropertyKey } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { guessDateFormat, splitFormattedHeader } from './date-formats'
import { describeTarget, targetSlot } from '../../../../shared/imports/mapping-check'

/** Lower-case, with runs of spaces, dashes, dots and underscores as one space: 'E-Mail' -> 'e mail'. */
export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, ' ')
    .trim()
}

/** Headers of device columns, the same in profile and event files. */
const TOKEN_NAMES = ['push_token', 'push token', 'token', 'fcm_token', 'apns_token', 'device_token']
const PLATFORM_NAMES = ['platform', 'os', 'device platform']
const TOKEN_TYPE_NAMES = ['token_type', 'push token type']

const PROFILE_ALIASES: Readonly<Record<string, ProfileColumnTarget>> = (() => {
  const table: Record<string, ProfileColumnTarget> = {}
  const add = (target: ProfileColumnTarget, names: string[]) => {
    for (const name of names) table[normaliseHeader(name)] = target
  }
  add({ kind: 'identity' }, ['identity', 'user id', 'userid', 'customer id', 'customerid'])
  add({ kind: 'objectId' }, ['objectId', 'object id', 'clevertap id', 'ct id', 'guid'])
  add({ kind: 'system', key: 'Name' }, ['name', 'full name', 'fullname', 'customer name'])
  add({ kind: 'system', key: 'Email' }, ['email', 'e-mail', 'email address', 'e-mail address', 'mail'])
  add({ kind: 'system', key: 'Phone' }, [
    'phone',
    'mobile',
    'mobile number',
    'mobile phone',
    'phone number',
    'cell',
    'cell phone',
    'telephone',
    'tel',
    'msisdn',
  ])
  add({ kind: 'system', key: 'Gender' }, ['gender', 'sex'])
  add({ kind: 'system', key: 'DOB' }, ['dob', 'birthday', 'date of birth', 'birth date', 'birthdate'])
  add({ kind: 'system', key: 'Timezone' }, ['timezone', 'time zone', 'tz'])
  add({ kind: 'system', key: 'Photo' }, ['photo', 'photo url', 'avatar', 'picture'])
  add({ kind: 'system', key: 'Employed' }, ['employed'])
  add({ kind: 'system', key: 'Married' }, ['married'])
  add({ kind: 'system', key: 'Education' }, ['education'])
  add({ kind: 'system', key: 'Age' }, ['age'])
  for (const channel of ['email', 'push', 'sms', 'whatsapp']) {
    add({ kind: 'system', key: `MSG-${channel}` }, [`msg-${channel}`, `msg ${channel}`])
  }
  add({ kind: 'pushToken' }, TOKEN_NAMES)
  add({ kind: 'platform' }, PLATFORM_NAMES)
  add({ kind: 'tokenType' }, TOKEN_TYPE_NAMES)
  return table
})()

const EVENT_ALIASES: Readonly<Record<string, EventColumnTarget>> = (() => {
  const table: Record<string, EventColumnTarget> = {}
  const add = (target: EventColumnTarget, names: string[]) => {
    for (const name of names) table[normaliseHeader(name)] = target
  }
  add({ kind: 'deviceId' }, [
    'objectId',
    'object id',
    'device id',
    'deviceid',
    'device',
    'guid',
    'clevertap id',
  ])
  add({ kind: 'identity' }, ['identity', 'user id', 'userid', 'customer id'])
  add({ kind: 'eventName' }, ['evtName', 'event name', 'event', 'eventname'])
  add({ kind: 'timestamp' }, ['ts', 'timestamp', 'time', 'event time', 'datetime', 'date', 'event date'])
  add({ kind: 'pushToken' }, TOKEN_NAMES)
  add({ kind: 'platform' }, PLATFORM_NAMES)
  add({ kind: 'tokenType' }, TOKEN_TYPE_NAMES)
  add({ kind: 'appVersion' }, ['app_version', 'app version', 'appversion'])
  return table
})()

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const LEADING_ZERO = /^[+-]?0\d/
const BOOLEAN = /^(true|false)$/i

/** The type a custom column's values look like: number, boolean, date, multi (JSON lists) or string. */
export function inferColumnType(samples: readonly string[]): {
  type: CustomPropertyType
  dateFormat?: DateFormat
  note?: string
} {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '')
  if (values.length === 0) return { type: 'string', note: 'no values in the first rows: read as text' }
  if (values.every((v) => BOOLEAN.test(v))) return { type: 'boolean' }
  // Leading zeros (zip codes, ids) and long digit strings are text, not numbers.
  if (values.every((v) => NUMBER.test(v) && !LEADING_ZERO.test(v) && v.replace(/\D/g, '').length <= 15)) {
    return { type: 'number' }
  }
  const date = guessDateFormat(values)
  if (date) {
    return date.ambiguousWith
      ? {
          type: 'date',
          dateFormat: date.format,
          note: `dates like these could be ${date.format} or ${date.ambiguousWith}: check the format`,
        }
      : { type: 'date', dateFormat: date.format }
  }
  if (values.every((v) => isJsonList(v))) return { type: 'multi' }
  return { type: 'string' }
}

function isJsonList(text: string): boolean {
  if (!text.startsWith('[') || !text.endsWith(']')) return false
  try {
    const parsed: unknown = JSON.parse(text)
    return (
      Array.isArray(parsed) && parsed.every((item) => typeof item === 'string' || typeof item === 'number')
    )
  } catch {
    return false
  }
}

function samplesOf(rows: readonly string[][], index: number, count = 5): string[] {
  const found: string[] = []
  for (const row of rows) {
    const cell = row[index]
    if (cell !== undefined && cell.trim() !== '') found.push(cell)
    if (found.length >= count) break
  }
  return found
}

function allValuesOf(rows: readonly string[][], index: number): string[] {
  return rows.map((row) => row[index] ?? '').filter((cell) => cell.trim() !== '')
}

interface Proposal<T> {
  columns: PreviewColumn[]
  mapping: T
}

/** Each header (trimmed, lower-case) to the first column that has it: one pass, then lookups. */
function firstColumnByHeader(headers: readonly string[]): Map<string, number> {
  const first = new Map<string, number>()
  headers.forEach((h, index) => {
    const key = h.trim().toLowerCase()
    if (!first.has(key)) first.set(key, index)
  })
  return first
}

/** Headers that repeat an earlier column's (blank ones aside), each named once. */
export function repeatedHeaders(headers: readonly string[]): string[] {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const h of headers) {
    const key = h.trim()
    if (key === '') continue
    if (seen.has(key)) repeated.add(h)
    else seen.add(key)
  }
  return [...repeated]
}

/** What one column is proposed as, how its dates read, and why (when that is worth saying). */
interface ColumnChoice<T> {
  target: T
  dateFormat: DateFormat | undefined
  note: string | undefined
}

/** Asks `choose` about every column (header trimmed) and gathers the preview rows and mapping columns. */
function proposeColumns<T extends ProfileColumnTarget | EventColumnTarget>(
  headers: readonly string[],
  rows: readonly string[][],
  choose: (header: string, index: number, firstColumn: ReadonlyMap<string, number>) => ColumnChoice<T>,
): {
  columns: PreviewColumn[]
  mapped: { column: string; index: number; target: T; dateFormat?: DateFormat }[]
} {
  const columns: PreviewColumn[] = []
  const mapped: { column: string; index: number; target: T; dateFormat?: DateFormat }[] = []
  const firstColumn = firstColumnByHeader(headers)
  headers.forEach((raw, index) => {
    const { target, dateFormat, note } = choose(raw.trim(), index, firstColumn)
    const format = dateFormat === undefined ? {} : { dateFormat }
    columns.push({
      index,
      column: raw,
      samples: samplesOf(rows, index),
      proposal: target,
      ...format,
      ...(note === undefined ? {} : { note }),
    })
    mapped.push({ column: raw, index, target, ...format })
  })
  return { columns, mapped }
}

/** Proposes a target for every column of a profile file. */
export function proposeProfileMapping(
  headers: readonly string[],
  rows: readonly string[][],
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): Proposal<ProfileImportMapping> {
  const taken = new Set<string>()
  // A platform or token type column is a device's only beside a token column (else a property, as before).
  const hasToken = headers.some((h) => PROFILE_ALIASES[normaliseHeader(h)]?.kind === 'pushToken')
  const { columns, mapped } = proposeColumns<ProfileColumnTarget>(
    headers,
    rows,
    (header, index, firstColumn) => {
      let target: ProfileColumnTarget = { kind: 'ignore' }
      let dateFormat: DateFormat | undefined
      let note: string | undefined
      const firstIndex = firstColumn.get(header.toLowerCase()) ?? index
      const operationOf = /^(.*)\.operation$/i.exec(header)?.[1]
      const formatted = splitFormattedHeader(header)
      if (header === '') {
        note = `column ${index + 1} has no header: left out`
      } else if (firstIndex !== index) {
        note = `the header "${header}" repeats column ${firstIndex + 1}: left out (map it to another property to import it)`
      } else if (operationOf !== undefined) {
        const ofIndex = firstColumn.get(operationOf.trim().toLowerCase())
        const of = ofIndex === undefined ? undefined : headers[ofIndex]
        if (of !== undefined) target = { kind: 'operation', of: of.trim() }
        else note = `"${header}" names a column "${operationOf}" the file does not have: left out`
      } else {
        let alias: ProfileColumnTarget | undefined = PROFILE_ALIASES[normaliseHeader(header)]
        if (!hasToken && (alias?.kind === 'platform' || alias?.kind === 'tokenType')) alias = undefined
        const system = findSystemProperty(header)
        if (alias) target = alias
        else if (system)
          target = system.key === 'Identity' ? { kind: 'identity' } : { kind: 'system', key: system.key }
        else {
          const name = formatted?.name ?? header
          const keyError = validatePropertyKey(name)
          if (keyError) {
            note = `"${name}" cannot be a property key (${keyError.rule}): left out; map it to a key of your choice to import it`
          } else {
            const known = customTypes.get(name)
            const inferred = formatted
              ? { type: 'date' as const, dateFormat: formatted.format }
              : inferColumnType(allValuesOf(rows, index))
            const type = known ?? inferred.type
            target = { kind: 'custom', key: name, type }
            if (type === 'date') dateFormat = inferred.type === 'date' ? inferred.dateFormat : 'auto'
            if (known !== undefined && known !== inferred.type) {
              note = `"${name}" is a ${known} property in this account; the values will be read as ${known}`
            } else if ('note' in inferred && inferred.note) note = inferred.note
          }
        }
        if (target.kind === 'system' && target.key === 'DOB') {
          const guess = guessDateFormat(allValuesOf(rows, index))
          dateFormat = guess?.format ?? 'auto'
          if (guess?.ambiguousWith)
            note = `dates like these could be ${guess.format} or ${guess.ambiguousWith}: check the format`
        }
        const slot = targetSlot(target)
        if (slot !== null && taken.has(slot)) {
          note = `another column is already proposed as ${describeTarget(target)}: left out`
          target = { kind: 'ignore' }
          dateFormat = undefined
        } else if (slot !== null) taken.add(slot)
      }
      return { target, dateFormat, note }
    },
  )
  return { columns, mapping: { kind: 'profiles', columns: mapped } }
}

/** Proposes a target for every column of an event file (other columns become event properties). */
export function proposeEventMapping(
  headers: readonly string[],
  rows: readonly string[][],
): Proposal<EventImportMapping> {
  const taken = new Set<string>()
  const { columns, mapped } = proposeColumns<EventColumnTarget>(
    headers,
    rows,
    (header, index, firstColumn) => {
      let target: EventColumnTarget = { kind: 'ignore' }
      let dateFormat: DateFormat | undefined
      let note: string | undefined
      if (header === '') note = `column ${index + 1} has no header: left out`
      else if (firstColumn.get(header.toLowerCase()) !== index) {
        note = `the header "${header}" repeats an earlier column: left out`
      } else {
        const alias = EVENT_ALIASES[normaliseHeader(header)]
        if (alias && !taken.has(alias.kind)) {
          target = alias
          taken.add(alias.kind)
          if (alias.kind === 'timestamp') {
            const values = allValuesOf(rows, index)
            const guess = values.every((v) => /^\d{9,10}$/.test(v.trim())) ? null : guessDateFormat(values)
            dateFormat = guess?.format ?? 'auto'
          }
        } else {
          const keyError = validatePropertyKey(header)
          if (keyError) note = `"${header}" cannot be a property key (${keyError.rule}): left out`
          else {
            const inferred = inferColumnType(allValuesOf(rows, index))
            const type = inferred.type === 'multi' ? 'string' : inferred.type
            target = { kind: 'eventProperty', key: header, type }
            if (type === 'date') dateFormat = inferred.dateFormat ?? 'auto'
          }
        }
      }
      return { target, dateFormat, note }
    },
  )
  return { columns, mapping: { kind: 'events', columns: mapped } }
}
