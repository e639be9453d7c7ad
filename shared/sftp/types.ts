// What SFTP import sources exchange, as plain types and constants: a source's settings and secrets, its
// schedule, "Test connection" results, runs and their files. No zod here, so the renderer imports it at
// run time; ../ipc/channels/sftp.ts holds the request schemas (checked against these types).
import type { EventImportCounts, ImportKind, ProfileImportCounts } from '../imports/types'

/** What happens to a remote file after it was imported: left in place, moved to `processed/`, deleted. */
export const AFTER_ACTIONS = ['leave', 'move', 'delete'] as const
export type AfterAction = (typeof AFTER_ACTIONS)[number]

/** When a file counts as complete: its CleverTap `.manifest` arrived, or its size and time stopped changing. */
export const COMPLETION_RULES = ['manifest', 'stable'] as const
export type CompletionRule = (typeof COMPLETION_RULES)[number]

export const AUTH_KINDS = ['password', 'key'] as const
export type AuthKind = (typeof AUTH_KINDS)[number]

/** Days as JavaScript numbers them (Date#getDay: 0 is Sunday). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** When a source runs by itself, in the local time of the computer the app runs on. */
export type Schedule =
  | { kind: 'manual' }
  | { kind: 'every'; hours: number }
  | { kind: 'daily'; time: string }
  | { kind: 'weekly'; day: Weekday; time: string }

/** A source's settings as saved (every default filled in). */
export interface SourceSettings {
  name: string
  host: string
  port: number
  username: string
  auth: AuthKind
  /** The trusted host key (`SHA256:…`); null until the person has trusted the one the server shows. */
  hostKey: string | null
  /** The remote folder, absolute (`/in`) or relative to the login folder. */
  folder: string
  /** A file-name pattern: `*` any run of characters, `?` one character, `[abc]` one of them. */
  pattern: string
  completion: CompletionRule
  kind: ImportKind
  /** A saved CSV mapping by name; null: proposed from the headers (and the manifest's columns when there is one). */
  mappingName: string | null
  after: AfterAction
  schedule: Schedule
}

/** A source's settings as a request gives them: what has a default may be left out. */
export type SourceFields = Omit<
  SourceSettings,
  'port' | 'hostKey' | 'pattern' | 'completion' | 'kind' | 'mappingName' | 'after' | 'schedule'
> &
  Partial<
    Pick<
      SourceSettings,
      'port' | 'hostKey' | 'pattern' | 'completion' | 'kind' | 'mappingName' | 'after' | 'schedule'
    >
  >

/** Secrets to store with a source. Left out: keep the stored one. `passphrase: null` removes it. */
export interface SourceSecrets {
  password?: string
  /** The private key's text (OpenSSH or PEM). */
  privateKey?: string
  passphrase?: string | null
}

export interface SftpSourceView extends SourceSettings {
  id: number
  /** Which secrets are stored (never the secrets themselves). */
  stored: { password: boolean; privateKey: boolean; passphrase: boolean }
  /** The trusted key's type, e.g. ssh-ed25519, when known. */
  hostKeyType: string | null
  /** The schedule for people ("Daily at 02:00") and as the command line writes it ("daily 02:00"). */
  scheduleText: string
  scheduleCli: string
  /** When the scheduler will start it next (epoch ms); null for manual sources. */
  nextRunAt: number | null
  lastRun: SftpRunInfo | null
  /** The run in progress, if any (jobId is null when another process runs it). */
  running: { runId: number; jobId: string | null } | null
  createdAt: number
  updatedAt: number
}

export type SftpTestOutcome =
  | 'ok'
  /** No key trusted yet: the fingerprint is returned for the person to check and trust. Nothing was sent. */
  | 'untrusted'
  /** The server's key differs from the trusted one: possibly a man in the middle. Nothing was sent. */
  | 'host_key_mismatch'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'auth'
  | 'key_invalid'
  | 'missing_secret'
  | 'folder_missing'
  | 'not_a_folder'
  | 'permission'
  | 'failed'

export interface SftpTestResult {
  ok: boolean
  outcome: SftpTestOutcome
  /** What happened, in plain words, with what to do. */
  message: string
  /** The key the server presented (`SHA256:…`), when the connection got that far. */
  fingerprint: string | null
  keyType: string | null
  /** Files in the folder matching the pattern (ok only). */
  matching: number | null
  latencyMs: number | null
}

export const SFTP_RUN_STATUSES = [
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
] as const
export type SftpRunStatus = (typeof SFTP_RUN_STATUSES)[number]
export type SftpRunTrigger = 'manual' | 'schedule' | 'missed' | 'cli'
export type SftpFileStatus = 'downloading' | 'downloaded' | 'importing' | 'imported' | 'skipped' | 'failed'

export interface SftpFileResult {
  id: number
  name: string
  remotePath: string
  size: number
  /** The server's modification time (epoch ms). */
  mtime: number
  sha256: string | null
  status: SftpFileStatus
  /** Download attempts (more than one after a dropped connection). */
  attempts: number
  /** The CSV import run (its summary and rejected rows: imports.run / imports.errors). */
  importRunId: number | null
  counts: ProfileImportCounts | EventImportCounts | null
  /** Rows of the rejected-rows CSV (0: none). */
  rejectedRows: number
  /** Why the file failed or was skipped. */
  error: string | null
  /** What was done with the remote file afterwards. */
  after: 'left' | 'moved' | 'deleted' | null
  afterError: string | null
  startedAt: number
  finishedAt: number | null
}

export interface SftpRunInfo {
  id: number
  sourceId: number | null
  sourceName: string
  trigger: SftpRunTrigger
  status: SftpRunStatus
  startedAt: number
  finishedAt: number | null
  /** Files matching the pattern in the folder. */
  found: number
  imported: number
  skipped: number
  failed: number
  /** Files not complete yet (still being written, or waiting for their manifest): left for a later run. */
  waiting: string[]
  /** Why the run failed as a whole (connection, folder), when it did. */
  error: string | null
  files: SftpFileResult[]
}

/** The job.finished summary of an `sftp.run` job; the run itself (with its files) is in sftp.runs.get. */
export interface SftpRunSummary {
  runId: number
  sourceId: number
  sourceName: string
  status: SftpRunStatus
  found: number
  imported: number
  skipped: number
  failed: number
  /** How many files were not complete yet (left for a later run). */
  waiting: number
  error: string | null
}
