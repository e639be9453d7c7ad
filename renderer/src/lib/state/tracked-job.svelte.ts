// A job started from a page (sample data, sync): start it, follow it, cancel it and say how it ended.
// Also picks up a matching job that was already running before a reload.
import { ApiError, toApiError } from '../api/client'
import { jobs, type TrackedJob } from './jobs.svelte'

export interface JobRunOptions {
  /** The job kind it is tracked under, e.g. "sample.load". */
  kind: string
  /** Which running job to follow when none was started here (e.g. after a reload). */
  matches: (kind: string) => boolean
  /** Asks the backend to start the job. */
  launch: () => Promise<{ jobId: string }>
  /** The outcome once the job succeeded. */
  succeeded: (job: TrackedJob) => string
  /** The outcome once the job was cancelled. */
  cancelled: string
  /** The error message when the job failed without saying why. */
  failed: string
}

export class JobRun {
  readonly #options: JobRunOptions
  jobId = $state<string | null>(null)
  starting = $state(false)
  cancelling = $state(false)
  error = $state<ApiError | null>(null)
  outcome = $state<string | null>(null)
  /** Whether the outcome is good news (finished) or just an ending (cancelled). */
  outcomeIsSuccess = $state(false)

  job = $derived<TrackedJob | undefined>(
    this.jobId ? jobs.get(this.jobId) : jobs.running((kind) => this.#options.matches(kind)),
  )
  active = $derived(this.starting || this.job?.status === 'running')

  constructor(options: JobRunOptions) {
    this.#options = options
  }

  /** Starts the job and resolves when it has finished (whichever way); errors are kept, not thrown. */
  async start(): Promise<void> {
    if (this.active) return
    this.starting = true
    this.error = null
    this.outcome = null
    try {
      const { jobId } = await this.#options.launch()
      jobs.track(jobId, this.#options.kind)
      this.jobId = jobId
      this.starting = false
      this.#report(await jobs.whenFinished(jobId))
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.starting = false
      this.cancelling = false
    }
  }

  async cancel(): Promise<void> {
    const job = this.job
    if (!job || this.cancelling) return
    this.cancelling = true
    try {
      await jobs.cancel(job.jobId)
      const finished = await jobs.whenFinished(job.jobId)
      // start() reports the jobs this page started; one picked up after a reload is reported here
      if (this.jobId !== job.jobId) this.#report(finished)
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.cancelling = false
    }
  }

  dismiss(): void {
    this.outcome = null
    this.error = null
  }

  #report(job: TrackedJob): void {
    this.outcomeIsSuccess = job.status === 'succeeded'
    if (job.status === 'succeeded') {
      this.outcome = this.#options.succeeded(job)
    } else if (job.status === 'cancelled') {
      this.outcome = this.#options.cancelled
    } else {
      this.error = new ApiError(
        'internal',
        job.error?.message ?? this.#options.failed,
        job.error ? { code: job.error.code } : undefined,
      )
    }
  }
}
