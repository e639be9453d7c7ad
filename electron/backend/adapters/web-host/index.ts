// The web host: the backend behind HTTP on 127.0.0.1, serving the built renderer, `POST /rpc/<channel>`
// and an SSE event stream. Any web page the user visits can reach 127.0.0.1, so every call needs the
// per-launch token, and Host/Origin are checked against DNS rebinding and cross-site requests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import type { AppErrorShape, Envelope, ErrorCode } from '../../../../shared/ipc/envelope'
import { WEB_EVENTS_PATH, WEB_RPC_PREFIX, WEB_TOKEN_PARAM } from '../../../../shared/ipc/bridge'
import type { Backend } from '../ipc/create-backend'
import type { Logger } from '../../core/platform/index'
import { createEventStreams, DEFAULT_EVENT_STREAM_LIMITS, type EventStreamLimits } from './event-streams'
import { findRendererFile, rendererCsp, securityHeaders } from './renderer-files'

export interface WebHostOptions {
  backend: Pick<Backend, 'dispatch' | 'onAny'>
  /** 0 (the default) picks a free port. */
  port?: number
  /** The built renderer (index.html and assets/). */
  rendererDir: string
  /** Defaults to 32 random bytes, base64url: a new one per launch. */
  token?: string
  logger: Logger
  /** SSE keep-alive comment interval; 15 s unless a test needs it faster. */
  heartbeatMs?: number
  /** Limits on the event streams (how many, how far a client may fall behind); defaults otherwise. */
  eventStreams?: Partial<EventStreamLimits>
}

export interface WebHost {
  /** `http://127.0.0.1:PORT/#token=TOKEN`: what a person opens. */
  url: string
  origin: string
  port: number
  token: string
  close(): Promise<void>
}

export const MAX_BODY_BYTES = 16 * 1024 * 1024

export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison; hashing first gives equal lengths, so the length leaks nothing either. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

function errorEnvelope(code: ErrorCode, message: string, details?: unknown): Envelope<never> {
  const error: AppErrorShape = details === undefined ? { code, message } : { code, message, details }
  return { ok: false, error }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { backend, logger } = options
  const token = options.token ?? generateToken()
  const rendererDir = resolve(options.rendererDir)
  const streamLimits: EventStreamLimits = {
    ...DEFAULT_EVENT_STREAM_LIMITS,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...options.eventStreams,
  }
  const eventStreams = createEventStreams(backend, streamLimits, logger)
  const headers = securityHeaders(rendererCsp(rendererDir, logger))
  let port = 0
  let closing = false

  const baseHeaders = (res: ServerResponse): void => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  }

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...extra,
    })
    res.end(text)
  }

  const sendText = (
    res: ServerResponse,
    status: number,
    text: string,
    extra: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...extra,
    })
    res.end(text)
  }

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`]

  const bearerToken = (req: IncomingMessage): string | null => {
    const header = req.headers.authorization
    if (!header) return null
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    return match?.[1] ?? null
  }

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolveBody, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0')
      if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'validation', `The request body is larger than ${MAX_BODY_BYTES} bytes.`))
        return
      }
      const chunks: Buffer[] = []
      let size = 0
      let failed = false
      req.on('data', (chunk: Buffer) => {
        if (failed) return
        size += chunk.length
        if (size > MAX_BODY_BYTES) {
          failed = true
          chunks.length = 0
          reject(new HttpError(413, 'validation', `The request body is larger than ${MAX_BODY_BYTES} bytes.`))
          return
        }
        chunks.push(chunk)
      })
      req.on('end', () => {
        if (!failed) resolveBody(Buffer.concat(chunks))
      })
      req.on('error', (error) => {
        if (!failed) reject(error)
      })
    })

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method !== 'POST') {
      sendJson(res, 405, errorEnvelope('validation', 'Use POST for /rpc.'), { Allow: 'POST' })
      return
    }
    const given = bearerToken(req)
    if (given === null || !tokensMatch(given, token)) {
      sendJson(
        res,
        401,
        errorEnvelope('unauthorized', 'A valid token is required (Authorization: Bearer <token>).'),
      )
      return
    }
    let channel: string
    try {
      channel = decodeURIComponent(path.slice(WEB_RPC_PREFIX.length))
    } catch {
      sendJson(res, 400, errorEnvelope('validation', 'The channel name in the URL is not valid.'))
      return
    }
    const body = await readBody(req)
    let request: unknown = undefined
    const text = body.toString('utf8')
    if (text.trim() !== '') {
      try {
        request = JSON.parse(text)
      } catch (error) {
        sendJson(
          res,
          400,
          errorEnvelope('validation', `The request body is not valid JSON: ${(error as Error).message}`),
        )
        return
      }
    }
    const envelope = await backend.dispatch(channel, request)
    sendJson(res, 200, envelope)
  }

  const handleEvents = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void => {
    if (req.method !== 'GET') {
      sendJson(res, 405, errorEnvelope('validation', 'Use GET for /events.'), { Allow: 'GET' })
      return
    }
    // EventSource cannot set headers, so the token comes in the query; a bearer header works too.
    const given = query.get(WEB_TOKEN_PARAM) ?? bearerToken(req)
    if (given === null || !tokensMatch(given, token)) {
      sendJson(res, 401, errorEnvelope('unauthorized', 'A valid token is required (?token=<token>).'))
      return
    }
    if (!eventStreams.hasRoom()) {
      sendJson(
        res,
        503,
        errorEnvelope(
          'limit',
          `Profile Desk already sends updates to ${streamLimits.maxStreams} open pages, its limit. ` +
            'Close a Profile Desk tab or window you no longer use, then reload this page.',
        ),
        { 'Retry-After': '10' },
      )
      return
    }
    eventStreams.open(req, res)
  }

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' })
      return
    }
    const found = await findRendererFile(rendererDir, rawPath)
    if (!found.ok) {
      sendText(res, found.status, found.message)
      return
    }
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': found.size,
      'Cache-Control': 'no-cache',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const stream = createReadStream(found.path)
    stream.on('error', (error) => {
      logger.error(`could not read ${found.path}`, error)
      res.destroy()
    })
    stream.pipe(res)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    baseHeaders(res)
    const host = (req.headers.host ?? '').toLowerCase()
    if (!allowedHosts().includes(host)) {
      sendJson(res, 403, errorEnvelope('unauthorized', 'Forbidden: unexpected Host header.'))
      return
    }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins().includes(origin.toLowerCase())) {
      sendJson(res, 403, errorEnvelope('unauthorized', 'Forbidden: requests from other origins are refused.'))
      return
    }
    const rawUrl = req.url ?? '/'
    const queryAt = rawUrl.indexOf('?')
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1))
    if (path.startsWith(WEB_RPC_PREFIX) || path === WEB_RPC_PREFIX.slice(0, -1)) {
      await handleRpc(req, res, path)
    } else if (path === WEB_EVENTS_PATH) {
      handleEvents(req, res, query)
    } else {
      await handleStatic(req, res, path)
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (!res.headersSent) {
          // Stop reading an oversized body: close the connection once the answer is out.
          sendJson(res, error.status, errorEnvelope(error.code, error.message), { Connection: 'close' })
        }
        return
      }
      logger.error(`web host: ${req.method} ${(req.url ?? '').split('?')[0]} failed`, error)
      if (!res.headersSent)
        sendJson(res, 500, errorEnvelope('internal', 'The web host failed on this request.'))
      else res.destroy()
    })
  })
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  logger.info(`web host listening on ${origin}`)

  return {
    url: `${origin}/#${WEB_TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    async close() {
      if (closing) return
      closing = true
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()))
      eventStreams.closeAll()
      server.closeIdleConnections()
      // SSE responses and in-flight keep-alive sockets would hold close() open; end them.
      setImmediate(() => server.closeAllConnections())
      await closed
    },
  }
}
