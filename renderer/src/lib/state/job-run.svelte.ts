// A job a page starts or follows: start it, follow its progress, cancel it, and act once it has ended.
// Every page's job goes through JobRun: sample data and sync say in a sentence how it ended
// (ReportedJob, below); the import wizard reads the run's summary (ImportRun, ./import-run.svelte.ts).
import type { JobHandle, JobKind, JobSummaries } from '$shared/jobs/job-kinds'
import { ApiError, toApiError } from '../api/client'
import { jobs, type KindGuard, type TrackedJob } from './jobs.svelte'

export class JobRun<K extends JobKind> {
  /** The job started or adopted here; null before (then `job` is a running one of these kinds, if any). */
  jobId = $state<string | null>(null)
  starting = $state(false)
  cancelling = $state(false)
  error = $state<ApiError | null>(null)
  readonly #of: KindGuard<K>
  readonly #pickUp: boolean

  job = $derived<TrackedJob<K> | undefined>(this.#current())
  /** Starting, or running: a second start waits for this one. */
  active = $derived(this.starting || this.job?.status === 'running')

  /**
   * `of`: the kinds this run's jobs are. `pickUp`: before a job is started here, follow one of them that
   * is already running (started before a reload, or in another tab), so its progress and Cancel show.
   */
  constructor(of: KindGuard<K>, pickUp: boolean) {
    this.#of = of
    this.#pickUp = pickUp
  }

  /** Starts a job of `kind` with `launch`; resolves once it has ended and been read (errors are kept). */
  protected async launch(kind: K, launch: () => Promise<JobHandle>): Promise<void> {
    if (this.active) return
    this.starting = true
    this.error = null
    this.cleared()
    try {
      const { jobId } = await launch()
      jobs.track(jobId, kind)
      this.jobId = jobId
      this.starting = false
      await this.ended(await jobs.whenFinished(jobId, this.#of))
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.starting = false
      this.cancelling = false
    }
  }

  /** Follows a job that was already running (started before a reload, or elsewhere) until it ends. */
  async adopt(jobId: string): Promise<void> {
    this.jobId = jobId
    this.error = null
    this.cleared()
    try {
      await this.ended(await jobs.whenFinished(jobId, this.#of))
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.cancelling = false
    }
  }

  /** Asks the backend to cancel the job; resolves once it has ended. */
  async cancel(): Promise<void> {
    const job = this.job
    if (!job || job.status !== 'running' || this.cancelling) return
    this.cancelling = true
    try {
      await jobs.cancel(job.jobId)
      const ended = await jobs.whenFinished(job.jobId, this.#of)
      // launch() and adopt() read the jobs they follow; one only picked up is read here.
      if (this.jobId !== job.jobId) await this.ended(ended)
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.cancelling = false
    }
  }

  #current(): TrackedJob<K> | undefined {
    if (this.jobId) return jobs.getOf(this.jobId, this.#of)
    return this.#pickUp ? jobs.running(this.#of) : undefined
  }

  /** A new job begins: forget what the last one left. */
  protected cleared(): void {}

  /** The job has ended, whichever way. */
  protected async ended(_job: TrackedJob<K>): Promise<void> {}
}

export interface ReportedJobOptions<K extends JobKind> {
  /** The kind `launch` starts. */
  kind: K
  /** The kinds to pick up when one is running (e.g. after a reload). */
  of: KindGuard<K>
  /** Asks the backend to start the job. */
  launch: () => Promise<JobHandle>
  /** The outcome once the job succeeded, from its summary. */
  succeeded: (summary: JobSummaries[K] | undefined) => string
  /** The outcome once the job was cancelled. */
  cancelled: string
  /** The error message when the job failed without saying why. */
  failed: string
}

/** A job whose ending is said in a sentence (`outcome`), or shown as its error. */
export class ReportedJob<K extends JobKind> extends JobRun<K> {
  readonly #options: ReportedJobOptions<K>
  outcome = $state<string | null>(null)
  /** Whether the outcome is good news (finished) or just an ending (cancelled). */
  outcomeIsSuccess = $state(false)

  constructor(options: ReportedJobOptions<K>) {
    super(options.of, true)
    this.#options = options
  }

  /** Starts the job and resolves when it has finished (whichever way); errors are kept, not thrown. */
  start(): Promise<void> {
    return this.launch(this.#options.kind, this.#options.launch)
  }

  dismiss(): void {
    this.outcome = null
    this.error = null
  }

  protected override cleared(): void {
    this.outcome = null
  }

  protected override async ended(job: TrackedJob<K>): Promise<void> {
    this.outcomeIsSuccess = job.status === 'succeeded'
    if (job.status === 'succeeded') {
      this.outcome = this.#options.succeeded(job.summary)
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
