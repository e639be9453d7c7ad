// Bulk edit and undo (issue 14) as they cross the IPC boundary: what a selection names, the actions, the
// preview, the job summaries, History's change sets and the undo preview. Zod-free: the renderer imports it.
import type { ProfileFilters } from '../profile/search'
import type { ControlGroupHolder, CustomPropertyType, ProfileSummary, PropertyValue } from '../profile/types'
import type { SegmentSource } from '../segments/types'
import type { ChangeSetInfo, ChangeSetKind } from '../changes/types'

/**
 * The profiles a bulk action works on. "All N matching" is sent as the question (search text and filters,
 * or a segment), never as a list of ids: the backend resolves it, the page loads no extra rows. `except`
 * holds the rows a person unchecked after choosing "all N matching".
 */
export type BulkSelection =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'search'; query: string; filters: ProfileFilters; except?: string[] }
  | { kind: 'segment'; source: SegmentSource; except?: string[] }

/** Most profile ids a page may send by hand (shift-click ranges); more is a "search" or "segment" selection. */
export const MAX_SELECTED_IDS = 50_000

/** The actions, named as on the command line (`profile-desk bulk ACTION`). */
export const BULK_ACTIONS = [
  'set',
  'unset',
  'add-item',
  'remove-item',
  'test',
  'untest',
  'exclude',
  'include',
  'delete',
  'remove-token',
  'remove-phone',
] as const
export type BulkActionName = (typeof BULK_ACTIONS)[number]

export type BulkAction =
  /** A property, typed and validated like a single edit (a custom property's type is required when new). */
  | { action: 'set'; key: string; value: PropertyValue; type?: CustomPropertyType }
  | { action: 'unset'; key: string }
  /** One item added to / removed from a multi-value property. */
  | { action: 'add-item'; key: string; value: string }
  | { action: 'remove-item'; key: string; value: string }
  | { action: 'test' }
  | { action: 'untest' }
  /** Exclude from all control groups (at most 20 profiles in the account, checked all or nothing). */
  | { action: 'exclude' }
  | { action: 'include' }
  | { action: 'delete' }
  /** Removes this push token from the selected profiles' devices (local only: the API cannot). */
  | { action: 'remove-token'; token: string }
  | { action: 'remove-phone' }

/** One field of a sample row: its value before and after (null = not set; a delete shows the profile gone). */
export interface BulkFieldChange {
  field: string
  before: PropertyValue | null
  after: PropertyValue | null
}

export interface BulkSampleRow {
  profile: ProfileSummary
  changes: BulkFieldChange[]
}

export interface BulkRefusal {
  profile: ProfileSummary
  reason: string
}

/** The control-group limit as the preview shows it: the limit, who holds it now, and what the action needs. */
export interface ExclusionLimitView {
  limit: number
  holders: ControlGroupHolder[]
  /** Profiles excluded after the action, were it allowed. */
  wouldHold: number
}

/** The reply to bulk.preview: nothing is written. */
export interface BulkPreview {
  action: BulkAction
  /** For a person: "Set plan = gold", "Delete", … (the change set's label adds the count). */
  label: string
  /** Profiles the selection names (that exist). */
  matched: number
  /** Profiles the action would change. */
  willChange: number
  /** Profiles already in the asked-for state (nothing to write for them). */
  alreadyInState: number
  /** Profiles the action would refuse (the rest still change), with a sample and the reasons counted. */
  refused: number
  refusedSample: BulkRefusal[]
  refusedReasons: { reason: string; count: number }[]
  /** Up to 20 profiles that would change, with their values before and after. */
  sample: BulkSampleRow[]
  /**
   * Set when the whole action is refused (nothing would be written): e.g. the 21st control-group
   * exclusion. The message names the limit and the current holders; `exclusions` lists them.
   */
  blocked: string | null
  exclusions: ExclusionLimitView | null
  /** What the remote will not mirror, said before applying (a token removal is local only; deletes are async). */
  remoteNotes: string[]
}

/** The job.finished summary of a `bulk` job. */
export interface BulkSummary {
  /** The change set the run wrote (History, `profile-desk undo`); null when it changed nothing. */
  changeSet: number | null
  action: BulkActionName
  label: string
  matched: number
  /** Profiles changed (whole batches only). */
  changed: number
  alreadyInState: number
  refused: number
  batches: { done: number; total: number }
  /** Cancelled: `changed` profiles in `batches.done` whole batches are written, nothing of the rest. */
  cancelled: boolean
  /** Time spent waiting for an import to finish before starting. */
  waitedSeconds: number
  seconds: number
}

/** A job that waits for another (a bulk edit during an import) reports this phase until it starts. */
export const WAITING_PHASE = 'waiting'

/** Change sets: the one format of shared/changes/types.ts (cs), re-exported for the bulk/History pages. */
export type {
  ChangeSetEntry as ChangeEntry,
  ChangeSetInfo as ChangeSetSummary,
  ChangeSetKind,
  ChangeSetState,
} from '../changes/types'

/** Every change set kind, in the order History's kind filter offers them. */
export const CHANGE_SET_KINDS = [
  'edit',
  'bulk',
  'import',
  'pull',
  'conflict',
  'undo',
  'delete',
  'event',
  'token',
  'control-groups',
  'duplicate-id',
  'sample',
] as const satisfies readonly ChangeSetKind[]

export interface HistoryFilter {
  kind?: ChangeSetKind
  /** Epoch seconds: change sets started at or after. */
  since?: number
  /** A profile id or lookup key: change sets that touched it. */
  profile?: string
}

/** A profile changed again after the change set: the undo overwrites or skips it, as the person chooses. */
export interface ChangedSinceRow {
  profile: ProfileSummary
  /** The later change sets that touched it (newest first, at most 5). */
  changeSets: number[]
}

export type UndoChoice = 'overwrite' | 'skip-changed'

/** The reply to undo.preview: what the undo would do, and what the remote cannot take back. */
export interface UndoPreview {
  changeSet: ChangeSetInfo
  /** null when it can be undone; else why not (still running, nothing recorded, …). */
  refusal: string | null
  /** Profiles the undo would revert. */
  profiles: number
  /** Profiles it deletes (created by the change set) and restores (deleted by it). */
  removes: number
  restores: number
  /** Profiles changed again since: the undo needs a choice when this is not 0. */
  changedSince: number
  changedSinceSample: ChangedSinceRow[]
  remote: {
    /** Events of the change set already pushed: they stay on the remote and are never sent again. */
    pushedEvents: number
    /** Deletions already pushed: the profiles come back locally, uploaded again only when confirmed. */
    pushedDeletes: number
    notes: string[]
  }
}

/** The job.finished summary of an `undo` job. */
export interface UndoSummary {
  /** The undo's own change set (undoable in turn); null when it changed nothing. */
  changeSet: number | null
  /** The change set undone. */
  undid: number
  reverted: number
  removed: number
  restored: number
  /** Profiles changed since that were skipped (skip-changed) or overwritten (overwrite). */
  skipped: number
  overwritten: number
  /** Restored profiles whose deletion had been pushed, queued to upload again (only when confirmed). */
  reuploaded: number
  cancelled: boolean
  seconds: number
}
