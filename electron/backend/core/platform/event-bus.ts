// A tiny typed event bus for pushed events (job progress, profile changes). Hosts subscribe and relay.
import type { EventMap, EventName } from '../../../../shared/ipc/events'

export type Listener<E extends EventName> = (payload: EventMap[E]) => void

export class EventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()
  private readonly anyListeners = new Set<(event: EventName, payload: unknown) => void>()

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  /** Every event, for hosts that forward all of them (Electron relay, SSE). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.anyListeners.add(listener)
    return () => this.anyListeners.delete(listener)
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<E>)(payload)
    for (const l of this.anyListeners) l(event, payload)
  }
}
