// "Sync now" (pull, then push) and "Pull from remote" as jobs: start, follow the progress, cancel, and say
// how it ended with the run's figures. Picks up a sync job that was already running before a reload.
import { api, ApiError, toApiError } from '../api/client'
import { describeSyncSummary } from '../sync/sync-text'
import { jobs, type TrackedJob } from './jobs.svelte'

export type SyncJobChannel = 'sync.now' | 'sync.pull'

/** Any sync job, whichever way it was started (these pages, the CLI does not share the registry). */
export function isSyncJob(kind: string): boolean {
  return kind === 'sync.now' || kind === 'sync.pull' || kind === 'sync.push'
}

export class SyncJob {
  readonly channel: SyncJobChannel
  /** What the progress bar is labelled, e.g. "Syncing with the remote". */
  readonly label: string
  readonly #done: string
  jobId = $state<string | null>(null)
  starting = $state(false)
  cancelling = $state(false)
  error = $state<ApiError | null>(null)
  outcome = $state<string | null>(null)
  /** Whether the outcome is good news (finished) or just an ending (cancelled). */
  outcomeIsSuccess = $state(false)

  job = $derived<TrackedJob | undefined>(
    this.jobId ? jobs.get(this.jobId) : jobs.running((kind) => kind === this.channel),
  )
  active = $derived(this.starting || this.job?.status === 'running')

  constructor(channel: SyncJobChannel, label: string, done: string) {
    this.channel = channel
    this.label = label
    this.#done = done
  }

  /** Starts the job and resolves when it has finished (whichever way); errors are kept, not thrown. */
  async start(): Promise<void> {
    if (this.active) return
    this.starting = true
    this.error = null
    this.outcome = null
    try {
      const { jobId } = await api.call(this.channel, {})
      jobs.track(jobId, this.channel)
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
      this.outcome = `${this.#done} ${describeSyncSummary(job.summary)}`
    } else if (job.status === 'cancelled') {
      this.outcome =
        'Cancelled. What was already sent or downloaded is kept; the rest waits for the next sync.'
    } else {
      this.error = new ApiError(
        'internal',
        job.error?.message ?? 'The sync failed.',
        job.error ? { code: job.error.code } : undefined,
      )
    }
  }
}

export const syncNowJob = new SyncJob('sync.now', 'Syncing with the remote', 'Sync finished.')
export const pullJob = new SyncJob('sync.pull', 'Pulling profiles from the remote', 'Pull finished.')
