// Every job the backend reports (job.progress / job.finished), kept by id so a view can show progress
// for the job it started, or pick up one that was already running before a reload.
import type { JobFinishedEvent, JobProgressEvent } from '$shared/ipc/events'
import { api } from '../api/client'

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface TrackedJob {
  jobId: string
  kind: string
  phase: string
  done: number
  total: number | null
  status: JobStatus
  summary?: Record<string, unknown>
  error?: { code: string; message: string }
}

class JobTracker {
  jobs = $state<Record<string, TrackedJob>>({})
  #waiters = new Map<string, Array<(job: TrackedJob) => void>>()

  /** Subscribes to job events and loads the jobs already running; returns the stop function. */
  connect(): () => void {
    const stopProgress = api.on('job.progress', (event) => this.#progress(event))
    const stopFinished = api.on('job.finished', (event) => this.#finished(event))
    void api
      .call('jobs.list', {})
      .then(({ jobs }) => {
        for (const job of jobs) {
          if (this.jobs[job.jobId]) continue
          this.jobs[job.jobId] = {
            jobId: job.jobId,
            kind: job.kind,
            phase: '',
            done: job.done,
            total: job.total,
            status: job.status,
          }
        }
      })
      .catch(() => {
        // without the list, jobs still appear with their next progress event
      })
    return () => {
      stopProgress()
      stopFinished()
    }
  }

  /** Registers a job this page just started (its events may have arrived before the reply did). */
  track(jobId: string, kind: string): TrackedJob {
    this.jobs[jobId] ??= { jobId, kind, phase: 'starting', done: 0, total: null, status: 'running' }
    return this.jobs[jobId]
  }

  get(jobId: string): TrackedJob | undefined {
    return this.jobs[jobId]
  }

  running(kind: (kind: string) => boolean): TrackedJob | undefined {
    return Object.values(this.jobs).find((job) => job.status === 'running' && kind(job.kind))
  }

  /** Resolves once the job has finished, whichever way. */
  whenFinished(jobId: string): Promise<TrackedJob> {
    const job = this.jobs[jobId]
    if (job && job.status !== 'running') return Promise.resolve(job)
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(jobId) ?? []
      waiters.push(resolve)
      this.#waiters.set(jobId, waiters)
    })
  }

  async cancel(jobId: string): Promise<void> {
    await api.call('jobs.cancel', { jobId })
  }

  #progress(event: JobProgressEvent): void {
    const job = this.jobs[event.jobId]
    if (job && job.status !== 'running') return // a late progress event after the end
    this.jobs[event.jobId] = {
      ...(job ?? { status: 'running' as const }),
      jobId: event.jobId,
      kind: event.kind,
      phase: event.phase,
      done: event.done,
      total: event.total,
    }
  }

  #finished(event: JobFinishedEvent): void {
    const previous = this.jobs[event.jobId]
    const job: TrackedJob = {
      jobId: event.jobId,
      kind: event.kind,
      phase: previous?.phase ?? '',
      done: previous?.done ?? 0,
      total: previous?.total ?? null,
      status: event.status,
      ...(event.summary ? { summary: event.summary } : {}),
      ...(event.error ? { error: event.error } : {}),
    }
    this.jobs[event.jobId] = job
    const waiters = this.#waiters.get(event.jobId) ?? []
    this.#waiters.delete(event.jobId)
    for (const resolve of waiters) resolve(job)
  }
}

export const jobs = new JobTracker()
