// The web host's Server-Sent Events: backend events fanned out to a bounded number of streams. A client
// that stops reading has its events held (progress coalesced) up to a byte limit and for a while, then
// its stream is closed; the server never buffers without end for a stalled tab.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { EventName } from '../../../../shared/ipc/events'
import type { Backend } from '../ipc/create-backend'
import type { Logger } from '../../core/platform/index'

export interface EventStreamLimits {
  /** Streams open at once; more are refused (each browser tab holds one). */
  maxStreams: number
  /** Bytes held for a stream whose socket is full; past this it is closed. */
  maxPendingBytes: number
  /** A stream whose socket stays full this long is closed. */
  maxBlockedMs: number
  /** Keep-alive comment interval. */
  heartbeatMs: number
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = {
  maxStreams: 8,
  maxPendingBytes: 1024 * 1024,
  maxBlockedMs: 30_000,
  heartbeatMs: 15_000,
}

export interface EventStreams {
  /** Whether another stream may open now. */
  hasRoom(): boolean
  /** Takes over an authorised GET /events: headers, then events until either side goes. */
  open(req: IncomingMessage, res: ServerResponse): void
  /** Ends every stream (the host is closing). */
  closeAll(): void
}

/**
 * Events whose newest payload makes the older ones worthless: while a stream is blocked only the latest
 * is kept (per job for progress). The rest (job.finished, profiles.changed) are all kept, in order.
 */
function coalesceKey(event: EventName, payload: unknown): string | null {
  if (event === 'sync.status') return event
  if (event === 'job.progress') {
    const jobId = (payload as { jobId?: unknown } | null)?.jobId
    return typeof jobId === 'string' ? `${event}:${jobId}` : null
  }
  return null
}

interface Held {
  key: string | null
  text: string
  bytes: number
}

export function createEventStreams(
  backend: Pick<Backend, 'onAny'>,
  limits: EventStreamLimits,
  logger: Logger,
): EventStreams {
  /** Each open stream's response, with the function that unsubscribes and stops its timers. */
  const streams = new Map<ServerResponse, () => void>()

  const open = (req: IncomingMessage, res: ServerResponse): void => {
    let held: Held[] = []
    let heldBytes = 0
    let blockedTimer: NodeJS.Timeout | null = null

    // Closing the socket frees what Node and the kernel hold for it; EventSource reconnects by itself.
    const drop = (why: string): void => {
      logger.warn(`closing an event stream: ${why}`)
      stop()
      res.destroy()
    }
    const block = (): void => {
      if (blockedTimer) return
      blockedTimer = setTimeout(
        () => drop(`its client read nothing for ${limits.maxBlockedMs} ms`),
        limits.maxBlockedMs,
      )
      blockedTimer.unref()
      res.once('drain', flush)
    }
    // The socket took what it had: send what was held, until it is full again.
    function flush(): void {
      if (blockedTimer) clearTimeout(blockedTimer)
      blockedTimer = null
      while (held.length > 0) {
        const next = held.shift()!
        heldBytes -= next.bytes
        if (!res.write(next.text)) {
          block()
          return
        }
      }
    }
    const hold = (text: string, key: string | null): void => {
      const bytes = Buffer.byteLength(text)
      const same = key === null ? -1 : held.findIndex((h) => h.key === key)
      if (same >= 0) {
        heldBytes -= held[same]!.bytes
        held[same] = { key, text, bytes }
      } else {
        held.push({ key, text, bytes })
      }
      heldBytes += bytes
      if (heldBytes > limits.maxPendingBytes) {
        held = []
        heldBytes = 0
        drop(`its client fell more than ${limits.maxPendingBytes} bytes behind`)
      }
    }
    const send = (text: string, key: string | null = null): void => {
      if (blockedTimer) hold(text, key)
      else if (!res.write(text)) block()
    }

    req.socket.setTimeout(0)
    req.socket.setNoDelay(true)
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    send('retry: 2000\n: connected\n\n')
    const unsubscribe = backend.onAny((event, payload) => {
      send(`event: ${event}\ndata: ${JSON.stringify(payload ?? null)}\n\n`, coalesceKey(event, payload))
    })
    const heartbeat = setInterval(() => {
      // A heartbeat keeps an idle connection open. While earlier bytes still wait in Node's buffer the
      // connection is not idle, and on a blocked socket a heartbeat would only add to what is held.
      if (!blockedTimer && res.writableLength === 0) send(': heartbeat\n\n')
    }, limits.heartbeatMs)
    heartbeat.unref()
    const stop = (): void => {
      if (!streams.delete(res)) return
      clearInterval(heartbeat)
      if (blockedTimer) clearTimeout(blockedTimer)
      blockedTimer = null
      held = []
      unsubscribe()
    }
    streams.set(res, stop)
    req.on('close', stop)
    res.on('close', stop)
    res.on('error', stop)
  }

  return {
    hasRoom: () => streams.size < limits.maxStreams,
    open,
    closeAll() {
      for (const [res, stop] of [...streams]) {
        res.end()
        stop()
      }
    },
  }
}
