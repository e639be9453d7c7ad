// What sync exchanges, as plain types: settings, status, waiting and refused changes, conflicts, runs and
// the summaries of push and pull jobs. No zod here, so the renderer imports it at run time;
// ../ipc/channels/sync.ts holds the request schemas (checked against these types).
import type { PullQuery } from './pull-query'
import type { Region } from './remote-constants'

/** A wire value as the upload API carries it: dates are "$D_<epoch seconds>". Null: the field is absent. */
export type WireFieldValue = string | number | boolean | string[] | null

/** Where the remote API is: one of CleverTap's regions, or a base URL (a proxy, the sandbox). */
export type RemoteSpec = { kind: 'region'; region: Region } | { kind: 'url'; baseUrl: string }

/** Credentials for one call that are not saved (the CLI's --base-url/--account/--passcode-file). */
export interface ConnectionOverride {
  remote?: RemoteSpec
  accountId?: string
  passcode?: string
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
  kind: 'profile' | 'event' | 'delete' | 'token'
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
  kind: 'profile' | 'event' | 'delete' | 'token'
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

/** What a push or a pull run reports, whichever it was (a failed run fails its job instead). */
interface SyncRunFigures {
  status: 'succeeded' | 'partial' | 'cancelled'
  /** Push: records the server accepted. Pull: profiles downloaded. */
  records: number
  /** Push: changes refused (parked). Pull: profiles that could not be applied here. */
  rejected: number
  conflicts: number
  requests: number
  retries: number
  /** The first few examples of what was rejected. */
  notes: string[]
  /** The run in the sync history (sync.runs.list). */
  runId: number
  durationMs: number
}

/** The job.finished summary of a `sync.push` job. */
export interface PushSummary extends SyncRunFigures {
  kind: 'push'
  /** Outbox entries the server accepted (a record may carry several coalesced entries). */
  entries: number
  /** Profiles deleted on the server. */
  deleted: number
  /** Entries still waiting after the run, and of them those held by a conflict. */
  remaining: number
  held: number
  /** Profiles read back before pushing to look for conflicts. */
  checked: number
  /** Records a reply did not account for (processed + unprocessed short of those sent): kept queued. */
  unaccounted: number
}

/** The job.finished summary of a `sync.pull` job. */
export interface PullSummary extends SyncRunFigures {
  kind: 'pull'
  /** Which profiles the query asked for, in words (./pull-query.ts). */
  covered: string
  created: number
  updated: number
  unchanged: number
  skipped: number
  resumed: boolean
}

/** The job.finished summary of a `sync.now` job: the pull, then the push (none when cancelled in between). */
export interface SyncNowSummary {
  pull: PullSummary
  push?: PushSummary
}
