// Retrying one request: exponential backoff with jitter on 429, 5xx, timeouts and broken connections,
// a short run of attempts when the server cannot be reached at all, none for credentials, a refused
// request or a wrong address. A server's Retry-After is honoured up to the policy's maximum. Bounded:
// the caller gets the last failure after the policy's attempts.
import type { Failure, Outcome } from './client'
import type { RetryPolicy } from './options'

export interface RetryDeps {
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  random(): number
}

export type RetriedOutcome<T> = Outcome<T> & { attempts: number }

/**
 * "Equal jitter": half the exponential step for sure, half at random, so waits always grow (the
 * server gets room) yet concurrent clients spread out.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(step / 2 + random() * (step / 2))
}

function retryable(failure: Failure): boolean {
  return ['throttled', 'server', 'network', 'timeout', 'offline'].includes(failure.kind)
}

/**
 * The wait before the next attempt: the backoff step, or longer when the server asked for it with
 * Retry-After, but never longer than `maxRetryAfterMs` (a server asking for an hour must not hold a
 * run for an hour: the run gives up after its attempts and auto-sync tries again later).
 */
export function retryDelay(
  failure: Failure,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  const backoff = backoffDelay(attempt, policy, random)
  if (failure.retryAfterMs === undefined) return backoff
  return Math.max(backoff, Math.min(failure.retryAfterMs, policy.maxRetryAfterMs))
}

export async function withRetries<T>(
  attempt: () => Promise<Outcome<T>>,
  policy: RetryPolicy,
  deps: RetryDeps,
  options: { signal?: AbortSignal; onRetry?: (failure: Failure, delayMs: number) => void } = {},
): Promise<RetriedOutcome<T>> {
  for (let attempts = 1; ; attempts += 1) {
    const outcome = await attempt()
    if (outcome.ok || !retryable(outcome)) return { ...outcome, attempts }
    const limit = outcome.kind === 'offline' ? policy.offlineAttempts : policy.maxAttempts
    if (attempts >= limit || options.signal?.aborted) return { ...outcome, attempts }
    const delay = retryDelay(outcome, attempts, policy, deps.random)
    options.onRetry?.(outcome, delay)
    await deps.sleep(delay, options.signal)
    if (options.signal?.aborted)
      return { ok: false, kind: 'cancelled', status: null, message: 'Cancelled.', attempts }
  }
}
