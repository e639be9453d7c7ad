// Channels of SFTP import sources (issue 5), spread into ../contract.ts: sources with their pinned host key
// and schedule, "Test connection", runs as jobs and their per-file history. Also the schedule's text forms
// ('daily 02:00', 'every 6h', 'weekly mon 02:00', 'manual'), shared by the settings screen and the CLI.
import { z } from 'zod'
import type { JobHandle } from '../contract'
import { channel } from '../channel'
import { IMPORT_KINDS, type EventImportCounts, type ProfileImportCounts } from './imports'

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
const WEEKDAY_NAMES: Record<Weekday, string> = {
  sun: 'Sunday',
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
}

export const MAX_EVERY_HOURS = 7 * 24
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour clock)')

/** Local time of the computer the app runs on. */
export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }).strict(),
  z.object({ kind: z.literal('every'), hours: z.number().int().min(1).max(MAX_EVERY_HOURS) }).strict(),
  z.object({ kind: z.literal('daily'), time: clockTime }).strict(),
  z.object({ kind: z.literal('weekly'), day: z.enum(WEEKDAYS), time: clockTime }).strict(),
])
export type Schedule = z.infer<typeof scheduleSchema>

/** `manual`, `every 6h`, `daily 02:00`, `weekly mon 02:00`: the schedule as the command line writes it. */
export function scheduleToText(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return 'manual'
    case 'every':
      return `every ${schedule.hours}h`
    case 'daily':
      return `daily ${schedule.time}`
    case 'weekly':
      return `weekly ${schedule.day} ${schedule.time}`
  }
}

/** The schedule for people: "Daily at 02:00 (local time)". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'manual':
      return 'Manual only'
    case 'every':
      return schedule.hours === 1 ? 'Every hour' : `Every ${schedule.hours} hours`
    case 'daily':
      return `Daily at ${schedule.time}`
    case 'weekly':
      return `Weekly on ${WEEKDAY_NAMES[schedule.day]} at ${schedule.time}`
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** Reads the text form; returns the schedule or a message that says what is expected. */
export function parseScheduleText(
  text: string,
): { ok: true; schedule: Schedule } | { ok: false; message: string } {
  const words = text.trim().toLowerCase().split(/\s+/)
  const expected =
    `"${text.trim()}" is not a schedule. Use "manual", "every 6h", "daily 02:00" or "weekly mon 02:00" ` +
    '(times are 24-hour local time).'
  const time = (raw: string | undefined): string | null => {
    const match = /^(\d{1,2}):(\d{2})$/.exec(raw ?? '')
    if (!match) return null
    const h = Number(match[1])
    const m = Number(match[2])
    return h <= 23 && m <= 59 ? `${pad(h)}:${pad(m)}` : null
  }
  if (words.length === 1 && words[0] === 'manual') return { ok: true, schedule: { kind: 'manual' } }
  if (words[0] === 'every' && words.length >= 2) {
    const match = /^(\d+)\s*(h|hours?)?$/.exec(words.slice(1).join(' '))
    const hours = Number(match?.[1])
    if (!match || !Number.isInteger(hours) || hours < 1 || hours > MAX_EVERY_HOURS) {
      return { ok: false, message: `${expected} "every" takes 1 to ${MAX_EVERY_HOURS} hours.` }
    }
    return { ok: true, schedule: { kind: 'every', hours } }
  }
  if (words[0] === 'daily' && words.length === 2) {
    const at = time(words[1])
    return at ? { ok: true, schedule: { kind: 'daily', time: at } } : { ok: false, message: expected }
  }
  if (words[0] === 'weekly' && words.length === 3) {
    const day = WEEKDAYS.find(
      (d) => words[1]?.startsWith(d) && WEEKDAY_NAMES[d].toLowerCase().startsWith(words[1]),
    )
    const at = time(words[2])
    if (!day) return { ok: false, message: `${expected} The day is one of ${WEEKDAYS.join(', ')}.` }
    return at ? { ok: true, schedule: { kind: 'weekly', day, time: at } } : { ok: false, message: expected }
  }
  return { ok: false, message: expected }
}

/** `SHA256:` and 43 base64 characters, as `ssh-keygen -lf` prints a host key (a trailing `=` is dropped). */
export const hostKeyFingerprint = z
  .string()
  .trim()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}=?$/,
    'a SHA-256 fingerprint as ssh-keygen -lf prints it, e.g. SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
  )
  .transform((value) => value.replace(/=$/, ''))

export const sourceFields = z
  .object({
    name: z.string().trim().min(1).max(120),
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\s/@]+$/, 'a host name or IP address (no spaces, slashes or user@)'),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().trim().min(1).max(256),
    auth: z.enum(AUTH_KINDS),
    /** The trusted host key; null until the person has trusted the one the server shows. */
    hostKey: hostKeyFingerprint.nullable().default(null),
    /** The remote folder, absolute (`/in`) or relative to the login folder. */
    folder: z.string().trim().min(1).max(1024),
    /** A file-name pattern: `*` any run of characters, `?` one character, `[abc]` one of them. */
    pattern: z.string().trim().min(1).max(255).default('*.csv'),
    completion: z.enum(COMPLETION_RULES).default('stable'),
    kind: z.enum(IMPORT_KINDS).default('profiles'),
    /** A saved CSV mapping by name; null: proposed from the headers (and the manifest's columns when there is one). */
    mappingName: z.string().trim().min(1).max(120).nullable().default(null),
    after: z.enum(AFTER_ACTIONS).default('leave'),
    schedule: scheduleSchema.default({ kind: 'manual' }),
  })
  .strict()
export type SourceFields = z.input<typeof sourceFields>
export type SourceSettings = z.output<typeof sourceFields>

/** Secrets to store with a source. Left out: keep the stored one. `passphrase: null` removes it. */
export const sourceSecrets = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    /** The private key's text (OpenSSH or PEM). */
    privateKey: z
      .string()
      .min(1)
      .max(64 * 1024)
      .optional(),
    passphrase: z.string().min(1).max(1024).nullable().optional(),
  })
  .strict()
export type SourceSecrets = z.infer<typeof sourceSecrets>

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

const sourceId = z.number().int().min(1)

export const sftpChannels = {
  'sftp.sources.list': channel<{
    items: SftpSourceView[]
    /** Where passwords and keys are kept, and a warning when that is not the OS keychain. */
    secretStorage: 'os-keychain' | 'file'
    secretWarning: string | null
  }>()(z.object({}).strict()),
  'sftp.sources.get': channel<SftpSourceView>()(z.object({ id: sourceId }).strict()),
  /** Creates (no id) or replaces a source; secrets left out are kept. */
  'sftp.sources.save': channel<SftpSourceView>()(
    z.object({ id: sourceId.optional(), source: sourceFields, secrets: sourceSecrets.default({}) }).strict(),
  ),
  'sftp.sources.delete': channel<{ deleted: boolean }>()(z.object({ id: sourceId }).strict()),
  /**
   * Connects, checks the host key, logs in and lists the folder. A saved source by id, or the values of a
   * form (`source`, with `secrets`; with an id too, stored secrets fill in what the form leaves out).
   */
  'sftp.sources.test': channel<SftpTestResult>()(
    z
      .object({ id: sourceId.optional(), source: sourceFields.optional(), secrets: sourceSecrets.optional() })
      .strict(),
  ),
  /** Starts a run now (a job of kind `sftp.run`); conflict when the source is already running. */
  'sftp.sources.run': channel<JobHandle & { runId: number }>()(z.object({ id: sourceId }).strict()),
  'sftp.runs.list': channel<{ items: SftpRunInfo[]; total: number }>()(
    z
      .object({
        sourceId: sourceId.optional(),
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
  ),
  'sftp.runs.get': channel<SftpRunInfo>()(z.object({ runId: z.number().int().min(1) }).strict()),
} as const
