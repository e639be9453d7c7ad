// One push run's shared state: what it has counted so far (the result), the signal every request
// watches, how a failure ends the run (the other requests stop too) and how a request is retried and
// counted while the connection's state (online, offline, unauthorized) is reported.
import type { Db } from '../db/connection'
import { type RetryDeps, withRetries } from './backoff'
import type { CleverTapClient, Failure, Outcome } from './client'
import type { RetryPolicy } from './options'
import { freshRunResult, type RunResult } from './runs'
import type { PushFigures } from '../../../../shared/sync/types'

export type Contact = 'online' | 'offline' | 'unauthorized'

export interface PushContext {
  db: Db
  client: CleverTapClient
  retry: RetryPolicy
  deps: RetryDeps
  installId: string
  /** Send `$idem` keys (the sandbox and compatible gateways; never CleverTap's own hosts). */
  idempotencyKeys: boolean
  batchSize: number
  concurrency?: number
  chunkSize?: number
  /** Read profiles back first when at most this many have waiting property changes (0: never). */
  precheckLimit: number
  clock: () => number
  signal: AbortSignal
  onProgress(phase: string, done: number, total: number): void
  onContact(contact: Contact): void
  onProfilesChanged(ids: string[]): void
}

/** A push's figures: those of every run and those only a push counts. */
export interface PushResult extends RunResult, PushFigures {}

export class PushSession {
  readonly result: PushResult = {
    ...freshRunResult(),
    entries: 0,
    deleted: 0,
    remaining: 0,
    held: 0,
    checked: 0,
    unaccounted: 0,
  }
  /** The caller's signal, or this run's own stop after a failure. */
  readonly signal: AbortSignal
  // A failure that ends the run stops the other requests too.
  private readonly stop = new AbortController()
  private failure: Failure | null = null
  /** Not a server answer (those are outcomes): a bug or the database. Rethrown when the run ends. */
  private crash: { error: unknown } | null = null

  constructor(readonly context: PushContext) {
    this.signal = AbortSignal.any([context.signal, this.stop.signal])
  }

  /** Still reading the outbox: nothing failed and nobody stopped the run. */
  get going(): boolean {
    return this.failure === null && !this.signal.aborted
  }

  /** A server answer that ends the run (the first one is reported; a cancel is not a failure). */
  fail(outcome: Failure): void {
    if (this.failure === null && outcome.kind !== 'cancelled') this.failure = outcome
    this.stop.abort()
  }

  crashed(error: unknown): void {
    this.crash ??= { error }
    this.stop.abort()
  }

  /** A request with retries; its attempts and the connection's state are counted and reported. */
  async attempt<T>(call: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const { context, result } = this
    const outcome = await withRetries(call, context.retry, context.deps, {
      signal: this.signal,
      onRetry: (retryable) => {
        result.retries += 1
        if (retryable.kind === 'offline') context.onContact('offline')
      },
    })
    result.requests += outcome.attempts
    // Broken connections and timeouts that never recovered mean the server is out of reach.
    if (!outcome.ok && (outcome.kind === 'network' || outcome.kind === 'timeout'))
      context.onContact('offline')
    else this.note(outcome)
    return outcome
  }

  /** The result with what is left in the outbox; rethrows a crash. */
  finish(after: { pending: number; held: number }): PushResult {
    if (this.crash !== null) throw this.crash.error
    const { result } = this
    result.remaining = after.pending
    result.held = after.held
    const ended = this.failure
    if (ended !== null) {
      result.status = 'failed'
      result.error = { code: ended.kind, message: ended.message }
    } else if (this.context.signal.aborted) {
      result.status = 'cancelled'
    } else if (result.rejected > 0 || result.held > 0 || result.unaccounted > 0) {
      result.status = 'partial'
    }
    return result
  }

  private note(outcome: Outcome<unknown>): void {
    const { context } = this
    if (outcome.ok) context.onContact('online')
    else if (outcome.kind === 'offline') context.onContact('offline')
    else if (outcome.kind === 'unauthorized') context.onContact('unauthorized')
    else if (outcome.kind !== 'cancelled') context.onContact('online')
  }
}
