// Channels of sync with the remote profile API (issue 4), spread into the contract in ../contract.ts. The
// request schemas live here (the backend's boundary); the shapes a UI needs to drive sync (settings,
// status, pending changes, errors, conflicts, runs) are in the zod-free ../../sync/types.ts, re-exported.
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
import type {
  ConnectionOverride,
  ConnectionTestResult,
  PendingChange,
  ProfileSyncState,
  RemoteSpec,
  SyncConflict,
  SyncErrorItem,
  SyncRun,
  SyncSettingsView,
  SyncStatus,
} from '../../sync/types'
import { channel } from '../channel'

// The constants live in a zod-free module the renderer imports; re-exported for the backend's convenience.
export { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, REGIONS, type Region } from '../../sync/remote-constants'
export type { FieldFilter, PullQuery } from '../../sync/pull-query'
export type * from '../../sync/types'

const remoteSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('region'), region: z.enum(REGIONS) }).strict(),
  z.object({ kind: z.literal('url'), baseUrl: z.string().min(1).max(2048) }).strict(),
]) satisfies z.ZodType<RemoteSpec>

const accountId = z.string().trim().min(1).max(256)
const passcode = z.string().min(1).max(1024)

/** Credentials for one call that are not saved (the CLI's --base-url/--account/--passcode-file). */
const connectionOverride = z
  .object({ remote: remoteSpec.optional(), accountId: accountId.optional(), passcode: passcode.optional() })
  .strict() satisfies z.ZodType<ConnectionOverride>

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
