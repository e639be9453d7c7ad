// The web host: `POST /rpc/<channel>` with the launch token as a bearer token, and pushed events over
// one Server-Sent Events stream. Every reply body (401/403 included) is an envelope.
import type { Channel, RequestOf, ResponseOf } from '$shared/ipc/contract'
import type { Envelope } from '$shared/ipc/envelope'
import type { EventName } from '$shared/ipc/events'
import { BACKEND_UNREACHABLE, isEnvelope, type EventListener, type Transport } from './transport'

export interface HttpTransportOptions {
  token: string
  /** Origin-relative by default: the web host serves this page and answers on the same origin. */
  baseUrl?: string
  fetch?: typeof fetch
  createEventSource?: (url: string) => EventSource
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const baseUrl = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const openStream = options.createEventSource ?? ((url) => new EventSource(url))
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  function stream(): EventSource {
    source ??= openStream(`${baseUrl}/events?token=${encodeURIComponent(options.token)}`)
    return source
  }

  return {
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
      let response: Response
      try {
        response = await doFetch(`${baseUrl}/rpc/${channel}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
        })
      } catch {
        return { ok: false, error: { code: 'network', message: BACKEND_UNREACHABLE } }
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        body = undefined
      }
      // The backend answers with the contract's response type for this channel.
      if (isEnvelope(body)) return body as Envelope<ResponseOf<C>>
      return {
        ok: false,
        error: {
          code: response.status === 401 ? 'unauthorized' : 'internal',
          message: `The backend answered ${channel} with HTTP ${response.status} and no readable reply.`,
        },
      }
    },

    on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
      let set = listeners.get(event)
      if (!set) {
        const subscribers = new Set<(payload: unknown) => void>()
        listeners.set(event, subscribers)
        set = subscribers
        stream().addEventListener(event, (message) => {
          let payload: unknown
          try {
            payload = JSON.parse((message as MessageEvent<string>).data)
          } catch {
            return // a torn or foreign message: nothing a listener could use
          }
          for (const subscriber of [...subscribers]) subscriber(payload)
        })
      }
      const subscriber = listener as (payload: unknown) => void
      set.add(subscriber)
      return () => {
        set.delete(subscriber)
      }
    },
  }
}
