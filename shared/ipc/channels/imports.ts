// Channels of the CSV imports (issue 3): preview a file, upload one from a browser, dry-run and import as
// jobs, read a run's result and rejected rows, the history, and saved mappings. Spread into ../contract.ts.
// A wizard drives them in order: preview -> validate (job) -> start (job) -> run / errors -> history.
// The request schemas live here (the backend's boundary); the types and constants they use are in the
// zod-free ../../imports/types.ts, which the renderer imports, and are re-exported for the backend.
import { z } from 'zod'
import {
  DATE_FORMATS,
  EVENT_PROPERTY_TYPES,
  IMPORT_ENCODINGS,
  IMPORT_KINDS,
  MAX_IMPORT_COLUMNS,
  type EventColumnMapping,
  type EventColumnTarget,
  type ImportMapping,
  type ImportPreview,
  type ImportRunInfo,
  type ImportSummary,
  type MappingChoice,
  type ProfileColumnMapping,
  type ProfileColumnTarget,
  type RejectedRowsFile,
  type SavedMapping,
} from '../../imports/types'
import { CUSTOM_PROPERTY_TYPES } from '../../profile/types'
import type { JobHandle } from '../../jobs/job-kinds'
import { channel } from '../channel'
import { fileHandle, noPath, type ChosenFile } from '../file-handle'

export * from '../../imports/types'

const key = z.string().min(1).max(512)

/** Where a column of a profile file goes. */
export const profileColumnTarget = z.discriminatedUnion('kind', [
  /** The customer's user id: the key profiles are upserted by. */
  z.object({ kind: z.literal('identity') }).strict(),
  /** The CleverTap ID: locates (or creates) the profile when the row has no identity. */
  z.object({ kind: z.literal('objectId') }).strict(),
  /** A catalogue property (Name, Email, Phone, DOB, MSG-email, FBID, ct_is_test_user, …). */
  z.object({ kind: z.literal('system'), key }).strict(),
  z.object({ kind: z.literal('custom'), key, type: z.enum(CUSTOM_PROPERTY_TYPES) }).strict(),
  /** `<column>.operation`: $set/$add/$remove/$delete for the named column, row by row. */
  z.object({ kind: z.literal('operation'), of: key }).strict(),
  /** The push token, platform and token type of the profile's own device. */
  z.object({ kind: z.literal('pushToken') }).strict(),
  z.object({ kind: z.literal('platform') }).strict(),
  z.object({ kind: z.literal('tokenType') }).strict(),
  z.object({ kind: z.literal('ignore') }).strict(),
]) satisfies z.ZodType<ProfileColumnTarget>

/** Where a column of an event file goes; every other column is an event property. */
export const eventColumnTarget = z.discriminatedUnion('kind', [
  /** The device / browser CleverTap ID the event was done on. */
  z.object({ kind: z.literal('deviceId') }).strict(),
  z.object({ kind: z.literal('identity') }).strict(),
  z.object({ kind: z.literal('eventName') }).strict(),
  z.object({ kind: z.literal('timestamp') }).strict(),
  z.object({ kind: z.literal('eventProperty'), key, type: z.enum(EVENT_PROPERTY_TYPES) }).strict(),
  /** Device columns of the event's device. */
  z.object({ kind: z.literal('platform') }).strict(),
  z.object({ kind: z.literal('pushToken') }).strict(),
  z.object({ kind: z.literal('tokenType') }).strict(),
  z.object({ kind: z.literal('appVersion') }).strict(),
  z.object({ kind: z.literal('ignore') }).strict(),
]) satisfies z.ZodType<EventColumnTarget>

const column = z.string().max(1024)
const columnIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_IMPORT_COLUMNS - 1)

export const profileColumnMapping = z
  .object({
    /** The header text. */
    column,
    /** 0-based position in the file (headers may repeat). */
    index: columnIndex,
    target: profileColumnTarget,
    dateFormat: z.enum(DATE_FORMATS).optional(),
  })
  .strict() satisfies z.ZodType<ProfileColumnMapping>

export const eventColumnMapping = z
  .object({
    column,
    index: columnIndex,
    target: eventColumnTarget,
    dateFormat: z.enum(DATE_FORMATS).optional(),
  })
  .strict() satisfies z.ZodType<EventColumnMapping>

export const importMapping = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('profiles'), columns: z.array(profileColumnMapping).max(MAX_IMPORT_COLUMNS) })
    .strict(),
  z
    .object({ kind: z.literal('events'), columns: z.array(eventColumnMapping).max(MAX_IMPORT_COLUMNS) })
    .strict(),
]) satisfies z.ZodType<ImportMapping>

/** A mapping given in full, a saved one by name, or `auto` (proposed from the headers). */
export const mappingChoice = z.union([
  z.literal('auto'),
  z.object({ name: z.string().min(1).max(120) }).strict(),
  importMapping,
]) satisfies z.ZodType<MappingChoice>

const runRequest = z
  .object({
    path: noPath,
    /** The handle of a file chosen in the dialog or uploaded (see ../file-handle.ts). */
    file: fileHandle,
    kind: z.enum(IMPORT_KINDS).default('profiles'),
    mapping: mappingChoice.default('auto'),
    encoding: z.enum(IMPORT_ENCODINGS).default('auto'),
  })
  .strict()

export const importChannels = {
  /** Reads the head of a file: encoding, delimiter, headers, first rows and the proposed (or saved) mapping. */
  'imports.preview': channel<ImportPreview>()(
    z
      .object({
        path: noPath,
        file: fileHandle,
        kind: z.enum(IMPORT_KINDS).default('profiles'),
        mapping: z
          .union([z.literal('auto'), z.object({ name: z.string().min(1).max(120) }).strict()])
          .default('auto'),
        encoding: z.enum(IMPORT_ENCODINGS).default('auto'),
        rows: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
  ),
  /**
   * Browser hosts have no native dialog: the file is uploaded in chunks into the data folder, and the upload's
   * id is then its handle. The copy is deleted when its import ends, or after a day if it is never imported.
   */
  'imports.upload.begin': channel<{ uploadId: string }>()(
    z
      .object({
        fileName: z.string().min(1).max(255),
        bytes: z
          .number()
          .int()
          .min(0)
          .max(5 * 1024 ** 3),
      })
      .strict(),
  ),
  'imports.upload.chunk': channel<{ received: number }>()(
    z
      .object({
        uploadId: fileHandle,
        offset: z.number().int().min(0),
        /** Base64 of at most 4 MiB. */
        data: z.string().max(Math.ceil((4 * 1024 * 1024) / 3) * 4),
      })
      .strict(),
  ),
  'imports.upload.finish': channel<ChosenFile>()(z.object({ uploadId: fileHandle }).strict()),
  /** Deletes an upload that will not be imported (the person chose another file or walked away). */
  'imports.upload.discard': channel<{ discarded: boolean }>()(z.object({ uploadId: fileHandle }).strict()),
  /** The dry run: validates every row, writes nothing; a job whose summary is an ImportSummary. */
  'imports.validate': channel<JobHandle & { runId: number }>()(runRequest),
  /** The import: upserts in batched transactions; a job whose summary is an ImportSummary. */
  'imports.start': channel<JobHandle & { runId: number }>()(
    runRequest.extend({ saveMappingAs: z.string().min(1).max(120).optional() }).strict(),
  ),
  /** One run with its summary (while running: progress in rowsDone). */
  'imports.run': channel<{ run: ImportRunInfo; summary: ImportSummary | null }>()(
    z.object({ runId: z.number().int().min(1) }).strict(),
  ),
  'imports.history': channel<{ items: ImportRunInfo[]; total: number }>()(
    z
      .object({
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        includeDryRuns: z.boolean().default(false),
      })
      .strict(),
  ),
  /** The rejected rows of a run as CSV (original columns + Failure Description). */
  'imports.errors': channel<RejectedRowsFile>()(z.object({ runId: z.number().int().min(1) }).strict()),
  'imports.mappings.list': channel<{ items: SavedMapping[] }>()(
    z.object({ kind: z.enum(IMPORT_KINDS).optional() }).strict(),
  ),
  'imports.mappings.save': channel<SavedMapping>()(
    z.object({ name: z.string().trim().min(1).max(120), mapping: importMapping }).strict(),
  ),
  'imports.mappings.delete': channel<{ deleted: boolean }>()(
    z.object({ name: z.string().min(1).max(120) }).strict(),
  ),
} as const
