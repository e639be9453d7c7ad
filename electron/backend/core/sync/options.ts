// Sync's injectable parts and tuning: the HTTP fetch, timers, sleep and random source (so tests control
// time and jitter), the retry policy and the request timeout. Everything has a production default.
import { realSleep, realTimers, type Sleep, type Timers } from '../platform/timers'
import { DEFAULT_MAX_RETRY_AFTER_MS } from './retry-after'

export type { Timers } from '../platform/timers'

export interface RetryPolicy {
  /** Attempts per request while the server answers 429/5xx or the connection drops mid-request. */
  maxAttempts: number
  /** Attempts while the server cannot be reached at all (refused, DNS): offline is decided quickly. */
  offlineAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** The longest wait a server's Retry-After (on 429/503) is honoured for, per attempt. */
  maxRetryAfterMs: number
}

export interface SyncOptions {
  /** Background sync (on change, timer, reconnect) once a remote is configured. Default true. */
  autoSync?: boolean
  fetch?: typeof fetch
  timers?: Timers
  sleep?: Sleep
  random?: () => number
  retry?: Partial<RetryPolicy>
  requestTimeoutMs?: number
  /** Quiet time after a change before auto-sync pushes it. */
  debounceMs?: number
  /** First and longest wait between reconnect attempts while offline. */
  reconnectMinMs?: number
  reconnectMaxMs?: number
  /**
   * Before pushing, profiles with waiting property changes are read back from the server to find
   * conflicts, when there are at most this many of them (a bulk push relies on the last pull instead).
   */
  precheckLimit?: number
}

export interface ResolvedSyncOptions {
  autoSync: boolean
  fetch: typeof fetch
  timers: Timers
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  random: () => number
  retry: RetryPolicy
  requestTimeoutMs: number
  debounceMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
  precheckLimit: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  offlineAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
}

export function resolveSyncOptions(options: SyncOptions): ResolvedSyncOptions {
  return {
    autoSync: options.autoSync ?? true,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timers: options.timers ?? realTimers,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    debounceMs: options.debounceMs ?? 2_000,
    reconnectMinMs: options.reconnectMinMs ?? 5_000,
    reconnectMaxMs: options.reconnectMaxMs ?? 5 * 60_000,
    precheckLimit: options.precheckLimit ?? 200,
  }
}
