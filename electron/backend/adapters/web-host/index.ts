// The web host: the backend behind HTTP on 127.0.0.1, serving the built renderer, `POST /rpc/<channel>`
// and an SSE event stream. Each request passes the guard (guard.ts: Host, Origin, then the token), then
// goes to the renderer's files (static.ts), the backend (rpc.ts) or the event streams (sse.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { WEB_EVENTS_PATH, WEB_RPC_PREFIX, WEB_TOKEN_PARAM } from '../../../../shared/ipc/bridge'
import type { Logger } from '../../core/platform/index'
import type { Backend } from '../ipc/create-backend'
import { createEventStreams, DEFAULT_EVENT_STREAM_LIMITS, type EventStreamLimits } from './event-streams'
import { generateToken, refusedOrigin } from './guard'
import { errorEnvelope, HttpError, sendJson } from './http-reply'
import { rendererCsp, securityHeaders } from './renderer-files'
import { handleRpc } from './rpc'
import { handleEvents } from './sse'
import { handleStatic } from './static'

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

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { backend, logger } = options
  const token = options.token ?? generateToken()
  const rendererDir = resolve(options.rendererDir)
  const limits: EventStreamLimits = {
    ...DEFAULT_EVENT_STREAM_LIMITS,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...options.eventStreams,
  }
  const eventStreams = createEventStreams(backend, limits, logger)
  const headers = securityHeaders(rendererCsp(rendererDir, logger))
  let port = 0
  let closing = false

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    const refused = refusedOrigin(req, port)
    if (refused !== null) {
      sendJson(res, 403, errorEnvelope('unauthorized', refused))
      return
    }
    const rawUrl = req.url ?? '/'
    const queryAt = rawUrl.indexOf('?')
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt)
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1))
    if (path.startsWith(WEB_RPC_PREFIX) || path === WEB_RPC_PREFIX.slice(0, -1)) {
      await handleRpc(req, res, path, backend, token)
    } else if (path === WEB_EVENTS_PATH) {
      handleEvents(req, res, query, { eventStreams, limits, token })
    } else {
      await handleStatic(req, res, path, rendererDir, logger)
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
