// Events pushed from the backend to the renderer (Electron: webContents.send; web host: SSE).
import type { AppCommandEvent } from '../app/commands'
import type { JobError, JobKind, JobSummaries } from '../jobs/job-kinds'
import type { SyncStatus } from '../sync/types'

export interface JobProgressEvent {
  jobId: string
  kind: JobKind
  phase: string
  done: number
  total: number | null
}

/**
 * How a job ended, typed by its kind: narrowing on `kind` types `summary`. A job that finished its work
 * has a summary (also one cancelled too late to stop, or that stopped early by itself); one that failed
 * or was cancelled midway has an error.
 */
export type JobFinishedEvent<K extends JobKind = JobKind> = {
  [P in K]: {
    jobId: string
    kind: P
    status: 'succeeded' | 'failed' | 'cancelled'
    summary?: JobSummaries[P]
    error?: JobError
  }
}[K]

export interface ProfilesChangedEvent {
  /** The changed profiles' ids; empty with `all: true` after a bulk change (sample data, import). */
  ids: string[]
  all?: boolean
}

export interface EventMap {
  'job.progress': JobProgressEvent
  'job.finished': JobFinishedEvent
  'profiles.changed': ProfilesChangedEvent
  /** Sent whenever the sync status changes (counts, connection, activity, errors). */
  'sync.status': SyncStatus
  /** Electron's main process: a menu command, or a file dropped on the app or opened with it. */
  'app.command': AppCommandEvent
}
export type EventName = keyof EventMap
export const EVENT_NAMES: EventName[] = [
  'job.progress',
  'job.finished',
  'profiles.changed',
  'sync.status',
  'app.command',
]
