// Reading one upload reply against the records it answers: which records the server refused (by their
// "Skipped record number" or echoed `$idem`), and whether its counts account for every record sent.
import { catalogueKeyOfWire } from '../../../../shared/sync/wire-keys'
import type { UploadReply } from './client'
import { IDEMPOTENCY_FIELD, type PlannedRecord } from './outbox-coalesce'

const RECORD_NUMBER = /\s*Skipped record number\s*:\s*(\d+)\s*$/

export interface ReadReply {
  /** Refused records by their index in the batch, with the server's code and message. */
  refused: Map<number, { code: number; message: string }>
  /**
   * `processed` + `unprocessed` equals the records sent. When it does not, the records not named as
   * refused cannot be told apart (which of them did the server process?): they stay queued.
   */
  accounted: boolean
}

/** The server's message without the batch-relative "Skipped record number : i" suffix. */
export function serverMessage(error: string): string {
  return error.replace(RECORD_NUMBER, '').trim()
}

/** The profileData keys of a record's JSON, as the local store names them ('tz' is Timezone). */
export function keysOf(json: string): string[] {
  const record: unknown = JSON.parse(json)
  const data = (record as { profileData?: unknown } | null)?.profileData
  return typeof data === 'object' && data !== null ? Object.keys(data).map(catalogueKeyOfWire) : []
}

/** Which records of a batch the server refused, or null when its reply cannot be attributed. */
export function readReply(reply: UploadReply, records: readonly PlannedRecord[]): ReadReply | null {
  const refused = new Map<number, { code: number; message: string }>()
  for (const item of reply.unprocessed) {
    let index: number | undefined
    const numbered = RECORD_NUMBER.exec(item.error)
    if (numbered) index = Number(numbered[1]) - 1
    const echoed = item.record as Record<string, unknown> | undefined
    const key = echoed?.[IDEMPOTENCY_FIELD]
    if ((index === undefined || index < 0 || index >= records.length) && typeof key === 'string') {
      index = records.findIndex((r) => r.idem === key)
    }
    if (index === undefined || index < 0 || index >= records.length || refused.has(index)) return null
    refused.set(index, { code: item.code, message: serverMessage(item.error) })
  }
  return { refused, accounted: reply.processed + reply.unprocessed.length === records.length }
}
