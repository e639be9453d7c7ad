// One row of an events file checked against the mapping: its device id and/or identity, event name,
// timestamp and typed properties, or the problem that rejects it; and the key a valid event is
// remembered by (a hash of its values), so running the file again stores nothing twice.
import { createHash } from 'node:crypto'
import type { DateFormat, EventImportMapping, RowProblem } from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import {
  describeValue,
  isPlaceholderIdentifier,
  validateIdentifier,
} from '../../../../shared/profile/catalogue'
import { toDollarDate } from '../../../../shared/profile/validators-dates'
import { validateEventInput } from '../profiles/login'
import type { ParsedRow } from './csv-reader'
import { parseDateCell } from './date-formats'
import { DeviceColumns, type DeviceCells } from './device-cells'

export interface StagedEvent {
  line: number
  ts: number
  deviceId: string | null
  identity: string | null
  name: string
  props: Record<string, unknown>
  /** The device columns' values (all null when empty); null when the mapping has no device column. */
  device: DeviceCells | null
}

export type EventVerdict = { ok: true; event: StagedEvent } | { ok: false; problem: RowProblem }

const MAX_DEVICE_ID = 256

export class EventRowValidator {
  private readonly deviceIndex: number
  private readonly identityIndex: number
  private readonly nameIndex: number
  private readonly tsIndex: number
  private readonly tsFormat: DateFormat
  private readonly device: DeviceColumns
  private readonly props: {
    index: number
    key: string
    type: 'string' | 'number' | 'boolean' | 'date'
    dateFormat: DateFormat
  }[]

  constructor(
    mapping: EventImportMapping,
    private readonly headerCount: number,
    private readonly defaultTs: number,
  ) {
    const find = (kind: string) => mapping.columns.find((c) => c.target.kind === kind)
    this.device = new DeviceColumns(mapping)
    this.deviceIndex = find('deviceId')?.index ?? -1
    this.identityIndex = find('identity')?.index ?? -1
    this.nameIndex = find('eventName')?.index ?? -1
    const ts = find('timestamp')
    this.tsIndex = ts?.index ?? -1
    this.tsFormat = ts?.dateFormat ?? 'auto'
    this.props = mapping.columns.flatMap((c) =>
      c.target.kind === 'eventProperty'
        ? [{ index: c.index, key: c.target.key, type: c.target.type, dateFormat: c.dateFormat ?? 'auto' }]
        : [],
    )
  }

  get hasTimestamp(): boolean {
    return this.tsIndex !== -1
  }

  validate(row: ParsedRow): EventVerdict {
    const reject = (column: string | null, value: string | null, reason: string): EventVerdict => ({
      ok: false,
      problem: { line: row.line, column, value, reason },
    })
    const cells = row.cells
    if (row.problem) return reject(null, null, `Line ${row.line}: ${row.problem}.`)
    if (
      cells.length !== this.headerCount &&
      !(cells.length > this.headerCount && cells.slice(this.headerCount).every((c) => c.trim() === ''))
    ) {
      return reject(
        null,
        null,
        `Line ${row.line} has ${cells.length} values but the header has ${this.headerCount} columns.`,
      )
    }
    const cell = (index: number) => (index === -1 ? '' : (cells[index] ?? '').trim())
    const deviceId = cell(this.deviceIndex)
    const identity = cell(this.identityIndex)
    const name = cell(this.nameIndex)
    if (deviceId === '' && identity === '') {
      return reject(
        'objectId',
        '',
        'The event has no device id (objectId) and no identity: it cannot be placed on a profile.',
      )
    }
    if (
      deviceId !== '' &&
      (isPlaceholderIdentifier(deviceId) || deviceId.length > MAX_DEVICE_ID || /\s/.test(deviceId))
    ) {
      return reject(
        'objectId',
        deviceId,
        `Device id ${describeValue(deviceId)} is not a CleverTap ID (no spaces, at most ${MAX_DEVICE_ID} characters).`,
      )
    }
    if (identity !== '') {
      const error = validateIdentifier('identity', identity)
      if (error) return reject('identity', identity, error.message)
    }
    if (name === '') return reject('evtName', '', 'The event has no name.')
    let ts = this.defaultTs
    if (this.tsIndex !== -1) {
      const raw = cell(this.tsIndex)
      if (raw === '') return reject('ts', '', 'The event has no timestamp.')
      const parsed = parseDateCell(raw, this.tsFormat)
      if (!parsed.ok) return reject('ts', raw, `Timestamp ${describeValue(raw)} ${parsed.reason}.`)
      ts = parsed.seconds
    }
    const props: Record<string, unknown> = {}
    for (const p of this.props) {
      const value = cell(p.index)
      if (value === '') continue
      if (p.type === 'number') {
        const n = Number(value)
        if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value) || !Number.isFinite(n)) {
          return reject(
            p.key,
            value,
            `${p.key} ${describeValue(value)} is not a number (expected a number, e.g. 42 or 3.5).`,
          )
        }
        props[p.key] = n
      } else if (p.type === 'boolean') {
        const lower = value.toLowerCase()
        if (lower !== 'true' && lower !== 'false' && lower !== '1' && lower !== '0') {
          return reject(
            p.key,
            value,
            `${p.key} ${describeValue(value)} is not a boolean (expected true or false; 1/0 are accepted).`,
          )
        }
        props[p.key] = lower === 'true' || lower === '1'
      } else if (p.type === 'date') {
        const parsed = parseDateCell(value, p.dateFormat)
        if (!parsed.ok) return reject(p.key, value, `${p.key} ${describeValue(value)} ${parsed.reason}.`)
        props[p.key] = toDollarDate(parsed.seconds)
      } else props[p.key] = value
    }
    const device = this.device.read(cells)
    if (!device.ok) return reject(device.column, device.value, device.reason)
    const event: StagedEvent = {
      line: row.line,
      ts,
      deviceId: deviceId === '' ? null : deviceId,
      identity: identity === '' ? null : identity,
      name,
      props,
      device: this.device.mapped
        ? (device.device ?? { pushToken: null, platform: null, tokenType: null, appVersion: null })
        : null,
    }
    try {
      validateEventInput({
        deviceId: deviceId || 'device',
        name,
        props,
        ts,
        ...(identity === '' ? {} : { identity }),
      })
    } catch (error) {
      if (error instanceof AppError) {
        const details = (error.details ?? {}) as { key?: string; value?: unknown }
        return reject(
          details.key ?? null,
          details.value === undefined ? null : String(details.value),
          error.message,
        )
      }
      throw error
    }
    return { ok: true, event }
  }
}

export function eventKey(e: StagedEvent): string {
  return createHash('sha1')
    .update(JSON.stringify([e.deviceId, e.identity, e.name, e.ts, e.props]))
    .digest('base64url')
}
