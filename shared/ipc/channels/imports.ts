// Channels of the CSV imports (issue 3): preview a file, upload one from a browser, dry-run and import as
// jobs, read a run's result and rejected rows, the history, and saved mappings. Spread into ../contract.ts.
// A wizard drives them in order: preview -> validate (job) -> start (job) -> run / errors -> history.
import { z } from 'zod'
import { CUSTOM_PROPERTY_TYPES } from '../../profile/types'
import type { JobHandle } from '../contract'
import { channel } from '../channel'
import { fileHandle, noPath, type ChosenFile } from '../file-handle'

export const IMPORT_KINDS = ['profiles', 'events'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

/** How the bytes are read. `auto`: UTF-8 (BOM or not); a file that is not valid UTF-8 falls back to Windows-1252 with a notice. */
export const IMPORT_ENCODINGS = ['auto', 'utf-8', 'windows-1252'] as const
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number]

/**
 * Date formats of CleverTap's CSV upload (CLEVERTAP-API.md §8), plus `auto` (YYYY-MM-DD, ISO date-time,
 * `$D_<epoch>`, `$D_YYYYMMDD` or epoch seconds) and `epoch` (seconds). 24-hour clock only; dates are UTC.
 */
export const DATE_FORMATS = [
  'auto',
  'dd/MM/yyyy HH:mm:ss',
  'MM/dd/yyyy HH:mm:ss',
  'yyyy/dd/MM HH:mm:ss',
  'yyyy/MM/dd HH:mm:ss',
  'dd MMM yyyy HH:mm:ss',
  'dd/MM/yyyy',
  'MM/dd/yyyy',
  'yyyy/dd/MM',
  'yyyy/MM/dd',
  'dd MMM yyyy',
  'epoch',
] as const
export type DateFormat = (typeof DATE_FORMATS)[number]

/** CleverTap's profile operations, written in a `<column>.operation` companion column. */
export const PROFILE_OPERATIONS = ['$set', '$add', '$remove', '$delete'] as const
export type ProfileOperation = (typeof PROFILE_OPERATIONS)[number]

/**
 * The widest file an import takes: a header with more columns is refused before any work per column, so a
 * hostile header costs no more than reading it. (CleverTap allows 100 event properties; 2,000 leaves room
 * for wide CRM exports.)
 */
export const MAX_IMPORT_COLUMNS = 2000

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
  z.object({ kind: z.literal('ignore') }).strict(),
])
export type ProfileColumnTarget = z.infer<typeof profileColumnTarget>

/** Where a column of an event file goes; every other column is an event property. */
export const eventColumnTarget = z.discriminatedUnion('kind', [
  /** The device / browser CleverTap ID the event was done on. */
  z.object({ kind: z.literal('deviceId') }).strict(),
  z.object({ kind: z.literal('identity') }).strict(),
  z.object({ kind: z.literal('eventName') }).strict(),
  z.object({ kind: z.literal('timestamp') }).strict(),
  z
    .object({ kind: z.literal('eventProperty'), key, type: z.enum(['string', 'number', 'boolean', 'date']) })
    .strict(),
  z.object({ kind: z.literal('ignore') }).strict(),
])
export type EventColumnTarget = z.infer<typeof eventColumnTarget>

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
  .strict()
export type ProfileColumnMapping = z.infer<typeof profileColumnMapping>

export const eventColumnMapping = z
  .object({
    column,
    index: columnIndex,
    target: eventColumnTarget,
    dateFormat: z.enum(DATE_FORMATS).optional(),
  })
  .strict()
export type EventColumnMapping = z.infer<typeof eventColumnMapping>

export const importMapping = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('profiles'), columns: z.array(profileColumnMapping).max(MAX_IMPORT_COLUMNS) })
    .strict(),
  z
    .object({ kind: z.literal('events'), columns: z.array(eventColumnMapping).max(MAX_IMPORT_COLUMNS) })
    .strict(),
])
export type ImportMapping = z.infer<typeof importMapping>
export type ProfileImportMapping = Extract<ImportMapping, { kind: 'profiles' }>
export type EventImportMapping = Extract<ImportMapping, { kind: 'events' }>

/** A mapping given in full, a saved one by name, or `auto` (proposed from the headers). */
export const mappingChoice = z.union([
  z.literal('auto'),
  z.object({ name: z.string().min(1).max(120) }).strict(),
  importMapping,
])
export type MappingChoice = z.infer<typeof mappingChoice>

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

/** One column of the preview: the proposed target and what its first values look like. */
export interface PreviewColumn {
  index: number
  column: string
  /** The first non-empty values (up to 5), as read. */
  samples: string[]
  proposal: ProfileColumnTarget | EventColumnTarget
  dateFormat?: DateFormat
  /** Why the proposal is what it is, or what to check ("dates like 03/04/2020 could be either order"). */
  note?: string
}

export interface FileFacts {
  path: string
  /** The handle the file was chosen by, for runs started from the page (not the CLI or SFTP). */
  handle?: string
  name: string
  bytes: number
  /** The encoding used to read it, e.g. 'utf-8', 'utf-8 (BOM)', 'windows-1252', 'utf-16le'. */
  encoding: string
  delimiter: string
  lineBreak: '\n' | '\r\n' | '\r'
}

export interface ImportPreview {
  file: FileFacts
  kind: ImportKind
  headers: string[]
  /** The first data rows as read (cells as text). */
  rows: string[][]
  columns: PreviewColumn[]
  mapping: ImportMapping
  /** The saved mapping applied, when one was asked for. */
  mappingName: string | null
  /** Columns the mapping does not place (a saved mapping that does not know them): they would not be imported. */
  unplaced: string[]
  /** Problems that stop the import until the mapping is changed (e.g. no identity column). */
  problems: string[]
  /** Things worth knowing (encoding fallback, duplicate headers, ignored columns). */
  notices: string[]
}

export interface RowProblem {
  /** Line in the file (1-based; the header is line 1). */
  line: number
  column: string | null
  value: string | null
  reason: string
}

export interface ProfileImportCounts {
  /** Data rows read (empty lines not counted). */
  rows: number
  new: number
  updated: number
  unchanged: number
  rejected: number
  /** Rows whose identity (or objectId) appears on an earlier row too: applied in file order, the later wins. */
  duplicates: number
  warnings: number
}

export interface EventImportCounts {
  rows: number
  /** Events stored now. */
  imported: number
  /** Events already imported by an earlier run of the same rows (not stored twice). */
  unchanged: number
  rejected: number
  profilesCreated: number
  /** Login rule outcomes: Scenario 1 (anonymous profile became the user's) and Scenario 2 (device switched). */
  loginsBecame: number
  loginsSwitched: number
  warnings: number
}

export type ImportRunStatus = 'running' | 'succeeded' | 'cancelled' | 'failed' | 'interrupted'
export type ImportRunMode = 'dry-run' | 'import'

export interface ImportSummary {
  runId: number
  kind: ImportKind
  mode: ImportRunMode
  status: ImportRunStatus
  file: FileFacts
  mapping: ImportMapping
  mappingName: string | null
  counts: ProfileImportCounts | EventImportCounts
  /** The first rejected rows (up to 100), in file order. */
  rejections: RowProblem[]
  /** The first warnings (up to 100): accepted rows with something to check. */
  warnings: RowProblem[]
  /** The first repeated identities (up to 100): `line` repeats `firstLine`. */
  duplicates: { line: number; firstLine: number; key: string }[]
  /** File-level facts in plain words (encoding fallback, unplaced and ignored columns, empty lines…). */
  notices: string[]
  unplaced: string[]
  ignored: string[]
  /** The rejected rows as CSV (original columns + Failure Description), when there are any. */
  errorFile: { path: string; rows: number } | null
  startedAt: number
  finishedAt: number | null
  durationMs: number
  /** Why the run failed or stopped, when it did. */
  error: string | null
}

export interface ImportRunInfo {
  runId: number
  kind: ImportKind
  mode: ImportRunMode
  status: ImportRunStatus
  fileName: string
  filePath: string
  bytes: number
  actor: string
  startedAt: number
  finishedAt: number | null
  mappingName: string | null
  counts: ProfileImportCounts | EventImportCounts | null
  rowsDone: number
  error: string | null
}

export interface SavedMapping {
  name: string
  kind: ImportKind
  mapping: ImportMapping
  createdAt: number
  updatedAt: number
}

export interface RejectedRowsFile {
  runId: number
  fileName: string
  path: string
  bytes: number
  rows: number
  /** The CSV text (UTF-8). */
  content: string
}

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
