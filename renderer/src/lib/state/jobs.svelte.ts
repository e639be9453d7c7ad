// Every job the backend reports (job.progress / job.finished), kept by id so a view can show progress
// for the job it started, or pick up one that was already running before a reload.
import type { JobFinishedEvent, JobProgressEvent } from '$shared/ipc/events'
import type { JobError, JobKind, JobStatus, JobSummaries } from '$shared/jobs/job-kinds'
import { api, ApiError } from '../api/client'

/** A job as this page knows it, typed by its kind: narrowing on `kind` types `summary`. */
export type TrackedJob<K extends JobKind = JobKind> = {
  [P in K]: {
    jobId: string
    kind: P
    phase: string
    done: number
    total: number | null
    status: JobStatus
    summary?: JobSummaries[P]
    error?: JobError
  }
}[K]

/** Tells whether a job kind is one of the kinds K (e.g. `isImportJob`, or `kindIs('sync.now')`). */
export type KindGuard<K extends JobKind> = (kind: JobKind) => kind is K

/** A guard for the kinds named. */
export function kindIs<K extends JobKind>(...kinds: K[]): KindGuard<K> {
  return (kind): kind is K => (kinds as JobKind[]).includes(kind)
}

/**
 * The job as one of the kinds K when `of` says its kind is one (TypeScript does not narrow a union by a
 * guard on one of its fields, so the check is made here, once, for every typed lookup).
 */
function asKind<K extends JobKind>(job: TrackedJob | undefined, of: KindGuard<K>): TrackedJob<K> | undefined {
  return job && of(job.kind) ? (job as TrackedJob<K>) : undefined
}

/** What every job has, whatever its kind. */
type JobState = Pick<TrackedJob, 'jobId' | 'phase' | 'done' | 'total' | 'status'>

/**
 * A job of kind `kind` with no summary yet. TypeScript cannot pair a kind held in a variable with the
 * member of the TrackedJob union it names; no other field depends on the kind, so this is the one place
 * that says so.
 */
function jobOfKind(kind: JobKind, state: JobState): TrackedJob {
  return { kind, ...state } as TrackedJob
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
        for (const { jobId, kind, done, total, status } of jobs) {
          if (this.jobs[jobId]) continue
          this.jobs[jobId] = jobOfKind(kind, { jobId, phase: '', done, total, status })
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
  track(jobId: string, kind: JobKind): void {
    this.jobs[jobId] ??= jobOfKind(kind, {
      jobId,
      phase: 'starting',
      done: 0,
      total: null,
      status: 'running',
    })
  }

  get(jobId: string): TrackedJob | undefined {
    return this.jobs[jobId]
  }

  /** The job, when it is of the kinds `of` accepts. */
  getOf<K extends JobKind>(jobId: string, of: KindGuard<K>): TrackedJob<K> | undefined {
    return asKind(this.jobs[jobId], of)
  }

  /** A running job of the kinds `of` accepts (e.g. `isImportJob`). */
  running<K extends JobKind>(of: KindGuard<K>): TrackedJob<K> | undefined {
    for (const job of Object.values(this.jobs)) {
      const found = job.status === 'running' ? asKind(job, of) : undefined
      if (found) return found
    }
    return undefined
  }

  /** Resolves once the job has finished, whichever way; refuses one that is not of the kinds `of` accepts. */
  async whenFinished<K extends JobKind>(jobId: string, of: KindGuard<K>): Promise<TrackedJob<K>> {
    const current = this.jobs[jobId]
    const job =
      current && current.status !== 'running'
        ? current
        : await new Promise<TrackedJob>((resolve) => {
            const waiters = this.#waiters.get(jobId) ?? []
            waiters.push(resolve)
            this.#waiters.set(jobId, waiters)
          })
    const typed = asKind(job, of)
    if (!typed) throw new ApiError('internal', `Job ${jobId} is a ${job.kind} job, not the one expected.`)
    return typed
  }

  async cancel(jobId: string): Promise<void> {
    await api.call('jobs.cancel', { jobId })
  }

  #progress({ jobId, kind, phase, done, total }: JobProgressEvent): void {
    const job = this.jobs[jobId]
    if (job && job.status !== 'running') return // a late progress event after the end
    this.jobs[jobId] = job
      ? { ...job, phase, done, total }
      : jobOfKind(kind, { jobId, phase, done, total, status: 'running' })
  }

  #finished(event: JobFinishedEvent): void {
    const previous = this.jobs[event.jobId]
    // The event pairs its kind with its summary; the job keeps both and the progress it had.
    const job: TrackedJob = {
      ...event,
      phase: previous?.phase ?? '',
      done: previous?.done ?? 0,
      total: previous?.total ?? null,
    }
    this.jobs[event.jobId] = job
    const waiters = this.#waiters.get(event.jobId) ?? []
    this.#waiters.delete(event.jobId)
    for (const resolve of waiters) resolve(job)
  }
}

export const jobs = new JobTracker()
