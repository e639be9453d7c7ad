// The scheduler: checks which sources have a slot that has not been run (at start-up, then at the next
// slot or at least every checkIntervalMs), and starts each such source once. A slot missed while the app
// was closed is run at the next start, once however many were missed. A source still running when its
// slot comes is started when that run ends (the service asks for a check then).
import { dueSlot, nextRunAt, type ScheduleState } from './schedule'
import type { SftpTimers } from './options'

export interface ScheduledSource {
  id: number
  state: ScheduleState
}

export interface SchedulerHooks {
  sources(): ScheduledSource[]
  isRunning(id: number): boolean
  /** Starts a run for the slot (recording the slot as taken); false when it could not start. */
  start(id: number, slot: number, trigger: 'schedule' | 'missed'): boolean
}

/** A slot run this long after its time was missed (the app was closed or asleep). */
export const MISSED_AFTER_MS = 60_000
const MIN_WAIT_MS = 1_000

export class SftpScheduler {
  private timer: unknown = null
  private stopped = false

  constructor(
    private readonly hooks: SchedulerHooks,
    private readonly timers: SftpTimers,
    private readonly clock: () => number,
    private readonly checkIntervalMs: number,
  ) {}

  /** Starts the due sources and plans the next check; returns the ids started. */
  check(): number[] {
    if (this.stopped) return []
    const now = this.clock()
    const started: number[] = []
    for (const source of this.hooks.sources()) {
      const slot = dueSlot(source.state, now)
      if (slot === null || this.hooks.isRunning(source.id)) continue
      if (this.hooks.start(source.id, slot, now - slot > MISSED_AFTER_MS ? 'missed' : 'schedule'))
        started.push(source.id)
    }
    this.arm()
    return started
  }

  /** Plans the next check (sources changed, a run ended). */
  arm(): void {
    if (this.stopped) return
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    const now = this.clock()
    let next = now + this.checkIntervalMs
    for (const source of this.hooks.sources()) {
      const at = nextRunAt(source.state, now)
      if (at !== null && at > now && at < next) next = at
    }
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = null
        this.check()
      },
      Math.max(MIN_WAIT_MS, next - now),
    )
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }
}
