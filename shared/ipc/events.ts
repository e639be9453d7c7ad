// Events pushed from the backend to the renderer (Electron: webContents.send; web host: SSE).
import type { SyncStatus } from './channels/sync'

export interface JobProgressEvent {
  jobId: string
  kind: string
  phase: string
  done: number
  total: number | null
}

export interface JobFinishedEvent {
  jobId: string
  kind: string
  status: 'succeeded' | 'failed' | 'cancelled'
  summary?: Record<string, unknown>
  error?: { code: string; message: string }
}

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
}
export type EventName = keyof EventMap
export const EVENT_NAMES: EventName[] = ['job.progress', 'job.finished', 'profiles.changed', 'sync.status']
