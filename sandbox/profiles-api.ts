// Reading and deleting profiles: GET /1/profile.json (one profile), POST|GET /1/profiles.json (cursor
// download) and POST /1/delete/profiles.json, in CleverTap's response shapes (CLEVERTAP-API.md §3-§5).

import { wireKeyOfCatalogue } from '../shared/sync/wire-keys'
import { matchesQuery, parseQuery } from './query'
import type { SandboxStore, StoredProfile, StoredQuery } from './store'
import { requestFailure, RequestFailures } from './wire-errors'

export interface ApiResult {
  httpStatus: number
  body: unknown
}

export const MAX_BATCH_SIZE = 5000
// [I] The Node client's default; the API documents only the maximum.
export const DEFAULT_BATCH_SIZE = 10
/** Cursors last 4 days ([C2] S25). */
export const CURSOR_LIFETIME_SECONDS = 4 * 24 * 3600
export const MAX_DELETE_VALUES = 100

const fail = (httpStatus: number, error: string): ApiResult => {
  const failure = requestFailure(httpStatus, error)
  return { httpStatus: failure.httpStatus, body: failure.body }
}

function ok(body: Record<string, unknown>): ApiResult {
  return { httpStatus: 200, body: { status: 'success', ...body } }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Name, Email and Phone travel at the record's root like the samples' `email` (S2, S18); the rest is profileData.
const ROOT_FIELDS: Readonly<Record<string, string>> = { Name: 'name', Email: 'email', Phone: 'phone' }

/** A profile as CleverTap returns it: identity/email/name/phone, profileData, events, platformInfo. */
export function renderProfile(
  store: SandboxStore,
  profile: StoredProfile,
  withEvents: boolean,
): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  const profileData: Record<string, unknown> = {}
  const identifiers = store.identifiersOf(profile.seq)
  const identity = identifiers.find((identifier) => identifier.kind === 'identity')
  if (identity) record.identity = identity.value
  for (const [key, value] of Object.entries(profile.props)) {
    const rootName = ROOT_FIELDS[key]
    if (rootName !== undefined) record[rootName] = value
    else profileData[wireKeyOfCatalogue(key)] = value
  }
  for (const identifier of identifiers) {
    if (identifier.kind === 'fbid') profileData.FBID = identifier.value
    if (identifier.kind === 'gpid') profileData.GPID = identifier.value
  }
  record.profileData = profileData
  if (withEvents) record.events = store.eventSummaries(profile.seq)
  // One platformInfo entry per CleverTap ID that leads to the profile, with the device's token when a
  // token record set one ([I] `token_type` and `token_state` are the sandbox's own fields).
  record.platformInfo = store.objectIdsOf(profile.seq).map((objectId) => {
    const device = store.device(objectId)
    if (device === null) return { objectId }
    return {
      platform: device.platform,
      push_token: device.token,
      token_type: device.tokenType,
      token_state: device.tokenState,
      objectId,
    }
  })
  return record
}

/** GET /1/profile.json?email=|identity=|objectId= (checked in that order, like the Node client). */
export function getProfile(store: SandboxStore, params: URLSearchParams): ApiResult {
  const email = params.get('email')
  const identity = params.get('identity')
  const objectId = params.get('objectId')
  let seq: number | null
  let described: string
  if (email !== null) {
    // The Node client does not encode the query, so a '+' in an address arrives as a space.
    seq = store.findByEmail(email) ?? store.findByEmail(email.replaceAll(' ', '+'))
    described = `email "${email}"`
  } else if (identity !== null) {
    seq = store.findByIdentifier('identity', identity)
    described = `identity "${identity}"`
  } else if (objectId !== null) {
    seq = store.findByGuid(objectId)
    described = `objectId "${objectId}"`
  } else {
    return fail(400, 'Specify one of email, identity or objectId')
  }
  const profile = seq === null ? null : store.profile(seq)
  // [I] The not-found shape is undocumented: HTTP 200 with a fail status, like other per-item failures.
  if (profile === null) {
    return { httpStatus: 200, body: { status: 'fail', error: `User not found for ${described}`, code: 404 } }
  }
  return ok({ record: renderProfile(store, profile, true) })
}

function readBatchSize(params: URLSearchParams): number | string {
  const raw = params.get('batch_size')
  if (raw === null || raw === '') return DEFAULT_BATCH_SIZE
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH_SIZE) {
    return `batch_size ${JSON.stringify(raw)} is invalid: expected a whole number from 1 to ${MAX_BATCH_SIZE}`
  }
  return n
}

function encodeCursor(queryId: number, afterSeq: number): string {
  // base64url: safe in a query string unencoded, which is how the Node client sends it back.
  return Buffer.from(`${queryId}:${afterSeq}`).toString('base64url')
}

function decodeCursor(cursor: string): { queryId: number; afterSeq: number } | null {
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return match ? { queryId: Number(match[1]), afterSeq: Number(match[2]) } : null
}

/** Starts a download: POST /1/profiles.json?batch_size=N with a query body, or the old GET …&query=<json>. */
export function createCursor(
  store: SandboxStore,
  params: URLSearchParams,
  query: unknown,
  now: number,
): ApiResult {
  const batchSize = readBatchSize(params)
  if (typeof batchSize === 'string') return fail(400, batchSize)
  const conditions = parseQuery(query)
  if (typeof conditions === 'string') return fail(400, `Invalid query: ${conditions}`)
  const withEvents = params.get('events') === 'true'
  const queryId = store.createQuery(conditions, batchSize, withEvents, now)
  return ok({ cursor: encodeCursor(queryId, 0) })
}

const SCAN_CHUNK = 500

/** One page of a download: GET /1/profiles.json?cursor=C. The same cursor always gives the same page. */
export function readPage(store: SandboxStore, cursor: string, now: number): ApiResult {
  const decoded = decodeCursor(cursor)
  const query: StoredQuery | null = decoded ? store.query(decoded.queryId) : null
  if (decoded === null || query === null) return fail(400, 'Invalid cursor')
  if (now - query.createdAt > CURSOR_LIFETIME_SECONDS)
    return fail(400, 'Cursor expired: start the download again')
  const records: Record<string, unknown>[] = []
  let position = decoded.afterSeq
  let exhausted = false
  // Each pass moves `position` forward through a finite range, so the loop ends.
  while (records.length < query.batchSize) {
    const chunk = store.profilesAfter(position, query.maxSeq, SCAN_CHUNK)
    if (chunk.length === 0) {
      exhausted = true
      break
    }
    for (const profile of chunk) {
      position = profile.seq
      if (matchesQuery(store, profile, query.conditions)) {
        records.push(renderProfile(store, profile, query.withEvents))
        if (records.length === query.batchSize) break
      }
    }
  }
  const more = !exhausted && store.profilesAfter(position, query.maxSeq, 1).length > 0
  return ok(more ? { records, next_cursor: encodeCursor(query.id, position) } : { records })
}

function readDeleteValues(value: unknown, label: string): string[] | string {
  const values = Array.isArray(value) ? (value as unknown[]) : [value]
  if (values.length === 0 || values.length > MAX_DELETE_VALUES) {
    return `${label} must hold 1 to ${MAX_DELETE_VALUES} values (got ${values.length})`
  }
  const out: string[] = []
  for (const item of values) {
    const text = typeof item === 'number' && Number.isSafeInteger(item) ? String(item) : item
    if (typeof text !== 'string' || text === '') return `${label} values must be non-empty strings`
    out.push(text)
  }
  return out
}

/**
 * POST /1/delete/profiles.json with {"identity": …} or {"guid": …}. [I] The service deletes within
 * about 48 hours; the sandbox deletes at once so tests can see the effect.
 */
export function deleteProfiles(store: SandboxStore, body: unknown): ApiResult {
  if (!isPlainObject(body)) return { httpStatus: 400, body: RequestFailures.malformed().body }
  const hasIdentity = body.identity !== undefined
  const hasGuid = body.guid !== undefined
  if (hasIdentity && hasGuid) return fail(400, 'Send identity or guid, not both')
  if (!hasIdentity && !hasGuid) return fail(400, 'Send identity or guid')
  const values = readDeleteValues(hasIdentity ? body.identity : body.guid, hasIdentity ? 'identity' : 'guid')
  if (typeof values === 'string') return fail(400, values)
  store.transaction(() => {
    for (const value of values) {
      const seq = hasIdentity ? store.findByIdentifier('identity', value) : store.findByGuid(value)
      if (seq !== null) store.deleteProfile(seq)
    }
  })
  return ok({})
}
