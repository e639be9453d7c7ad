// `api.call(channel, request)`: the value, or an ApiError carrying the backend's code, message and
// details. Views and state modules use this; only main.ts chooses the transport behind it.
import type { Channel, RequestOf, ResponseOf } from '$shared/ipc/contract'
import type { ErrorCode } from '$shared/ipc/envelope'
import type { EventName } from '$shared/ipc/events'
import { BACKEND_UNREACHABLE, type EventListener, type Transport } from './transport'

export class ApiError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }
}

/** Any thrown value as an ApiError, so views can always show `code` and `message`. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError('internal', error instanceof Error ? error.message : String(error))
}

export class ApiClient {
  #transport: Transport | null = null
  #onUnauthorized: (() => void) | null = null

  attach(transport: Transport, onUnauthorized?: () => void): void {
    this.#transport = transport
    this.#onUnauthorized = onUnauthorized ?? null
  }

  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const transport = this.#transport
    if (!transport) throw new ApiError('network', BACKEND_UNREACHABLE)
    let reply
    try {
      reply = await transport.invoke(channel, request)
    } catch {
      throw new ApiError('network', BACKEND_UNREACHABLE)
    }
    if (reply.ok) return reply.value
    if (reply.error.code === 'unauthorized') this.#onUnauthorized?.()
    throw new ApiError(reply.error.code, reply.error.message, reply.error.details)
  }

  on<E extends EventName>(event: E, listener: EventListener<E>): () => void {
    return this.#transport ? this.#transport.on(event, listener) : () => {}
  }
}

export const api = new ApiClient()
