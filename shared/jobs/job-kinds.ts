// Long work as jobs: every kind the backend runs and what its job.finished summary holds. Like the event
// map, one table types both ends: the registry's work must return its kind's summary, and a page or the
// command line reads it by kind, without guessing its shape.
import type { BulkSummary, UndoSummary } from '../bulk/types'
import type { ImportKind, ImportRunMode, ImportSummary } from '../imports/types'
import type { SampleLoadSummary } from '../profile/types'
import type { SegmentExportSummary } from '../segments/types'
import type { SftpRunSummary } from '../sftp/types'
import type { PullSummary, PushSummary, SyncNowSummary } from '../sync/types'

/** Each job kind and its summary. */
export interface JobSummaries {
  'sample.load': SampleLoadSummary
  'import.profiles': ImportSummary
  'import.events': ImportSummary
  'import.profiles.dry-run': ImportSummary
  'import.events.dry-run': ImportSummary
  'sftp.run': SftpRunSummary
  'sync.push': PushSummary
  'sync.pull': PullSummary
  /** Pull, then push. */
  'sync.now': SyncNowSummary
  /** A segment's members written to CSV. */
  'segments.export': SegmentExportSummary
  /** A bulk action on a selection of profiles: one change set. */
  bulk: BulkSummary
  /** The undo of a change set: a change set of its own. */
  undo: UndoSummary
}
export type JobKind = keyof JobSummaries
export type JobSummaryOf<K extends JobKind> = JobSummaries[K]

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'

/** Why a job failed or that it was cancelled; `code` is an ErrorCode (../ipc/envelope.ts). */
export interface JobError {
  code: string
  message: string
}

export interface JobHandle {
  jobId: string
}

export interface JobInfo {
  jobId: string
  kind: JobKind
  status: JobStatus
  done: number
  total: number | null
  startedAt: number
}

/** The CSV import jobs: a dry run (checks every row, writes nothing) or an import, of profiles or events. */
const IMPORT_JOB_KINDS = {
  profiles: { import: 'import.profiles', 'dry-run': 'import.profiles.dry-run' },
  events: { import: 'import.events', 'dry-run': 'import.events.dry-run' },
} as const satisfies Record<ImportKind, Record<ImportRunMode, JobKind>>
export type ImportJobKind = (typeof IMPORT_JOB_KINDS)[ImportKind][ImportRunMode]

export function importJobKind(kind: ImportKind, mode: ImportRunMode): ImportJobKind {
  return IMPORT_JOB_KINDS[kind][mode]
}

const IMPORT_JOBS: ReadonlySet<JobKind> = new Set(
  Object.values(IMPORT_JOB_KINDS).flatMap((modes) => Object.values(modes)),
)

export function isImportJob(kind: JobKind): kind is ImportJobKind {
  return IMPORT_JOBS.has(kind)
}

export function importModeOf(kind: ImportJobKind): ImportRunMode {
  return kind === 'import.profiles.dry-run' || kind === 'import.events.dry-run' ? 'dry-run' : 'import'
}

export type SyncJobKind = 'sync.push' | 'sync.pull' | 'sync.now'
const SYNC_JOBS: ReadonlySet<JobKind> = new Set<SyncJobKind>(['sync.push', 'sync.pull', 'sync.now'])

export function isSyncJob(kind: JobKind): kind is SyncJobKind {
  return SYNC_JOBS.has(kind)
}
