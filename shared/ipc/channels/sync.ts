// Channels of sync with the remote profile API (issue 4), spread into the contract in ../contract.ts,
// and the shapes a UI needs to drive it: settings, status, pending changes, errors, conflicts, runs.
import { z } from 'zod'
import {
  FIELD_OPERATORS,
  isQueryDate,
  MAX_FIELD_FILTERS,
  NUMERIC_OPERATORS,
  VALUELESS_OPERATORS,
  type PullQuery,
} from '../../sync/pull-query'
import { MAX_BATCH_SIZE, REGIONS } from '../../sync/remote-constants'
import { channel } from '../channel'

// The constants live in a zod-free module the renderer imports; re-exported for the backend's convenience.
export { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, REGIONS, type Region } from '../../sync/remote-constants'
export type { FieldFilter, PullQuery } from '../../sync/pull-query'

/** A wire value as the upload API carries it: dates are "$D_<epoch seconds>". Null: the field is absent. */
export type WireFieldValue = string | number | boolean | string[] | null

const remoteSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('region'), region: z.enum(REGIONS) }).strict(),
  z.object({ kind: z.literal('url'), baseUrl: z.string().min(1).max(2048) }).strict(),
])
export type RemoteSpec = z.infer<typeof remoteSpec>

const accountId = z.string().trim().min(1).max(256)
const passcode = z.string().min(1).max(1024)

/** Credentials for one call that are not saved (the CLI's --base-url/--account/--passcode-file). */
const connectionOverride = z
  .object({ remote: remoteSpec.optional(), accountId: accountId.optional(), passcode: passcode.optional() })
  .strict()
export type ConnectionOverride = z.infer<typeof connectionOverride>

const queryDate = z
  .number()
  .refine(isQueryDate, { message: 'expected a calendar date written YYYYMMDD, e.g. 20240131' })

/** One profile-field filter in CleverTap's query language: a value unless it is exists/does_not_exist. */
const fieldFilter = z
  .object({
    // CleverTap keys are at most 120 bytes; ':' and '$' are not allowed in them (CLEVERTAP-API.md §1).
    name: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .regex(/^[^:$]+$/, 'a property key holds no ":" or "$"'),
    operator: z.enum(FIELD_OPERATORS),
    value: z.union([z.string().max(512), z.number().finite()]).optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    const valueless = VALUELESS_OPERATORS.includes(field.operator)
    if (valueless && field.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${field.operator} takes no value` })
    } else if (!valueless && (field.value === undefined || field.value === '')) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${field.operator} needs a value` })
    } else if (NUMERIC_OPERATORS.includes(field.operator) && typeof field.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `${field.operator} compares a number` })
    }
  })

/** What a pull downloads (shared/sync/pull-query.ts): null parts take their defaults. */
const pullQuery = z
  .object({
    eventName: z.string().trim().min(1).max(512).nullable(),
    from: queryDate.nullable(),
    to: queryDate.nullable(),
    profileFields: z.array(fieldFilter).max(MAX_FIELD_FILTERS),
  })
  .strict()
  .refine((query) => query.from === null || query.to === null || query.from <= query.to, {
    message: 'the first day (from) is after the last day (to)',
    path: ['from'],
  }) satisfies z.ZodType<PullQuery>

const paging = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
}

export interface SyncSettingsView {
  remote: RemoteSpec | null
  /** The resolved API base, e.g. https://in1.api.clevertap.com/1; null until a remote is chosen. */
  endpoint: string | null
  accountId: string | null
  /** Whether a passcode is stored; the passcode itself never leaves the backend. */
  passcodeStored: boolean
  /** Where the passcode is kept: the OS keychain (Electron safeStorage) or a user-only file. */
  secretStorage: 'os-keychain' | 'file'
  /** Shown next to the passcode field when the storage is weaker than the OS keychain. */
  secretWarning: string | null
  /** Remote, account and passcode are all set: sync can run. */
  configured: boolean
  batchSize: number
  /** Sync on change (debounced), on a timer and on reconnect. */
  autoSync: boolean
  pushIntervalMinutes: number
  /** 0: pull only on demand. */
  pullIntervalMinutes: number
  /** What a pull asks the download API for (null parts: the defaults). */
  pullQuery: PullQuery
  /** One sentence saying which profiles a pull downloads, for the Sync page and the CLI. */
  pullCoverage: string
}

export interface ConnectionTestResult {
  ok: boolean
  /**
   * ok, or why not: credentials refused, server unreachable, server error, the address answers but is
   * not the API (404/405, a redirect, a web page), settings incomplete.
   */
  outcome: 'ok' | 'unauthorized' | 'offline' | 'server' | 'wrong_address' | 'not_configured'
  message: string
  endpoint: string | null
  latencyMs: number | null
}

export type SyncState =
  'not-configured' | 'unauthorized' | 'syncing' | 'offline' | 'error' | 'waiting' | 'up-to-date'

export interface SyncStatus {
  configured: boolean
  /** What the last contact with the remote showed (never assumed): unknown until a first try. */
  connection: 'unknown' | 'online' | 'offline' | 'unauthorized'
  activity: 'idle' | 'pushing' | 'pulling'
  /** One word for an indicator, in priority order of the union. */
  state: SyncState
  /** Ready-made text, e.g. "Up to date", "3 changes waiting", "Offline · 1 change waiting". */
  headline: string
  /** Local changes not yet accepted by the server (not counting refused ones). */
  pending: number
  /** Of `pending`, held back because their profile has an unresolved conflict. */
  held: number
  /** Profiles with changes the server refused (the sync errors list). */
  errors: number
  conflicts: number
  /** Epoch ms of the last push or pull that completed against the server. */
  lastSyncAt: number | null
  lastPushAt: number | null
  lastPullAt: number | null
  /** The last run's failure (network, server, credentials), cleared by a successful run. */
  lastError: { code: string; message: string; at: number } | null
  /** When auto-sync will try again after a failure (epoch ms). */
  nextAttemptAt: number | null
}

export interface PendingChange {
  /** The outbox entry id. */
  id: number
  profileId: string
  /** Name, email or identity of the profile, when it still exists locally. */
  profileLabel: string | null
  kind: 'profile' | 'event' | 'delete'
  /** Changed fields (profile), the event name (event), or [] (delete). */
  fields: string[]
  /** When the change was made (epoch ms, like every other sync time). */
  createdAt: number
  attempts: number
  /** Waiting for a conflict on this profile to be resolved. */
  held: boolean
}

/** One refused change of one profile: the outbox entries the server refused together, with its reason. */
export interface SyncErrorItem {
  /** The outbox entries (retry / discard take these ids). */
  ids: number[]
  profileId: string
  profileLabel: string | null
  kind: 'profile' | 'event' | 'delete'
  fields: string[]
  /** The server's per-record code (e.g. 515) or HTTP status (400). */
  code: number
  /** The server's message, without the "Skipped record number" suffix. */
  message: string
  attempts: number
  parkedAt: number
}

export interface SyncConflict {
  id: number
  profileId: string
  profileLabel: string | null
  field: string
  /** The value waiting to be sent from here. */
  mine: WireFieldValue
  /** The value the server holds now. */
  theirs: WireFieldValue
  /** The value both had before (the last synced value). */
  base: WireFieldValue
  detectedAt: number
  resolvedAt: number | null
  resolution: 'mine' | 'theirs' | 'deleted' | null
}

export interface SyncRun {
  id: number
  kind: 'push' | 'pull'
  trigger: string
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'interrupted'
  startedAt: number
  finishedAt: number | null
  /** Push: records the server accepted. Pull: profiles downloaded. */
  records: number
  /** Push: changes refused (parked). Pull: profiles that could not be applied here. */
  rejected: number
  conflicts: number
  requests: number
  retries: number
  error: { code: string; message: string } | null
  endpoint: string | null
  /** A few examples of what was rejected, for the history page. */
  notes: string[]
}

export interface ProfileSyncState {
  pending: number
  errors: SyncErrorItem[]
  conflicts: SyncConflict[]
}

export const syncChannels = {
  'sync.settings.get': channel<SyncSettingsView>()(z.object({}).strict()),
  /** Absent fields stay as they are; `passcode: null` forgets the stored passcode. */
  'sync.settings.set': channel<SyncSettingsView>()(
    z
      .object({
        remote: remoteSpec.nullable().optional(),
        accountId: accountId.nullable().optional(),
        passcode: passcode.nullable().optional(),
        batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).optional(),
        autoSync: z.boolean().optional(),
        pushIntervalMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .optional(),
        pullIntervalMinutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60)
          .optional(),
        /** null: back to the default query. */
        pullQuery: pullQuery.nullable().optional(),
      })
      .strict(),
  ),
  /** Tries the stored settings, or the values given here (a form not saved yet). */
  'sync.testConnection': channel<ConnectionTestResult>()(
    z.object({ connection: connectionOverride.optional() }).strict(),
  ),
  /** Uploads waiting changes as a job (progress, cancel); job.finished carries a push summary. */
  'sync.push': channel<{ jobId: string }>()(z.object({ connection: connectionOverride.optional() }).strict()),
  /**
   * Downloads profiles with the cursor API as a job; conflicts are listed, never overwritten. `query`:
   * this run only, instead of the saved pull query.
   */
  'sync.pull': channel<{ jobId: string }>()(
    z.object({ connection: connectionOverride.optional(), query: pullQuery.optional() }).strict(),
  ),
  /** Pull, then push, as one job. */
  'sync.now': channel<{ jobId: string }>()(z.object({}).strict()),
  'sync.status': channel<SyncStatus>()(z.object({}).strict()),
  'sync.pending.list': channel<{ items: PendingChange[]; total: number }>()(z.object(paging).strict()),
  'sync.errors.list': channel<{ items: SyncErrorItem[]; total: number }>()(z.object(paging).strict()),
  /** Sends refused changes again at the next push (all of them without ids). */
  'sync.errors.retry': channel<{ retried: number }>()(
    z.object({ ids: z.array(z.number().int().positive()).max(10_000).optional() }).strict(),
  ),
  /** Gives up on refused changes: they stay here but are never sent. */
  'sync.errors.discard': channel<{ discarded: number }>()(
    z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }).strict(),
  ),
  'sync.conflicts.list': channel<{ items: SyncConflict[]; total: number }>()(
    z.object({ ...paging, includeResolved: z.boolean().default(false) }).strict(),
  ),
  /** mine: keep the local value (it stays queued); theirs: take the server's value here. */
  'sync.conflicts.resolve': channel<SyncConflict>()(
    z.object({ id: z.number().int().positive(), choice: z.enum(['mine', 'theirs']) }).strict(),
  ),
  'sync.runs.list': channel<{ items: SyncRun[]; total: number }>()(z.object(paging).strict()),
  /** A profile's waiting changes, refused changes and open conflicts (for the profile page). */
  'sync.profile': channel<ProfileSyncState>()(z.object({ id: z.string().min(1).max(256) }).strict()),
} as const
