// The timer ports every feature's scheduler and retry loop takes (tests pass their own to move time), and
// their real implementations: timers that never keep a process alive, and a sleep that ends on abort.
import { setTimeout as sleepTimer } from 'node:timers/promises'

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Waits `ms`; resolves early (never rejects) when the signal aborts, so the caller checks its signal. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms)
    // A pending scheduler check or auto-sync must never keep a process (a CLI command) alive.
    handle.unref()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

export const realSleep: Sleep = async (ms, signal) => {
  try {
    await sleepTimer(ms, undefined, signal ? { signal } : {})
  } catch {
    // Aborted: the caller checks its signal.
  }
}
