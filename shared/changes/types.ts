// Change sets (docs/ARCHITECTURE.md "Change sets"): every change to the profiles belongs to exactly one,
// with who, when, what and how many. Zod-free: the renderer's History and profile pages import these.

/** What made a change set. An open list: features add kinds (bulk actions, undo) as they come. */
export type ChangeSetKind =
  | 'edit' // the profile page or `profile-desk profiles ...`: one profile, one save
  | 'delete' // a profile deleted by hand
  | 'event' // events.record: an event through the login rule (may create or identify a profile)
  | 'token' // a push token set or removed by hand
  | 'control-groups' // exclusion from control groups set or cleared
  | 'duplicate-id' // a Duplicate Platform ID resolution
  | 'import' // one import run (a resumed run joins its run's change set)
  | 'pull' // sync taking remote values into the local copy
  | 'conflict' // a sync conflict resolved by a person
  | 'sample' // sample or seed data loaded
  | 'bulk' // a bulk action (issue 14)
  | 'undo' // an undo of another change set (issue 14)

/** open: being written (an import, a bulk job); interrupted: its process died while it was open. */
export type ChangeSetState = 'open' | 'done' | 'cancelled' | 'interrupted'

export interface ChangeSetInfo {
  id: number
  kind: ChangeSetKind
  /** Who: the OS user name, 'sync', 'sftp:<source>', 'sample'. */
  actor: string
  /** What, for a person: 'Import of users.csv', 'Edit of Jane Doe'. */
  label: string
  /** Epoch seconds. */
  startedAt: number
  finishedAt: number | null
  state: ChangeSetState
  /** Kind-specific facts (an import's run ids, file and counts; a bulk action and its selection). */
  detail: unknown
  /** How many profiles it touched. */
  profiles: number
  /** On an undo: the change set it undoes. */
  undoes: number | null
  /** On an undone change set: the latest undo of it. */
  undoneBy: number | null
}

/** One entry of a change set: an audit row (a changed field, a creation, a deletion, an identifier move). */
export interface ChangeSetEntry {
  id: number
  /** The profile's CleverTap ID (kept after the profile is deleted). */
  objectId: string
  at: number
  action: string
  field: string | null
  oldValue: unknown
  newValue: unknown
}

export interface ChangeSetFilter {
  kind?: ChangeSetKind
  /** Epoch seconds: change sets started at or after it. */
  since?: number
  /** A profile's CleverTap ID: change sets that touched it. */
  profile?: string
}
