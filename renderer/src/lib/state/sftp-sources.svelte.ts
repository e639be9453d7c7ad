// The Sources page's list: every SFTP source with its last run and next run, kept fresh as runs start and
// end (also the ones the scheduler starts), and Run now / Cancel as jobs with their progress.
import type { SftpSourceView } from '$shared/sftp/types'
import type { JobKind } from '$shared/jobs/job-kinds'
import { api, toApiError, type ApiError } from '../api/client'
import { jobs, kindIs, type TrackedJob } from './jobs.svelte'

export const SFTP_RUN_JOB = 'sftp.run' satisfies JobKind
const isSftpRun = kindIs(SFTP_RUN_JOB)
/** Relative times ("next in 5 hours") are redrawn, and the list re-read, this often. */
const TICK_MS = 30_000

export class SftpSources {
  items = $state.raw<SftpSourceView[]>([])
  secretWarning = $state<string | null>(null)
  loaded = $state(false)
  error = $state<ApiError | null>(null)
  /** Sources whose Run now is on its way (before the job id is known). */
  starting = $state<Record<number, boolean>>({})
  cancelling = $state<Record<number, boolean>>({})
  /** The last Run now / Cancel that did not work, with the source it was for. */
  actionError = $state<{ id: number; error: ApiError } | null>(null)
  now = $state(Date.now())
  #generation = 0

  /** Follows run events and the clock; returns the stop function. */
  connect(): () => void {
    const known = (jobId: string) => this.items.some((s) => s.running?.jobId === jobId)
    const stops = [
      api.on('job.finished', (event) => {
        if (event.kind === SFTP_RUN_JOB) void this.reload()
      }),
      // A run the scheduler started shows up here first.
      api.on('job.progress', (event) => {
        if (event.kind === SFTP_RUN_JOB && !known(event.jobId)) void this.reload()
      }),
    ]
    const timer = setInterval(() => {
      this.now = Date.now()
      void this.reload()
    }, TICK_MS)
    return () => {
      for (const stop of stops) stop()
      clearInterval(timer)
    }
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation
    try {
      const list = await api.call('sftp.sources.list', {})
      if (generation !== this.#generation) return
      this.items = list.items
      this.secretWarning = list.secretWarning
      this.error = null
      this.now = Date.now()
      for (const source of list.items) {
        if (source.running?.jobId) jobs.track(source.running.jobId, SFTP_RUN_JOB)
      }
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loaded = true
    }
  }

  /** The job of the source's run in progress, when it runs in this app (not in a command line next to it). */
  jobOf(source: SftpSourceView): TrackedJob | undefined {
    const jobId = source.running?.jobId
    return jobId ? jobs.get(jobId) : undefined
  }

  async runNow(source: SftpSourceView): Promise<void> {
    if (this.starting[source.id] || source.running) return
    this.starting[source.id] = true
    this.actionError = null
    try {
      const { jobId, runId } = await api.call('sftp.sources.run', { id: source.id })
      jobs.track(jobId, SFTP_RUN_JOB)
      // Shown as running at once; the reload that follows brings the backend's view.
      this.items = this.items.map((s) => (s.id === source.id ? { ...s, running: { runId, jobId } } : s))
      void this.reload()
    } catch (error) {
      this.actionError = { id: source.id, error: toApiError(error) }
    } finally {
      this.starting[source.id] = false
    }
  }

  async cancel(source: SftpSourceView): Promise<void> {
    const job = this.jobOf(source)
    if (!job || this.cancelling[source.id]) return
    this.cancelling[source.id] = true
    this.actionError = null
    try {
      await jobs.cancel(job.jobId)
      await jobs.whenFinished(job.jobId, isSftpRun)
      await this.reload()
    } catch (error) {
      this.actionError = { id: source.id, error: toApiError(error) }
    } finally {
      this.cancelling[source.id] = false
    }
  }
}
