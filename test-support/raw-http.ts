// Raw HTTP helpers for host tests: exact paths and headers (fetch would normalise `/../` away and
// always send its own Host), a Server-Sent Events reader, and a count of the backend's subscribers.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { Backend } from '../electron/backend/adapters/ipc/create-backend'

export interface RawResponse {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

export interface RawRequest {
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** false: send no Host header at all. */
  setHost?: boolean
}

export function raw(port: number, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        setHost: options.setHost ?? true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

export interface SseEvent {
  event: string
  data: string
}

export interface SseStream {
  status: number
  events: SseEvent[]
  comments: string[]
  /** Resolves with the first event (already received or later) that matches, or rejects after timeoutMs. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  /** Starts reading a stream opened with `paused: true`. */
  resume(): void
  close(): void
}

export function openSse(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  /** paused: read nothing until resume(), like a tab that has stalled (the server's socket fills up). */
  options: { paused?: boolean } = {},
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      if (options.paused) res.pause()
      const events: SseEvent[] = []
      const comments: string[] = []
      const waiters = new Set<() => void>()
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let at: number
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim())
            else if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data.push(line.slice(6))
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') })
        }
        for (const w of [...waiters]) w()
      })
      const ended = new Promise<void>((done) => {
        res.on('end', done)
        res.on('close', done)
      })
      resolve({
        status: res.statusCode ?? 0,
        events,
        comments,
        ended,
        waitFor(match, timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            const check = (): boolean => {
              const found = events.find(match)
              if (!found) return false
              clearTimeout(timer)
              waiters.delete(onData)
              done(found)
              return true
            }
            const onData = (): void => void check()
            const timer = setTimeout(() => {
              waiters.delete(onData)
              fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`))
            }, timeoutMs)
            if (!check()) waiters.add(onData)
          })
        },
        resume: () => res.resume(),
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** The backend as a web host sees it, counting how many event listeners are subscribed right now. */
export function countingSubscriptions(backend: Pick<Backend, 'dispatch' | 'onAny'>): {
  backend: Pick<Backend, 'dispatch' | 'onAny'>
  subscribed(): number
} {
  let subscribed = 0
  return {
    backend: {
      dispatch: backend.dispatch,
      onAny: (listener) => {
        subscribed++
        const off = backend.onAny(listener)
        return () => {
          subscribed--
          off()
        }
      },
    },
    subscribed: () => subscribed,
  }
}
