// Auto-sync: pushes shortly after changes stop arriving (debounced), on a timer, at start-up (the
// outbox survives restarts) and when the server is reachable again after being offline (probing with a
// growing wait). Stays off until a remote is configured and stops when the credentials are refused.
import type { Timers } from './options'

export type RunOutcome = 'ok' | 'offline' | 'unauthorized' | 'failed'

export interface SchedulerHooks {
  /** A remote is configured and auto-sync is on. */
  enabled(): boolean
  hasPending(): boolean
  push(trigger: string): Promise<RunOutcome>
  pull(trigger: string): Promise<RunOutcome>
  /** A cheap request that only tells whether the server answers. */
  probe(): Promise<RunOutcome>
  pushIntervalMs(): number
  /** 0: no pulls on a timer. */
  pullIntervalMs(): number
  /** When the next attempt after a failure is due (null: none planned). */
  onRetryPlanned(at: number | null): void
}

export interface SchedulerOptions {
  debounceMs: number
  reconnectMinMs: number
  reconnectMaxMs: number
}

export class SyncScheduler {
  private pushTimer: unknown = null
  private pullTimer: unknown = null
  private failures = 0
  private running = false
  private again = false
  /** Credentials were refused: nothing runs until the settings change. */
  private blocked = false
  private stopped = false

  constructor(
    private readonly hooks: SchedulerHooks,
    private readonly timers: Timers,
    private readonly clock: () => number,
    private readonly options: SchedulerOptions,
  ) {}

  /** At start-up and whenever the settings change. */
  start(): void {
    this.clearTimers()
    this.blocked = false
    this.failures = 0
    this.hooks.onRetryPlanned(null)
    if (this.stopped || !this.hooks.enabled()) return
    // Changes left from a previous session (or a crash) go out soon after start.
    this.schedulePush(this.options.debounceMs)
    this.schedulePull()
  }

  /** A local change happened: push once changes stop arriving, unless a reconnect wait is running. */
  changed(): void {
    if (this.stopped || this.blocked || !this.hooks.enabled()) return
    if (this.failures > 0) return
    this.schedulePush(this.options.debounceMs)
  }

  /**
   * A run started elsewhere (Sync now, the CLI) reached the server with the stored settings: the wait
   * after earlier failures and its planned retry are over, and changes go out on the usual schedule.
   */
  reachedServer(): void {
    // A run of the scheduler's own settles its outcome itself when it ends.
    if (this.stopped || this.running) return
    if (this.failures === 0 && !this.blocked) return
    this.failures = 0
    this.blocked = false
    this.hooks.onRetryPlanned(null)
    if (!this.hooks.enabled()) return
    this.schedulePush(this.hooks.hasPending() ? this.options.debounceMs : this.hooks.pushIntervalMs())
  }

  stop(): void {
    this.stopped = true
    this.clearTimers()
  }

  private clearTimers(): void {
    if (this.pushTimer !== null) this.timers.clearTimeout(this.pushTimer)
    if (this.pullTimer !== null) this.timers.clearTimeout(this.pullTimer)
    this.pushTimer = null
    this.pullTimer = null
  }

  private schedulePush(delayMs: number): void {
    if (this.pushTimer !== null) this.timers.clearTimeout(this.pushTimer)
    this.pushTimer = this.timers.setTimeout(() => {
      this.pushTimer = null
      void this.tick()
    }, delayMs)
  }

  private schedulePull(): void {
    const interval = this.hooks.pullIntervalMs()
    if (interval <= 0) return
    this.pullTimer = this.timers.setTimeout(() => {
      this.pullTimer = null
      void this.pullTick()
    }, interval)
  }

  private async pullTick(): Promise<void> {
    if (this.stopped || this.blocked || !this.hooks.enabled()) return
    const outcome = await this.hooks.pull('timer').catch((): RunOutcome => 'failed')
    if (outcome === 'unauthorized') this.blocked = true
    if (!this.stopped) this.schedulePull()
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.blocked || !this.hooks.enabled()) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    let outcome: RunOutcome
    try {
      const trigger = this.failures > 0 ? 'reconnect' : 'auto'
      outcome = this.hooks.hasPending() ? await this.hooks.push(trigger) : await this.hooks.probe()
    } catch {
      outcome = 'failed'
    } finally {
      this.running = false
    }
    if (this.stopped) return
    if (outcome === 'unauthorized') {
      this.blocked = true
      this.hooks.onRetryPlanned(null)
      return
    }
    if (outcome === 'ok') {
      this.failures = 0
      this.hooks.onRetryPlanned(null)
      // Changes that arrived during the run go out now; otherwise wait for the timer.
      const delay =
        this.again && this.hooks.hasPending() ? this.options.debounceMs : this.hooks.pushIntervalMs()
      this.again = false
      this.schedulePush(delay)
      return
    }
    this.again = false
    this.failures += 1
    const wait = Math.min(
      this.options.reconnectMaxMs,
      this.options.reconnectMinMs * 2 ** Math.min(this.failures - 1, 20),
    )
    this.hooks.onRetryPlanned(this.clock() + wait)
    this.schedulePush(wait)
  }
}
