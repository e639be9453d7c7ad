// An outbox record as it goes on the wire. The outbox keeps the catalogue's keys (conflicts, refusals
// and pulls compare with the local store under them); the few keys CleverTap spells otherwise are
// renamed on the way out: the time zone goes as `tz` (shared/sync/wire-keys.ts).
import { TIMEZONE_KEY, wireKeyOfCatalogue } from '../../../../shared/sync/wire-keys'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** profileData with the keys the wire uses, in the same order. */
export function wireData(data: Record<string, unknown>): Record<string, unknown> {
  if (!(TIMEZONE_KEY in data)) return data
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [wireKeyOfCatalogue(key), value]))
}

/**
 * A stored profile record's JSON with wire keys. Most payloads go out as stored, never parsed: only one
 * whose text names the time zone is parsed and rewritten. Unreadable text is left as it is (the server
 * refuses it and push parks it).
 */
export function onTheWire(payloadText: string): string {
  if (!payloadText.includes(`"${TIMEZONE_KEY}"`)) return payloadText
  let record: unknown
  try {
    record = JSON.parse(payloadText)
  } catch {
    return payloadText
  }
  if (!isPlainObject(record) || !isPlainObject(record.profileData) || !(TIMEZONE_KEY in record.profileData))
    return payloadText
  return JSON.stringify({ ...record, profileData: wireData(record.profileData) })
}
