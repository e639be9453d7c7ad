// Long work as a job: start returns an id at once; progress is pushed (throttled to ~10/s) and exactly
// one job.finished follows. Work checks its AbortSignal between batches; cancel aborts it.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../../shared/ipc/envelope'
import type { JobFinishedEvent } from '../../../../shared/ipc/events'
import type { JobError, JobInfo, JobKind, JobSummaries } from '../../../../shared/jobs/job-kinds'
import { isStoreBusy, STORE_BUSY } from '../db/busy'
import type { EventBus } from '../platform/event-bus'

export interface JobControl {
  signal: AbortSignal
  /** Report progress; emitted at most every 100 ms (and always for the last call before finishing). */
  progress(phase: string, done: number, total: number | null): void
}

/** The work of a job of kind K: it resolves with that kind's summary (shared/jobs/job-kinds.ts). */
export type JobWork<K extends JobKind> = (control: JobControl) => Promise<JobSummaries[K]>

interface RunningJob {
  info: JobInfo
  controller: AbortController
  promise: Promise<void>
}

const PROGRESS_INTERVAL_MS = 100

export class JobRegistry {
  private readonly jobs = new Map<string, RunningJob>()

  constructor(
    private readonly events: EventBus,
    private readonly clock: () => number,
  ) {}

  start<K extends JobKind>(kind: K, work: JobWork<K>): { jobId: string; done: Promise<void> } {
    const jobId = randomUUID()
    const controller = new AbortController()
    const info: JobInfo = { jobId, kind, status: 'running', done: 0, total: null, startedAt: this.clock() }
    let lastEmit = 0
    let pending: { phase: string; done: number; total: number | null } | null = null
    // A throttled update is sent later by this timer, so a phase followed by a long wait still shows.
    let trailing: NodeJS.Timeout | null = null
    const flush = () => {
      if (trailing) {
        clearTimeout(trailing)
        trailing = null
      }
      if (!pending) return
      this.events.emit('job.progress', { jobId, kind, ...pending })
      pending = null
      lastEmit = Date.now()
    }
    const control: JobControl = {
      signal: controller.signal,
      progress: (phase, done, total) => {
        info.done = done
        info.total = total
        pending = { phase, done, total }
        const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastEmit)
        if (wait <= 0) flush()
        else if (!trailing) trailing = setTimeout(flush, wait)
      },
    }
    const promise = (async () => {
      // Yield once so the caller gets { jobId } before any progress event.
      await new Promise((resolve) => setImmediate(resolve))
      try {
        const summary = await work(control)
        flush()
        // A cancel that came too late to stop anything (the work says it finished: an import's last,
        // uninterruptible step) does not make a finished job read as cancelled.
        info.status = controller.signal.aborted && !reportsSuccess(summary) ? 'cancelled' : 'succeeded'
        this.events.emit('job.finished', finishedEvent(kind, { jobId, status: info.status, summary }))
      } catch (error) {
        flush()
        const cancelled =
          controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled')
        info.status = cancelled ? 'cancelled' : 'failed'
        const shape =
          error instanceof AppError
            ? { code: error.code, message: error.message }
            : isStoreBusy(error)
              ? { code: 'conflict', message: `${STORE_BUSY} Try again in a moment.` }
              : { code: 'internal', message: (error as Error)?.message ?? String(error) }
        this.events.emit(
          'job.finished',
          finishedEvent(kind, {
            jobId,
            status: cancelled ? 'cancelled' : 'failed',
            error: cancelled ? { code: 'cancelled', message: 'Cancelled.' } : shape,
          }),
        )
      }
    })()
    this.jobs.set(jobId, { info, controller, promise })
    return { jobId, done: promise }
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId)
    if (!job || job.info.status !== 'running') return false
    job.controller.abort()
    return true
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }))
  }

  /** Resolves when the job has finished (any status). */
  async wait(jobId: string): Promise<JobInfo> {
    const job = this.jobs.get(jobId)
    if (!job) throw new AppError('not_found', `No job ${jobId}.`)
    await job.promise
    return { ...job.info }
  }

  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) if (job.info.status === 'running') job.controller.abort()
    await Promise.all([...this.jobs.values()].map((j) => j.promise))
  }
}

/** A summary that says its work finished (`status: 'succeeded'`, as import summaries do). */
function reportsSuccess(summary: JobSummaries[JobKind]): boolean {
  return 'status' in summary && summary.status === 'succeeded'
}

interface Ending<K extends JobKind> {
  jobId: string
  status: 'succeeded' | 'failed' | 'cancelled'
  summary?: JobSummaries[K]
  error?: JobError
}

/**
 * The job.finished event of a job of kind K. TypeScript cannot see that an object with `kind: K` and
 * K's summary is the member of the event union for K while K is generic; `start` ties the two together,
 * so this is the one place that says so.
 */
function finishedEvent<K extends JobKind>(kind: K, ending: Ending<K>): JobFinishedEvent {
  return { kind, ...ending } as JobFinishedEvent
}

/** Throws a `cancelled` AppError when the signal is aborted; call between batches. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError('cancelled', 'Cancelled.')
}
