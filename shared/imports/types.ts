// What the CSV imports exchange, as plain types and constants: mappings, previews, counts, summaries and
// the history. No zod here, so the renderer imports it at run time; ../ipc/channels/imports.ts holds the
// request schemas the backend validates at its boundary (checked against these types).
import type { CustomPropertyType } from '../profile/types'

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

/** Where a column of a profile file goes. */
export type ProfileColumnTarget =
  /** The customer's user id: the key profiles are upserted by. */
  | { kind: 'identity' }
  /** The CleverTap ID: locates (or creates) the profile when the row has no identity. */
  | { kind: 'objectId' }
  /** A catalogue property (Name, Email, Phone, DOB, MSG-email, FBID, ct_is_test_user, …). */
  | { kind: 'system'; key: string }
  | { kind: 'custom'; key: string; type: CustomPropertyType }
  /** `<column>.operation`: $set/$add/$remove/$delete for the named column, row by row. */
  | { kind: 'operation'; of: string }
  /** A push token of the profile's own device (its CleverTap ID): pushed as a `token` record. */
  | { kind: 'pushToken' }
  /** The platform of that device (Android, iOS, Web, Other); read with the token. */
  | { kind: 'platform' }
  /** The token's type (fcm, apns, webpush, …); by default from the platform. */
  | { kind: 'tokenType' }
  | { kind: 'ignore' }

export const EVENT_PROPERTY_TYPES = ['string', 'number', 'boolean', 'date'] as const
export type EventPropertyType = (typeof EVENT_PROPERTY_TYPES)[number]

/** Where a column of an event file goes; every other column is an event property. */
export type EventColumnTarget =
  /** The device / browser CleverTap ID the event was done on. */
  | { kind: 'deviceId' }
  | { kind: 'identity' }
  | { kind: 'eventName' }
  | { kind: 'timestamp' }
  | { kind: 'eventProperty'; key: string; type: EventPropertyType }
  /** Device columns: the event's device gets them (newest event wins) and is last seen at its time. */
  | { kind: 'platform' }
  | { kind: 'pushToken' }
  | { kind: 'tokenType' }
  | { kind: 'appVersion' }
  | { kind: 'ignore' }

export interface ProfileColumnMapping {
  /** The header text. */
  column: string
  /** 0-based position in the file (headers may repeat). */
  index: number
  target: ProfileColumnTarget
  dateFormat?: DateFormat
}

export interface EventColumnMapping {
  column: string
  index: number
  target: EventColumnTarget
  dateFormat?: DateFormat
}

export type ImportMapping =
  { kind: 'profiles'; columns: ProfileColumnMapping[] } | { kind: 'events'; columns: EventColumnMapping[] }
export type ProfileImportMapping = Extract<ImportMapping, { kind: 'profiles' }>
export type EventImportMapping = Extract<ImportMapping, { kind: 'events' }>

/** A mapping given in full, a saved one by name, or `auto` (proposed from the headers). */
export type MappingChoice = 'auto' | { name: string } | ImportMapping

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
