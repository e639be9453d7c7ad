// Loading sample data on an empty database: start the `sample.load` job, follow it, cancel it, and say
// how it ended. Also picks up a sample job that was already running before a reload.
import { api, ApiError, toApiError } from '../api/client'
import { formatCount } from '../format/counts'
import { jobs, type TrackedJob } from './jobs.svelte'

export const SAMPLE_PROFILES = 2000

export function isSampleJob(kind: string): boolean {
  return kind.startsWith('sample')
}

class SampleData {
  jobId = $state<string | null>(null)
  starting = $state(false)
  cancelling = $state(false)
  error = $state<ApiError | null>(null)
  outcome = $state<string | null>(null)
  /** Whether the outcome is good news (loaded) or just an ending (cancelled). */
  outcomeIsSuccess = $state(false)

  job = $derived<TrackedJob | undefined>(this.jobId ? jobs.get(this.jobId) : jobs.running(isSampleJob))
  active = $derived(this.starting || this.job?.status === 'running')

  /** Starts the job and resolves when it has finished (whichever way); errors are kept, not thrown. */
  async load(): Promise<void> {
    if (this.active) return
    this.starting = true
    this.error = null
    this.outcome = null
    try {
      const { jobId } = await api.call('sample.load', { profiles: SAMPLE_PROFILES })
      jobs.track(jobId, 'sample.load')
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
      // load() reports the jobs this page started; a job picked up after a reload is reported here
      const finished = await jobs.whenFinished(job.jobId)
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
      const profiles = job.summary?.['profiles']
      this.outcome =
        typeof profiles === 'number'
          ? `Loaded ${formatCount(profiles)} sample profiles.`
          : 'Sample data loaded.'
    } else if (job.status === 'cancelled') {
      this.outcome = 'Loading sample data was cancelled.'
    } else {
      this.error = new ApiError(
        'internal',
        job.error?.message ?? 'Loading sample data failed.',
        job.error ? { code: job.error.code } : undefined,
      )
    }
  }
}

export const sampleData = new SampleData()
