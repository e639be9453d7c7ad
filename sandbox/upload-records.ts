// The checks of one upload record, each on its own: its identifiers, timestamp, idempotency key and event
// data, and the record as the service echoes it back. upload.ts applies the records that pass.
import { randomUUID } from 'node:crypto'
import {
  describeValue,
  isPlaceholderIdentifier,
  propertyError,
  validateIdentifier,
} from '../shared/profile/catalogue'
import { fitsBytes, LIMITS } from '../shared/profile/validators'
import { type RecordError } from './profile-data'
import type { IdentifierKind } from './store'
import { RecordCode, WireText } from './wire-errors'

/**
 * Sandbox extension, not a CleverTap field: a per-record idempotency key. A record whose key was
 * already applied is reported processed and not applied again (see sandbox/README.md).
 */
export const IDEMPOTENCY_FIELD = '$idem'

const MAX_IDEMPOTENCY_KEY_CHARS = 128
// [I] CleverTap IDs seen in the wild: '-' + 32 hex (SDK), UUIDs (web), '__h' + custom ID (1-64 of these).
export const OBJECT_ID = /^[A-Za-z0-9()!:@$_-]{1,128}$/
const MAX_EVENT_PROPERTIES = 256

export type Outcome = { ok: true } | { ok: false; error: RecordError }

export interface RecordIds {
  objectId?: string
  identity?: string
  fbid?: string
  gpid?: string
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function failure(code: number, message: string): Outcome {
  return { ok: false, error: { code, message } }
}

/** A fresh CleverTap ID shaped like the SDKs' ('-' and 32 hex digits). */
export function newObjectId(): string {
  return `-${randomUUID().replaceAll('-', '')}`
}

export function identifierText(value: unknown): string | undefined | null {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return typeof value === 'string' ? value : null
}

/** The record's root identifiers, or the 523/526 failure. Empty values count as absent. */
export function readIdentifiers(record: Record<string, unknown>): RecordIds | RecordError {
  const ids: RecordIds = {}
  const roots: [IdentifierKind, unknown][] = [
    ['identity', record.identity],
    ['fbid', record.FBID ?? record.fbId],
    ['gpid', record.GPID ?? record.gpId],
  ]
  for (const [kind, raw] of roots) {
    const text = identifierText(raw)
    if (text === undefined) continue
    if (text === null) {
      const label = kind === 'identity' ? 'identity' : kind.toUpperCase()
      return {
        code: RecordCode.missingIdentity,
        message: propertyError(label, raw, 'is not text', 'expected a string').message,
      }
    }
    const broken = validateIdentifier(kind, text)
    if (broken) return { code: RecordCode.missingIdentity, message: broken.message }
    ids[kind] = text
  }
  const objectId = record.objectId
  if (objectId !== undefined && objectId !== '') {
    if (typeof objectId !== 'string' || !OBJECT_ID.test(objectId) || isPlaceholderIdentifier(objectId)) {
      const rule = 'expected 1 to 128 characters of A-Z a-z 0-9 ( ) ! : @ $ _ -, not a placeholder'
      return {
        code: RecordCode.objectId,
        message: `${WireText.objectId} ${describeValue(objectId)}: ${rule}.`,
      }
    }
    ids.objectId = objectId
  }
  if (
    ids.identity === undefined &&
    ids.fbid === undefined &&
    ids.gpid === undefined &&
    ids.objectId === undefined
  ) {
    return { code: RecordCode.missingIdentity, message: WireText.missingIdentity }
  }
  return ids
}

/** `ts` in epoch seconds: absent means now; 0, negative, fractional or millisecond values are refused. */
export function readTimestamp(value: unknown, now: number): number | null {
  if (value === undefined) return now
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 9_999_999_999 ? n : null
}

export function readIdempotencyKey(record: Record<string, unknown>): string | undefined | RecordError {
  const key = record[IDEMPOTENCY_FIELD]
  if (key === undefined) return undefined
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_CHARS) {
    return {
      code: RecordCode.invalidStructure,
      message: `Invalid record structure: ${IDEMPOTENCY_FIELD} ${describeValue(key)} must be a non-empty string of at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters.`,
    }
  }
  return key
}

/** Event property limits (CLEVERTAP-API.md §2): 256 properties, keys ≤120 bytes, text values ≤512 bytes. */
export function eventDataProblem(data: Record<string, unknown>): string | null {
  const keys = Object.keys(data)
  if (keys.length > MAX_EVENT_PROPERTIES) {
    return `${keys.length} properties (at most ${MAX_EVENT_PROPERTIES} per event)`
  }
  for (const key of keys) {
    if (key.trim() === '' || !fitsBytes(key, LIMITS.keyBytes)) {
      return `property key ${describeValue(key)} (1 to ${LIMITS.keyBytes} bytes)`
    }
  }
  // Charged carries Items: [{…}], so text is checked at any depth (bounded by JSON's own nesting).
  const stack: unknown[] = [data]
  while (stack.length > 0) {
    const value = stack.pop()
    if (typeof value === 'string' && !fitsBytes(value, LIMITS.valueBytes)) {
      return `value ${describeValue(value)} (text values at most ${LIMITS.valueBytes} bytes)`
    }
    if (Array.isArray(value)) stack.push(...(value as unknown[]))
    else if (isPlainObject(value)) stack.push(...Object.values(value))
  }
  return null
}

/** What the service echoes back: the record as sent, except Phone as a number without '+' ([C] S5). */
export function echoRecord(record: unknown): unknown {
  if (!isPlainObject(record) || !isPlainObject(record.profileData)) return record
  const phone = record.profileData.Phone
  if (typeof phone !== 'string' || !/^\+\d{1,15}$/.test(phone)) return record
  return { ...record, profileData: { ...record.profileData, Phone: Number(phone.slice(1)) } }
}
