// The store's test harness: the backend harness with a clock the test moves (`advance`), for tests of
// what the store writes and when (audit times, control-group dates, retention).
import { openBackendHarness, type BackendHarness } from './backend'

export interface Harness extends BackendHarness {
  /** The clock in milliseconds; move it with `advance`. */
  now(): number
  advance(ms: number): void
}

export const START = Date.UTC(2026, 5, 15, 12, 0, 0)

export function openHarness(options: { dataDir?: string; start?: number; actor?: string } = {}): Harness {
  let now = options.start ?? START
  const base = openBackendHarness({
    prefix: 'profile-desk-store-',
    clock: () => now,
    actor: options.actor ?? 'tester',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  })
  return {
    ...base,
    now: () => now,
    advance: (ms) => {
      now += ms
    },
  }
}
