// Channels of SFTP import sources (issue 5), spread into ../contract.ts: sources with their pinned host key
// and schedule, "Test connection", runs as jobs and their per-file history. The request schemas live here
// (the backend's boundary) and apply the field rules of ../../sftp/source-rules.ts, so a refusal reads as
// the source editor's message; the types are in the zod-free ../../sftp/types.ts, re-exported for the backend.
import { z } from 'zod'
import { IMPORT_KINDS } from '../../imports/types'
import { checkPattern } from '../../sftp/file-pattern'
import { checkClockTime, checkEveryHours } from '../../sftp/schedule'
import {
  checkFolder,
  checkHost,
  checkPort,
  checkSourceName,
  checkUsername,
  DEFAULT_SFTP_PORT,
  FINGERPRINT_MESSAGE,
  FINGERPRINT_PATTERN,
} from '../../sftp/source-rules'
import {
  AFTER_ACTIONS,
  AUTH_KINDS,
  COMPLETION_RULES,
  WEEKDAYS,
  type Schedule,
  type SftpRunInfo,
  type SftpSourceView,
  type SftpTestResult,
  type SourceFields,
  type SourceSecrets,
  type SourceSettings,
} from '../../sftp/types'
import type { JobHandle } from '../../jobs/job-kinds'
import { channel } from '../channel'

export * from '../../sftp/types'
export { describeSchedule, MAX_EVERY_HOURS, parseScheduleText, scheduleToText } from '../../sftp/schedule'

/** A zod refinement from a shared rule: the rule's message is the issue's. */
function rule<T>(check: (value: T) => string | null) {
  return (value: T, ctx: z.RefinementCtx) => {
    const message = check(value)
    if (message !== null) ctx.addIssue({ code: 'custom', message })
  }
}

const clockTime = z.string().superRefine(rule(checkClockTime))

/** Local time of the computer the app runs on. */
export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }).strict(),
  z.object({ kind: z.literal('every'), hours: z.number().superRefine(rule(checkEveryHours)) }).strict(),
  z.object({ kind: z.literal('daily'), time: clockTime }).strict(),
  z.object({ kind: z.literal('weekly'), day: z.enum(WEEKDAYS), time: clockTime }).strict(),
]) satisfies z.ZodType<Schedule>

/** `SHA256:` and 43 base64 characters, as `ssh-keygen -lf` prints a host key (a trailing `=` is dropped). */
export const hostKeyFingerprint = z
  .string()
  .trim()
  .regex(FINGERPRINT_PATTERN, FINGERPRINT_MESSAGE)
  .transform((value) => value.replace(/=$/, ''))

export const sourceFields = z
  .object({
    name: z.string().trim().superRefine(rule(checkSourceName)),
    host: z.string().trim().superRefine(rule(checkHost)),
    port: z.number().superRefine(rule(checkPort)).default(DEFAULT_SFTP_PORT),
    username: z.string().trim().superRefine(rule(checkUsername)),
    auth: z.enum(AUTH_KINDS),
    /** The trusted host key; null until the person has trusted the one the server shows. */
    hostKey: hostKeyFingerprint.nullable().default(null),
    /** The remote folder, absolute (`/in`) or relative to the login folder. */
    folder: z.string().trim().superRefine(rule(checkFolder)),
    /** A file-name pattern: `*` any run of characters, `?` one character, `[abc]` one of them. */
    pattern: z.string().trim().superRefine(rule(checkPattern)).default('*.csv'),
    completion: z.enum(COMPLETION_RULES).default('stable'),
    kind: z.enum(IMPORT_KINDS).default('profiles'),
    /** A saved CSV mapping by name; null: proposed from the headers (and the manifest's columns when there is one). */
    mappingName: z.string().trim().min(1).max(120).nullable().default(null),
    after: z.enum(AFTER_ACTIONS).default('leave'),
    schedule: scheduleSchema.default({ kind: 'manual' }),
  })
  .strict() satisfies z.ZodType<SourceSettings, SourceFields>

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
  .strict() satisfies z.ZodType<SourceSecrets>

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
