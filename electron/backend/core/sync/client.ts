// The CleverTap REST client: one HTTP attempt per call, classified into what sync does next (done,
// retry with backoff, stop for credentials, split a refused batch, stop for a wrong address). Retrying
// is backoff.ts's job. The passcode goes only into the request header, never into a message, and never
// follows a redirect.
import { parseRetryAfter } from './retry-after'

export interface RemoteConnection {
  /** e.g. https://in1.api.clevertap.com/1 or http://127.0.0.1:40123/1 */
  endpoint: string
  accountId: string
  passcode: string
}

export type FailureKind =
  /** 401/403: stop and ask for credentials. */
  | 'unauthorized'
  /** 429: too many concurrent requests. */
  | 'throttled'
  /** 5xx or an unreadable reply. */
  | 'server'
  /** The connection broke after the request may have arrived (reset, closed): the reply is lost. */
  | 'network'
  /** The server could not be reached at all (refused, DNS, unreachable). */
  | 'offline'
  | 'timeout'
  /** 400/413: the request itself is refused; resending it unchanged cannot help. */
  | 'bad-request'
  /**
   * 404/405, a redirect, or a reply that is not the API's JSON (a proxy's web page): the base URL or
   * region points somewhere else. Nothing the records hold is to blame; the run stops.
   */
  | 'wrong-address'
  | 'cancelled'

export interface Failure {
  ok: false
  kind: FailureKind
  status: number | null
  message: string
  /** A 429/503's Retry-After, in ms from when the reply arrived (seconds or an HTTP date). */
  retryAfterMs?: number
}

export type Outcome<T> = { ok: true; value: T } | Failure

export interface UnprocessedRecord {
  status?: string
  code: number
  error: string
  record?: unknown
}

export interface UploadReply {
  status: string
  processed: number
  unprocessed: UnprocessedRecord[]
}

/** A profile as GET /1/profile.json and the cursor download return it (CLEVERTAP-API.md §3, §4). */
export interface RemoteProfile {
  identity?: string | number
  name?: string
  email?: string
  phone?: string | number
  profileData?: Record<string, unknown>
  platformInfo?: Record<string, unknown>[]
  [key: string]: unknown
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The error codes in a fetch failure's cause chain (undici wraps socket errors, sometimes in an AggregateError). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = []
  const stack: unknown[] = [error]
  for (let depth = 0; stack.length > 0 && depth < 10; depth += 1) {
    const current = stack.pop()
    if (!isPlainObject(current) && !(current instanceof Error)) continue
    const record = current as unknown as Record<string, unknown>
    if (typeof record.code === 'string') codes.push(record.code)
    if (record.cause !== undefined) stack.push(record.cause)
    if (Array.isArray(record.errors)) stack.push(...(record.errors as unknown[]))
  }
  return codes
}

/** A request body that is JSON text already (upload records straight from the outbox). */
class RawJson {
  constructor(readonly text: string) {}
}

function failure(kind: FailureKind, status: number | null, message: string, retryAfterMs?: number): Failure {
  return retryAfterMs === undefined
    ? { ok: false, kind, status, message }
    : { ok: false, kind, status, message, retryAfterMs }
}

/** What to check when the address looks wrong: said the same way for every endpoint. */
const CHECK_ADDRESS =
  'Check the base URL, or the region your CleverTap account lives in, in Settings (or --base-url/--region).'

function serverText(body: unknown): string | null {
  if (!isPlainObject(body)) return null
  return typeof body.error === 'string' ? body.error : null
}

export class CleverTapClient {
  constructor(
    private readonly connection: RemoteConnection,
    private readonly options: { fetch: typeof fetch; timeoutMs: number },
  ) {}

  get endpoint(): string {
    return this.connection.endpoint
  }

  /** POST /1/upload with 1..1000 records, each given as its JSON text. */
  async upload(recordsJson: readonly string[], signal?: AbortSignal): Promise<Outcome<UploadReply>> {
    const payload = new RawJson(`{"d":[${recordsJson.join(',')}]}`)
    const reply = await this.request('POST', '/upload', '', payload, signal)
    if (!reply.ok) return reply
    const body = reply.value
    if (!isPlainObject(body) || typeof body.processed !== 'number' || !Array.isArray(body.unprocessed)) {
      // JSON, but not the upload API's envelope: another service answers at this address.
      return failure(
        'wrong-address',
        200,
        `The remote address looks wrong: ${this.connection.endpoint}/upload answered with JSON that is not ` +
          `CleverTap's upload reply {status, processed, unprocessed}; nothing was counted as sent. ${CHECK_ADDRESS}`,
      )
    }
    const unprocessed: UnprocessedRecord[] = []
    for (const item of body.unprocessed as unknown[]) {
      if (!isPlainObject(item)) continue
      unprocessed.push({
        code: typeof item.code === 'number' ? item.code : 555,
        error: typeof item.error === 'string' ? item.error : 'Refused by the server (no message).',
        record: item.record,
        ...(typeof item.status === 'string' ? { status: item.status } : {}),
      })
    }
    return {
      ok: true,
      value: {
        status: typeof body.status === 'string' ? body.status : '',
        processed: body.processed,
        unprocessed,
      },
    }
  }

  /** POST /1/delete/profiles.json by CleverTap ID (guid), at most 100 per call. */
  async deleteByGuid(guids: readonly string[], signal?: AbortSignal): Promise<Outcome<null>> {
    const reply = await this.request('POST', '/delete/profiles.json', '', { guid: guids }, signal)
    if (!reply.ok) return reply
    if (isPlainObject(reply.value) && reply.value.status === 'fail') {
      return failure('bad-request', 200, serverText(reply.value) ?? 'The server refused the delete.')
    }
    return { ok: true, value: null }
  }

  /** GET /1/profile.json?objectId=…: the profile, or null when the server has none. */
  async profileByObjectId(objectId: string, signal?: AbortSignal): Promise<Outcome<RemoteProfile | null>> {
    return this.lookup(`objectId=${encodeURIComponent(objectId)}`, signal)
  }

  async profileByIdentity(identity: string, signal?: AbortSignal): Promise<Outcome<RemoteProfile | null>> {
    return this.lookup(`identity=${encodeURIComponent(identity)}`, signal)
  }

  /** POST /1/profiles.json?batch_size=N with a query body: the first cursor of a download. */
  async startDownload(query: unknown, batchSize: number, signal?: AbortSignal): Promise<Outcome<string>> {
    const reply = await this.request('POST', '/profiles.json', `batch_size=${batchSize}`, query, signal)
    if (!reply.ok) return reply
    const body = reply.value
    const cursor = isPlainObject(body) ? (body.cursor ?? body.next_cursor) : undefined
    if (!isPlainObject(body) || body.status !== 'success' || typeof cursor !== 'string') {
      return failure(
        'bad-request',
        200,
        serverText(body) ?? 'The download did not start (no cursor in the reply).',
      )
    }
    return { ok: true, value: cursor }
  }

  /** GET /1/profiles.json?cursor=C: one page and the next cursor (null on the last page). */
  async readPage(
    cursor: string,
    signal?: AbortSignal,
  ): Promise<Outcome<{ records: RemoteProfile[]; next: string | null }>> {
    // Cursors arrive already %-encoded (CLEVERTAP-API.md §4): sent back as they are.
    const reply = await this.request('GET', '/profiles.json', `cursor=${cursor}`, undefined, signal)
    if (!reply.ok) return reply
    const body = reply.value
    if (!isPlainObject(body) || body.status !== 'success') {
      return failure('bad-request', 200, serverText(body) ?? 'The download page was refused.')
    }
    const records = Array.isArray(body.records) ? (body.records as unknown[]).filter(isPlainObject) : []
    const next = typeof body.next_cursor === 'string' && body.next_cursor !== '' ? body.next_cursor : null
    return { ok: true, value: { records: records as RemoteProfile[], next } }
  }

  private async lookup(query: string, signal?: AbortSignal): Promise<Outcome<RemoteProfile | null>> {
    const reply = await this.request('GET', '/profile.json', query, undefined, signal)
    if (!reply.ok) return reply
    const body = reply.value
    if (isPlainObject(body) && body.status === 'success' && isPlainObject(body.record)) {
      return { ok: true, value: body.record as RemoteProfile }
    }
    // [I] Not found is HTTP 200 with a fail status (CLEVERTAP-API.md §3).
    return { ok: true, value: null }
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    query: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<Outcome<unknown>> {
    if (signal?.aborted) return failure('cancelled', null, 'Cancelled.')
    const url = `${this.connection.endpoint}${path}${query ? `?${query}` : ''}`
    const headers: Record<string, string> = {
      'X-CleverTap-Account-Id': this.connection.accountId,
      'X-CleverTap-Passcode': this.connection.passcode,
    }
    // The newest docs say to omit Content-Type on GET (CLEVERTAP-API.md §0).
    if (body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8'
    const timeout = AbortSignal.timeout(this.options.timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    let response: Response
    let text: string
    try {
      response = await this.options.fetch(url, {
        method,
        headers,
        // Never follow a redirect: fetch would send the passcode header on to wherever it points.
        redirect: 'manual',
        ...(body !== undefined ? { body: body instanceof RawJson ? body.text : JSON.stringify(body) } : {}),
        signal: combined,
      })
      text = await response.text()
    } catch (error) {
      if (signal?.aborted) return failure('cancelled', null, 'Cancelled.')
      if (timeout.aborted) {
        return failure(
          'timeout',
          null,
          `No reply from ${this.connection.endpoint} within ${this.options.timeoutMs} ms.`,
        )
      }
      const codes = errorCodes(error)
      if (codes.some((code) => OFFLINE_CODES.has(code))) {
        return failure('offline', null, `Cannot reach ${this.connection.endpoint} (${codes.join(', ')}).`)
      }
      const detail = codes.length > 0 ? codes.join(', ') : ((error as Error)?.message ?? 'connection lost')
      return failure('network', null, `The connection to ${this.connection.endpoint} broke (${detail}).`)
    }
    return this.classify(response, text, path)
  }

  /** What one HTTP reply means for sync. */
  private classify(response: Response, text: string, path: string): Outcome<unknown> {
    let parsed: unknown
    try {
      parsed = text === '' ? null : JSON.parse(text)
    } catch {
      parsed = null
    }
    const status = response.status
    const said = serverText(parsed)
    const where = `${this.connection.endpoint}${path}`
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location')
      const target = location === null ? null : URL.parse(location, where)
      return failure(
        'wrong-address',
        status,
        `The remote address looks wrong: ${where} answered with a redirect (HTTP ${status}` +
          `${target ? ` to ${target.origin}` : ''}). Profile Desk does not follow redirects, so the passcode ` +
          `is never sent on to another address. ${CHECK_ADDRESS}`,
      )
    }
    if (status === 401 || status === 403) {
      return failure(
        'unauthorized',
        status,
        `The server refused the account id or passcode (HTTP ${status}${said ? `: ${said}` : ''}).`,
      )
    }
    if (status === 404 || status === 405) {
      return failure(
        'wrong-address',
        status,
        `The remote address looks wrong: ${where} answered HTTP ${status} ` +
          `(${status === 404 ? 'no such endpoint' : 'method not allowed'}${said ? `: ${said}` : ''}). ${CHECK_ADDRESS}`,
      )
    }
    const retryAfterMs =
      status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : null
    if (status === 429) {
      return failure('throttled', status, said ?? 'Too many concurrent requests.', retryAfterMs ?? undefined)
    }
    if (status >= 500) {
      return failure(
        'server',
        status,
        `Server error ${status}${said ? `: ${said}` : ''}.`,
        retryAfterMs ?? undefined,
      )
    }
    if (status < 200 || status >= 300) {
      return failure('bad-request', status, `HTTP ${status}${said ? `: ${said}` : ''}.`)
    }
    if (parsed === null && text.trim() !== '') {
      // A success that is not JSON is a web page (a proxy's or a login portal's), not the API. (An empty
      // one, e.g. 204, is left to each endpoint: a delete may answer so.)
      const kind = /^\s*</.test(text) ? 'a web page' : 'text that is not JSON'
      return failure(
        'wrong-address',
        status,
        `The remote address looks wrong: ${where} answered with ${kind} instead of CleverTap's JSON. ${CHECK_ADDRESS}`,
      )
    }
    return { ok: true, value: parsed }
  }
}
