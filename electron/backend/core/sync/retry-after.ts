// Reading a Retry-After header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.

/** Longest single Retry-After wait honoured when a policy does not say otherwise. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000

/**
 * The wait a Retry-After header asks for, in ms from `now`; null when absent or unreadable. A date in
 * the past means "now" (0). Date.parse reads the IMF-fixdate form servers send (and the obsolete ones);
 * a header is one token, so no parsing library is needed beyond that.
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null
  const value = header.trim()
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000
  // A date has a weekday or month name; a bare number too long for seconds is not a date.
  if (!/[A-Za-z]/.test(value)) return null
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now)
}
