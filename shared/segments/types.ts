// Segments' questions and answers as they cross the IPC boundary: counts, member pages, saved segments
// and the export job's summary. Plain types (no zod), so the renderer imports them at run time.
import type { CustomPropertyType, ProfileSummary, PropertyValue } from '../profile/types'
import type { SortField } from '../profile/search'
import type { PropertyRef, SegmentDefinition } from './definition'

/** What to work on: a definition being edited, or a saved segment by its id. */
export type SegmentSource = { definition: SegmentDefinition } | { segmentId: string }

/** How many profiles one top-level item keeps on its own; a group also says it per condition. */
export interface ItemCount {
  count: number
  /** For a group: each of its conditions on its own, in order. */
  conditions?: number[]
}

/**
 * The reply to segments.count. `superseded` when a newer request (higher `seq`) arrived before this one
 * was counted: the page shows nothing for it (it never paints a stale count over a newer one).
 */
/**
 * The count engine's background load (the app's count worker): while 'loading', a count whose columns are
 * not loaded yet goes by SQL and may take longer; 'ready' once everything asked for so far is loaded.
 */
export interface SegmentEngineStatus {
  state: 'loading' | 'ready'
  /** The fraction of profiles the slowest load under way has read (0–1; 1 when none). */
  progress: number
  /** Columns held in memory. */
  loadedColumns: number
}

export type SegmentCountReply =
  | {
      seq: number
      status: 'counted'
      /** Profiles the whole definition keeps. */
      total: number
      /** All profiles, for "n of N". */
      profiles: number
      /** Per top-level item, in order (absent when the request asked for the total only). */
      items?: ItemCount[]
      /** Time spent counting, in ms (for the page's own diagnostics). */
      tookMs: number
    }
  | { seq: number; status: 'superseded' }

/** One member row: Find People's row plus the chosen columns' values, in the order of `columns`. */
export interface SegmentMemberRow extends ProfileSummary {
  values: (PropertyValue | null)[]
}

export interface SegmentMembersPage {
  items: SegmentMemberRow[]
  /** Members of the whole segment (exact). */
  total: number
  columns: PropertyRef[]
  sort: SortField
}

export interface SavedSegment {
  id: string
  name: string
  definition: SegmentDefinition
  createdAt: number
  updatedAt: number
}

export type SavedSegmentSummary = Omit<SavedSegment, 'definition'> & { conditions: number }

/** The reply to segments.exportDefinition: the file's name and its JSON text (SegmentFile). */
export interface SegmentDefinitionFile {
  fileName: string
  content: string
}

/** The job.finished summary of a `segments.export` job. */
export interface SegmentExportSummary {
  /** Members written (the header not counted). */
  rows: number
  /** The file's name (also its name in exports/ of the data folder, where the app writes it). */
  fileName: string
  /** Absolute path of the written file. */
  path: string
  bytes: number
  columns: string[]
  seconds: number
  /** Stopped early by cancel: the partial file was removed. */
  cancelled: boolean
}

/** The reply to segments.exportFile: a finished export's CSV text, for the page to download. */
export interface SegmentExportFile {
  fileName: string
  bytes: number
  content: string
}

/** What a builder can offer: the account's custom properties with their types, and the event names. */
export interface SegmentVocabulary {
  custom: { key: string; type: CustomPropertyType }[]
  /** Event names seen in the store, with how many profiles did each. */
  events: { name: string; profiles: number }[]
}

/** The columns a member list and an export show unless told otherwise. */
export const DEFAULT_MEMBER_COLUMNS: readonly PropertyRef[] = [
  { kind: 'system', key: 'Identity' },
  { kind: 'system', key: 'Name' },
  { kind: 'system', key: 'Email' },
  { kind: 'system', key: 'Phone' },
]

/**
 * The account's time zone (Settings): dates in segment conditions and "in the last N days" are its
 * calendar days. `saved` is null when none is set, and then this computer's zone is used.
 */
export interface AccountTimeZone {
  /** The zone in use. */
  zone: string
  saved: string | null
  /** This computer's zone (the default). */
  computer: string
}
