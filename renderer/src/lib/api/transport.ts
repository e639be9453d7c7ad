// The renderer's one way to reach the backend, typed from the shared contract. Two hosts carry it:
// Electron's preload bridge and HTTP to the web host; views never know which one they talk to.
import type { Channel, RequestOf, ResponseOf } from '$shared/ipc/contract'
import type { Envelope } from '$shared/ipc/envelope'
import type { EventMap, EventName } from '$shared/ipc/events'

export type EventListener<E extends EventName> = (payload: EventMap[E]) => void

export interface Transport {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void
}

/** The message every host uses when the backend cannot be reached at all. */
export const BACKEND_UNREACHABLE =
  'The Profile Desk backend cannot be reached. Check that it is still running, then try again.'

export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  if (value.ok === true) return 'value' in value
  if (value.ok !== false || !('error' in value)) return false
  const error = value.error
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error
}
