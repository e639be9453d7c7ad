// The one Transport of the renderer's unit tests: each channel answers from a handler the test gives, or
// holds its replies for the test to release one by one in any order (an older request answering after a
// newer one); every call is recorded, and the test pushes events as the backend would.
import type { Channel, RequestOf, ResponseOf } from '../shared/ipc/contract'
import { AppError, type Envelope } from '../shared/ipc/envelope'
import type { EventMap, EventName } from '../shared/ipc/events'
import type { EventListener, Transport } from '../renderer/src/lib/api/transport'

type Handler<C extends Channel> = (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>

export interface RecordedCall {
  channel: Channel
  request: unknown
}

/** A reply the test sends when it chooses (to answer calls out of order). */
export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

export class FakeTransport implements Transport {
  readonly calls: RecordedCall[] = []
  readonly #handlers = new Map<Channel, (request: unknown) => unknown>()
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>()

  /** Answers `channel` with what `handler` returns (an AppError it throws is answered as the backend's error envelope). */
  handle<C extends Channel>(channel: C, handler: Handler<C>): this {
    this.#handlers.set(channel, handler as (request: unknown) => unknown)
    return this
  }

  /**
   * Holds every reply on `channel` until the test releases it: the list fills, in the order asked, with
   * one reply per call (resolve it, or reject it with an AppError for the backend's error envelope).
   */
  hold<C extends Channel>(channel: C): Deferred<ResponseOf<C>>[] {
    const pending: Deferred<ResponseOf<C>>[] = []
    this.handle(channel, () => {
      const reply = deferred<ResponseOf<C>>()
      pending.push(reply)
      return reply.promise
    })
    return pending
  }

  /** Lets released replies run through the awaiting code (a few microtask turns). */
  async settled(): Promise<void> {
    for (let turn = 0; turn < 10; turn++) await Promise.resolve()
  }

  /** The requests made on `channel`, in order. */
  requestsOf<C extends Channel>(channel: C): RequestOf<C>[] {
    return this.calls.filter((call) => call.channel === channel).map((call) => call.request as RequestOf<C>)
  }

  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
    this.calls.push({ channel, request })
    const handler = this.#handlers.get(channel)
    if (!handler)
      return { ok: false, error: { code: 'not_found', message: `No fake answer for ${channel}.` } }
    try {
      return { ok: true, value: (await handler(request)) as ResponseOf<C> }
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() }
      throw error
    }
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    const listeners = this.#listeners.get(event) ?? new Set()
    listeners.add(listener as (payload: never) => void)
    this.#listeners.set(event, listeners)
    return () => listeners.delete(listener as (payload: never) => void)
  }

  /** Pushes an event to every subscriber, as the backend does. */
  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as EventListener<E>)(payload)
  }
}
