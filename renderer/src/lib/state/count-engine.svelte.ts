// Whether the count engine is warming up (loading its columns after the app started: a count may take a
// second meanwhile) or ready; asked once, then again every second while it loads, until it is ready, and
// again after a slow count (a property asked for the first time loads then).
import type { SegmentEngineStatus } from '$shared/segments/types'
import { api } from '../api/client'

export const ENGINE_POLL_MS = 1000
/** A count that took this long in the backend may mean a column is loading. */
export const SLOW_COUNT_MS = 100

export class CountEngine {
  /** 'unknown' until the first answer (or when it cannot be asked): nothing is shown then. */
  state = $state<SegmentEngineStatus['state'] | 'unknown'>('unknown')
  progress = $state(0)
  /** It was seen loading: "ready" is then worth saying once it is. */
  warmedUp = $state(false)
  #timer: ReturnType<typeof setTimeout> | null = null
  #stopped = false

  async watch(): Promise<void> {
    this.#timer = null
    let status: SegmentEngineStatus
    try {
      status = await api.call('segments.engineStatus', {})
    } catch {
      // Only a hint: without it the count still shows "updating…" while it is on its way.
      if (!this.#stopped) this.state = 'unknown'
      return
    }
    if (this.#stopped) return
    this.state = status.state
    this.progress = status.progress
    if (status.state === 'loading') {
      this.warmedUp = true
      this.#timer = setTimeout(() => void this.watch(), ENGINE_POLL_MS)
    }
  }

  /**
   * A count took long: a property asked for the first time may be loading, so ask again (unless already
   * asking), and the note comes back while it loads.
   */
  slowCount(tookMs: number): void {
    if (tookMs < SLOW_COUNT_MS || this.#timer || this.#stopped || this.state === 'loading') return
    void this.watch()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }
}
