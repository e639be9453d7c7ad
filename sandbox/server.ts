// The sandbox CleverTap API server: node:http on loopback, CleverTap's REST wire format on its own SQLite
// store, with authentication, the upload concurrency limit and fault injection for exactly-once tests.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseJson, readBody, sendJson } from './http-io'
import { createCursor, deleteProfiles, getProfile, readPage, type ApiResult } from './profiles-api'
import { SandboxStore } from './store'
import { handleUpload } from './upload'
import { requestFailure, RequestFailures, type RequestFailure } from './wire-errors'

/** Upload requests in flight per account before 429 (CLEVERTAP-API.md §0; older docs said 3). */
export const MAX_CONCURRENT_UPLOADS = 15
/** 1000 records of a few KB each fit with room to spare. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

export interface SandboxOptions {
  /** 0 or absent: a free port. */
  port?: number
  host?: string
  account: string
  passcode: string
  /** Where sandbox.db lives; absent: an in-memory database gone when the server closes. */
  dataDir?: string
  /** Share of requests (0..1) answered 503 without applying anything. */
  failRate?: number
  /** Delay before each request is handled (it holds its concurrency slot meanwhile). */
  latencyMs?: number
  /** true or a rate (0..1): after a request was read and applied, close the socket without a reply. */
  dropConnections?: boolean | number
  /** Drawn once per routed request when failRate > 0, then once when 0 < drop rate < 1. */
  random?: () => number
  /** Epoch seconds; injectable for cursor expiry tests. */
  now?: () => number
}

export interface SandboxStats {
  requests: number
  /** Replies sent, by HTTP status. */
  responses: Record<number, number>
  injectedFailures: number
  droppedConnections: number
  rejectedConcurrent: number
  uploadsInFlight: number
  recordsProcessed: number
  recordsUnprocessed: number
  profiles: number
  events: number
  appliedKeys: number
}

export interface SandboxServer {
  /** http://127.0.0.1:PORT — the client's endpoint is `${baseUrl}/1`. */
  baseUrl: string
  port: number
  close(): Promise<void>
  stats(): SandboxStats
}

interface RequestContext {
  params: URLSearchParams
  bodyText: string
  now: number
}

interface Route {
  method: 'GET' | 'POST'
  path: string
  /** A RequestFailure is an ApiResult too: its status and CleverTap's fail body. */
  handle(context: RequestContext): ApiResult
}

function rateOf(value: boolean | number | undefined): number {
  if (value === true) return 1
  if (typeof value === 'number' && Number.isFinite(value)) return Math.min(Math.max(value, 0), 1)
  return 0
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

export async function createSandboxServer(options: SandboxOptions): Promise<SandboxServer> {
  if (!options.account || !options.passcode) throw new Error('The sandbox needs an account id and a passcode')
  const host = options.host ?? '127.0.0.1'
  const failRate = rateOf(options.failRate)
  const dropRate = rateOf(options.dropConnections)
  const latencyMs = Math.max(0, options.latencyMs ?? 0)
  const random = options.random ?? Math.random
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const store = new SandboxStore(options.dataDir)

  const counters = {
    requests: 0,
    responses: {} as Record<number, number>,
    injectedFailures: 0,
    droppedConnections: 0,
    rejectedConcurrent: 0,
    uploadsInFlight: 0,
    recordsProcessed: 0,
    recordsUnprocessed: 0,
  }
  let closed = false

  const malformed = (): ApiResult => ({ httpStatus: 400, body: RequestFailures.malformed().body })

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/1/upload',
      handle: ({ params, bodyText, now: at }) => {
        const parsed = parseJson(bodyText)
        if (!parsed.ok) return malformed()
        const dryRun = params.get('dryRun') === '1' || params.get('dryRun') === 'true'
        const result = handleUpload(store, parsed.value, { dryRun, now: at })
        if (!result.ok) return { httpStatus: result.failure.httpStatus, body: result.failure.body }
        counters.recordsProcessed += result.response.processed
        counters.recordsUnprocessed += result.response.unprocessed.length
        return { httpStatus: 200, body: result.response }
      },
    },
    { method: 'GET', path: '/1/profile.json', handle: ({ params }) => getProfile(store, params) },
    {
      method: 'POST',
      path: '/1/profiles.json',
      handle: ({ params, bodyText, now: at }) => {
        const parsed = parseJson(bodyText)
        return parsed.ok ? createCursor(store, params, parsed.value, at) : malformed()
      },
    },
    {
      method: 'GET',
      path: '/1/profiles.json',
      handle: ({ params, now: at }) => {
        const cursor = params.get('cursor')
        if (cursor !== null) return readPage(store, cursor, at)
        // The Node client's older first call: GET ?batch_size=N&query=<json>.
        const query = params.get('query')
        if (query === null)
          return requestFailure(400, 'Send a cursor, or start a download with batch_size and a query')
        const parsed = parseJson(query)
        return parsed.ok ? createCursor(store, params, parsed.value, at) : malformed()
      },
    },
    {
      // Sandbox-only: what a push provider would report about a token (tests and demos set its state).
      method: 'POST',
      path: '/sandbox/token-state',
      handle: ({ bodyText, now: at }) => {
        const parsed = parseJson(bodyText)
        if (!parsed.ok) return malformed()
        const body = parsed.value as { token?: unknown; state?: unknown } | null
        const states = ['valid', 'invalid', 'unregistered'] as const
        const state = states.find((s) => s === body?.state)
        if (typeof body?.token !== 'string' || state === undefined)
          return requestFailure(400, 'Send {"token": "<push token>", "state": "valid|invalid|unregistered"}')
        const changed = store.setTokenState(body.token, state, at)
        return { httpStatus: 200, body: { status: 'success', changed } }
      },
    },
    {
      method: 'POST',
      path: '/1/delete/profiles.json',
      handle: ({ bodyText }) => {
        const parsed = parseJson(bodyText)
        return parsed.ok ? deleteProfiles(store, parsed.value) : malformed()
      },
    },
  ]

  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    counters.responses[status] = (counters.responses[status] ?? 0) + 1
    sendJson(res, status, body)
  }
  const replyFailure = (res: ServerResponse, failure: RequestFailure): void =>
    reply(res, failure.httpStatus, failure.body)

  const authorised = (req: IncomingMessage): boolean =>
    headerValue(req, 'x-clevertap-account-id') === options.account &&
    headerValue(req, 'x-clevertap-passcode') === options.passcode

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests += 1
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    const method = req.method ?? 'GET'
    const samePath = routes.filter((route) => route.path === url.pathname)
    const route = samePath.find((candidate) => candidate.method === method)
    const isUpload = route?.path === '/1/upload'
    // Counted from arrival: a request holds its slot while its body arrives and while it waits.
    const overLimit = isUpload && counters.uploadsInFlight >= MAX_CONCURRENT_UPLOADS
    if (isUpload) counters.uploadsInFlight += 1
    try {
      const body = await readBody(req, MAX_BODY_BYTES)
      if (!body.ok) {
        if (body.reason === 'too-large') replyFailure(res, requestFailure(413, 'Request body too large'))
        return
      }
      if (route === undefined) {
        if (samePath.length > 0) {
          const allowed = samePath.map((candidate) => candidate.method).join(', ')
          return replyFailure(
            res,
            requestFailure(405, `Method ${method} is not allowed on ${url.pathname}; use ${allowed}`),
          )
        }
        return replyFailure(res, requestFailure(404, `Not found: ${method} ${url.pathname}`))
      }
      if (failRate > 0 && random() < failRate) {
        counters.injectedFailures += 1
        return replyFailure(
          res,
          requestFailure(503, 'Service unavailable (sandbox fault injection); nothing was applied'),
        )
      }
      if (overLimit) {
        counters.rejectedConcurrent += 1
        return replyFailure(res, RequestFailures.tooManyConcurrent())
      }
      if (latencyMs > 0) await sleep(latencyMs)
      if (closed) return
      if (!authorised(req)) return replyFailure(res, RequestFailures.unauthorized())
      const result = route.handle({ params: url.searchParams, bodyText: body.text, now: now() })
      if (dropRate >= 1 || (dropRate > 0 && random() < dropRate)) {
        // Applied, but the client never hears so: the worst case for exactly-once delivery.
        counters.droppedConnections += 1
        req.socket.destroy()
        return
      }
      reply(res, result.httpStatus, result.body)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      process.stderr.write(`sandbox: ${method} ${url.pathname} failed: ${message}\n`)
      replyFailure(res, requestFailure(500, 'Internal error in the sandbox'))
    } finally {
      if (isUpload) counters.uploadsInFlight -= 1
    }
  }

  const server = createServer((req, res) => {
    void onRequest(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch((error: unknown) => {
    store.close()
    throw error
  })
  const port = (server.address() as AddressInfo).port
  const hostInUrl = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | null = null
  return {
    baseUrl: `http://${hostInUrl}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true
        server.close(() => {
          store.close()
          resolve()
        })
        server.closeAllConnections()
      })
      return closing
    },
    stats() {
      const counts = closed ? { profiles: 0, events: 0, appliedKeys: 0 } : store.counts()
      return { ...counters, responses: { ...counters.responses }, ...counts }
    },
  }
}
