// POST /1/upload: profile and event records in, CleverTap's {status, processed, unprocessed} envelope out.
// Every record is checked on its own (a bad one is skipped, the rest applied); the request is one transaction.

import { describeValue } from '../shared/profile/catalogue'
import { isRestrictedEventName } from '../shared/profile/restricted-events'
import { fitsBytes } from '../shared/profile/validators'
import { applyProfileData, IDENTIFIER_KEYS, type RecordError } from './profile-data'
import type { IdentifierKind, SandboxStore } from './store'
import {
  RecordCode,
  RequestFailures,
  requestFailure,
  WireText,
  withRecordNumber,
  type RequestFailure,
} from './wire-errors'
import {
  type Outcome,
  type RecordIds,
  isPlainObject,
  failure,
  newObjectId,
  readIdentifiers,
  readTimestamp,
  readIdempotencyKey,
  eventDataProblem,
  echoRecord,
  OBJECT_ID,
} from './upload-records'

export { IDEMPOTENCY_FIELD, newObjectId } from './upload-records'

export const MAX_RECORDS_PER_REQUEST = 1000

export interface UnprocessedRecord {
  status: 'fail'
  code: number
  error: string
  record: unknown
}

export interface UploadResponse {
  status: 'success' | 'partial' | 'fail'
  processed: number
  unprocessed: UnprocessedRecord[]
}

export interface UploadOptions {
  /** `?dryRun=1`: validate and report, then roll everything back. */
  dryRun: boolean
  /** Epoch seconds; the default `ts`. */
  now: number
}

class DryRunRollback extends Error {
  constructor(readonly response: UploadResponse) {
    super('dry run')
  }
}

/** Applies one upload request. Returns CleverTap's envelope (HTTP 200) or a request-level failure. */
export function handleUpload(
  store: SandboxStore,
  body: unknown,
  options: UploadOptions,
): { ok: true; response: UploadResponse } | { ok: false; failure: RequestFailure } {
  if (!isPlainObject(body) || !Array.isArray(body.d))
    return { ok: false, failure: RequestFailures.malformed() }
  const records = body.d as unknown[]
  if (records.length === 0 || records.length > MAX_RECORDS_PER_REQUEST) {
    const error = `${records.length} records in "d": send 1 to ${MAX_RECORDS_PER_REQUEST} records per request`
    return { ok: false, failure: requestFailure(400, error) }
  }
  const run = (): UploadResponse => {
    const unprocessed: UnprocessedRecord[] = []
    records.forEach((record, index) => {
      const outcome = new RecordWriter(store, options.now).apply(record)
      if (!outcome.ok) {
        unprocessed.push({
          status: 'fail',
          code: outcome.error.code,
          error: withRecordNumber(outcome.error.message, index + 1),
          record: echoRecord(record),
        })
      }
    })
    const processed = records.length - unprocessed.length
    const status = unprocessed.length === 0 ? 'success' : processed === 0 ? 'fail' : 'partial'
    const response: UploadResponse = { status, processed, unprocessed }
    if (options.dryRun) throw new DryRunRollback(response)
    return response
  }
  try {
    return { ok: true, response: store.transaction(run) }
  } catch (error) {
    if (error instanceof DryRunRollback) return { ok: true, response: error.response }
    throw error
  }
}

/** Validates one record and, when it is valid, writes it. Validation reads only, so a refused record writes nothing. */
class RecordWriter {
  constructor(
    private readonly store: SandboxStore,
    private readonly now: number,
  ) {}

  apply(record: unknown): Outcome {
    if (
      !isPlainObject(record) ||
      (record.type !== 'profile' && record.type !== 'event' && record.type !== 'token')
    ) {
      return failure(RecordCode.notEventOrProfile, WireText.notEventOrProfile)
    }
    const key = readIdempotencyKey(record)
    if (typeof key === 'object') return { ok: false, error: key }
    // A retry of a record that was applied: processed, and nothing is applied twice.
    if (key !== undefined && this.store.hasAppliedKey(key)) return { ok: true }

    const outcome =
      record.type === 'event'
        ? this.applyEvent(record, key)
        : record.type === 'token'
          ? this.applyToken(record)
          : this.applyProfile(record)
    if (outcome.ok && key !== undefined) this.store.rememberKey(key, record.type, this.now)
    return outcome
  }

  private applyEvent(record: Record<string, unknown>, key: string | undefined): Outcome {
    const ids = readIdentifiers(record)
    if ('code' in ids) return { ok: false, error: ids }
    const ts = readTimestamp(record.ts, this.now)
    if (ts === null) return failure(RecordCode.timestamp, WireText.timestamp)
    const name = record.evtName
    if (typeof name !== 'string' || name.trim() === '')
      return failure(RecordCode.eventNameMissing, WireText.eventNameMissing)
    if (isRestrictedEventName(name)) {
      return failure(RecordCode.restrictedEvent, WireText.restrictedEvent)
    }
    const data = record.evtData ?? {}
    if (!isPlainObject(data)) {
      return failure(
        RecordCode.invalidStructure,
        `Invalid event structure: evtData ${describeValue(data)} is not an object.`,
      )
    }
    const problem = eventDataProblem(data)
    if (problem)
      return failure(RecordCode.eventPropertiesLimit, `Event properties limit exceeded: ${problem}.`)

    const target = this.resolve(ids)
    if (!target.ok) return target
    const seq = this.write(ids, target.seq, ts)
    // [I] Events update the profile's per-event summary only; their properties are not copied onto it.
    this.store.recordEvent(seq, name, ts, data, key ?? null)
    return { ok: true }
  }

  /**
   * `{"type":"token","objectId","tokenData":{"id","type"}}`: the device must be known (a CleverTap ID that
   * leads to a profile). [I] The platform follows the token type: apns iOS, webpush Web, others Android.
   */
  private applyToken(record: Record<string, unknown>): Outcome {
    const objectId = record.objectId
    if (typeof objectId !== 'string' || !OBJECT_ID.test(objectId)) {
      return failure(
        RecordCode.deviceToken,
        `Token record: objectId ${describeValue(objectId)} is not a CleverTap ID.`,
      )
    }
    const data = record.tokenData
    if (
      !isPlainObject(data) ||
      typeof data.id !== 'string' ||
      data.id.trim() === '' ||
      !fitsBytes(data.id, 4096)
    ) {
      return failure(
        RecordCode.deviceToken,
        'Token record: tokenData.id must be the push token (1 to 4096 bytes).',
      )
    }
    const type = data.type
    if (typeof type !== 'string' || !/^[a-z0-9_-]{2,32}$/i.test(type)) {
      return failure(
        RecordCode.deviceToken,
        `Token record: tokenData.type ${describeValue(type)} must name the service (fcm, apns, …).`,
      )
    }
    if (this.store.findByGuid(objectId) === null) {
      return failure(
        RecordCode.deviceToken,
        `Token record: no profile has the CleverTap ID ${describeValue(objectId)}.`,
      )
    }
    const kind = type.toLowerCase()
    const platform = kind === 'apns' ? 'iOS' : kind === 'webpush' || kind === 'wp' ? 'Web' : 'Android'
    this.store.setToken(objectId, data.id.trim(), kind, platform, this.now)
    return { ok: true }
  }

  private applyProfile(record: Record<string, unknown>): Outcome {
    const data = record.profileData
    // [I] No code is documented for a profile record without profileData; 512 is the structure code.
    if (!isPlainObject(data)) {
      return failure(
        RecordCode.invalidStructure,
        `Invalid profile structure: profileData ${describeValue(data)} is not an object.`,
      )
    }
    // An identity inside profileData locates the user too when the root has none (CLEVERTAP-API.md §1).
    let identityInData: unknown
    for (const [k, v] of Object.entries(data))
      if (IDENTIFIER_KEYS.get(k.toLowerCase()) === 'identity') identityInData = v
    const ids = readIdentifiers(
      record.identity === undefined && identityInData !== undefined
        ? { ...record, identity: identityInData }
        : record,
    )
    if ('code' in ids) return { ok: false, error: ids }
    const ts = readTimestamp(record.ts, this.now)
    if (ts === null) return failure(RecordCode.timestamp, WireText.timestamp)

    const target = this.resolve(ids)
    if (!target.ok) return target
    const current = target.seq === null ? {} : (this.store.profile(target.seq)?.props ?? {})
    const applied = applyProfileData(current, data)
    if (!applied.ok) return { ok: false, error: applied.error }
    for (const identifier of applied.identifiers) {
      const owner = this.store.findByIdentifier(identifier.kind, identifier.value)
      if (owner !== null && owner !== target.seq) return this.conflict(identifier.kind, identifier.value)
    }
    const seq = this.write(ids, target.seq, ts)
    for (const identifier of applied.identifiers) this.attach(seq, identifier.kind, identifier.value)
    this.store.saveProps(seq, applied.props, Math.max(ts, this.store.profile(seq)?.updatedAt ?? ts))
    return { ok: true }
  }

  private conflict(kind: string, value: string): Outcome {
    // [I] The sandbox does not merge profiles; CleverTap's merge rules are not reproduced.
    return failure(
      RecordCode.miscellaneous,
      `${kind} ${describeValue(value)} belongs to another profile; the sandbox does not merge profiles.`,
    )
  }

  /**
   * The profile the record is for (null: a new one). Identity wins, then FBID, GPID, objectId. A known
   * device (objectId) sent with a known identity of another profile moves to that profile, as a login does
   * (PRODUCT.md §2, Scenario 2); the profile it leaves keeps its history.
   */
  private resolve(ids: RecordIds): { ok: true; seq: number | null } | { ok: false; error: RecordError } {
    const found: [string, string, number | null][] = [
      [
        'identity',
        ids.identity ?? '',
        ids.identity === undefined ? null : this.store.findByIdentifier('identity', ids.identity),
      ],
      ['FBID', ids.fbid ?? '', ids.fbid === undefined ? null : this.store.findByIdentifier('fbid', ids.fbid)],
      ['GPID', ids.gpid ?? '', ids.gpid === undefined ? null : this.store.findByIdentifier('gpid', ids.gpid)],
    ]
    const objectSeq = ids.objectId === undefined ? null : this.store.findByGuid(ids.objectId)
    const target = found.find(([, , seq]) => seq !== null)?.[2] ?? objectSeq
    for (const [label, value, seq] of found) {
      if (seq !== null && seq !== target) {
        const outcome = this.conflict(label, value)
        if (!outcome.ok) return outcome
      }
    }
    return { ok: true, seq: target }
  }

  /** Creates the profile when needed and attaches the record's identifiers to it. */
  private write(ids: RecordIds, target: number | null, ts: number): number {
    const seq = target ?? this.store.createProfile(ids.objectId ?? newObjectId(), ts)
    if (ids.objectId !== undefined && this.store.findByGuid(ids.objectId) !== seq) {
      this.store.mapObjectId(ids.objectId, seq, this.now)
    }
    if (ids.identity !== undefined) this.attach(seq, 'identity', ids.identity)
    if (ids.fbid !== undefined) this.attach(seq, 'fbid', ids.fbid)
    if (ids.gpid !== undefined) this.attach(seq, 'gpid', ids.gpid)
    return seq
  }

  private attach(seq: number, kind: IdentifierKind, value: string): void {
    if (this.store.findByIdentifier(kind, value) === null)
      this.store.attachIdentifier(seq, kind, value, this.now)
  }
}
