// Channels of bulk edit, History and undo (issue 14), spread into the contract in ../contract.ts. A bulk
// action is previewed (nothing written), then started as a `bulk` job; any change set can be previewed
// for undo and undone as an `undo` job. Values are checked against the catalogue in the backend.
import { z } from 'zod'
import type {
  BulkAction,
  BulkPreview,
  BulkSelection,
  ChangeEntry,
  ChangeSetSummary,
  UndoPreview,
} from '../../bulk/types'
import { CHANGE_SET_KINDS, MAX_SELECTED_IDS } from '../../bulk/types'
import type { JobHandle } from '../../jobs/job-kinds'
import { CUSTOM_PROPERTY_TYPES } from '../../profile/types'
import { channel } from '../channel'
import { profileFilters, propertyValue } from './profile-edits'
import { segmentSource } from './segments'

export type * from '../../bulk/types'

const profileId = z.string().min(1).max(256)
const key = z.string().min(1).max(1024)
const except = z.array(profileId).max(MAX_SELECTED_IDS).optional()

export const bulkSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ids'), ids: z.array(profileId).min(1).max(MAX_SELECTED_IDS) }).strict(),
  z
    .object({
      kind: z.literal('search'),
      query: z.string().max(256),
      filters: profileFilters.default({}),
      except,
    })
    .strict(),
  z.object({ kind: z.literal('segment'), source: segmentSource, except }).strict(),
]) satisfies z.ZodType<BulkSelection, unknown>

const item = z.string().min(1).max(1024)
export const bulkAction = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('set'),
      key,
      value: propertyValue,
      type: z.enum(CUSTOM_PROPERTY_TYPES).optional(),
    })
    .strict(),
  z.object({ action: z.literal('unset'), key }).strict(),
  z.object({ action: z.literal('add-item'), key, value: item }).strict(),
  z.object({ action: z.literal('remove-item'), key, value: item }).strict(),
  z.object({ action: z.literal('test') }).strict(),
  z.object({ action: z.literal('untest') }).strict(),
  z.object({ action: z.literal('exclude') }).strict(),
  z.object({ action: z.literal('include') }).strict(),
  z.object({ action: z.literal('delete') }).strict(),
  z.object({ action: z.literal('remove-token'), token: z.string().min(1).max(4096) }).strict(),
  z.object({ action: z.literal('remove-phone') }).strict(),
]) satisfies z.ZodType<BulkAction>

const changeSetId = z.number().int().min(1)
const paging = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(500).default(50),
}

export const bulkChannels = {
  /** What the action would do to the selection: counts, a before/after sample, refusals. Writes nothing. */
  'bulk.preview': channel<BulkPreview>()(z.object({ selection: bulkSelection, action: bulkAction }).strict()),
  /**
   * Applies the action as a `bulk` job (progress, cancel; waits while an import runs, its phase then
   * `waiting`). Refused like the preview when the whole action is blocked (the 21st exclusion). The
   * summary (BulkSummary) names the change set.
   */
  'bulk.start': channel<JobHandle>()(z.object({ selection: bulkSelection, action: bulkAction }).strict()),

  /** History: change sets, newest first, filtered by kind, start date and a profile they touched. */
  'history.list': channel<{ items: ChangeSetSummary[]; total: number }>()(
    z
      .object({
        kind: z.enum(CHANGE_SET_KINDS).optional(),
        since: z.number().int().min(0).optional(),
        profile: z.string().min(1).max(1024).optional(),
        ...paging,
      })
      .strict(),
  ),
  'history.get': channel<ChangeSetSummary>()(z.object({ id: changeSetId }).strict()),
  /** A change set's entries (audit rows), in the order they were written. */
  'history.entries': channel<{ items: ChangeEntry[]; total: number }>()(
    z.object({ id: changeSetId, ...paging }).strict(),
  ),

  /** What undoing the change set would do, which profiles changed since, what the remote keeps. */
  'undo.preview': channel<UndoPreview>()(z.object({ changeSet: changeSetId }).strict()),
  /**
   * Undoes the change set as an `undo` job (its summary, UndoSummary, names the undo's own change set).
   * `onChanged` is required when profiles changed since (`conflict` otherwise, naming how many);
   * `reuploadDeleted` confirms uploading again profiles whose deletion was already pushed.
   */
  'undo.start': channel<JobHandle>()(
    z
      .object({
        changeSet: changeSetId,
        onChanged: z.enum(['overwrite', 'skip-changed']).optional(),
        reuploadDeleted: z.boolean().default(false),
      })
      .strict(),
  ),
} as const
