// Sync in words: the header indicator's label and tone, what a queued change touches, how a wire value
// reads ("$D_…" dates, booleans, lists), and run outcomes. Pure functions, so they are tested directly.
import type { PendingChange, SyncRun, SyncStatus, WireFieldValue } from '$shared/sync/types'
import { findSystemProperty } from '$shared/profile/catalogue'
import { parseDateValue } from '$shared/profile/validators-dates'
import { countOf, formatCount } from '../format/counts'
import { formatDateTime, formatDateValue } from '../format/dates'

export type IndicatorTone = 'ok' | 'busy' | 'waiting' | 'offline' | 'problem' | 'off'

export interface Indicator {
  /** Short enough for the header, e.g. "Offline · 1 change waiting". */
  label: string
  tone: IndicatorTone
  /** Where a click helps most: Settings until a remote is set up, else the Sync page. */
  target: 'sync' | 'settings'
}

/** The header indicator for a status: the state first, then what is waiting or needs a person. */
export function indicatorOf(status: SyncStatus): Indicator {
  const waiting = status.pending > 0 ? countOf(status.pending, 'change waiting', 'changes waiting') : null
  const attention = [
    status.conflicts > 0 ? countOf(status.conflicts, 'conflict', 'conflicts') : null,
    status.errors > 0 ? countOf(status.errors, 'error', 'errors') : null,
  ]
  const join = (...parts: Array<string | null>) => parts.filter((part) => part !== null).join(' · ')
  switch (status.state) {
    case 'not-configured':
      return { label: 'Sync not set up', tone: 'off', target: 'settings' }
    case 'unauthorized':
      return { label: join('Sign-in needed', waiting), tone: 'problem', target: 'sync' }
    case 'syncing':
      return {
        label: join(status.activity === 'pulling' ? 'Downloading…' : 'Syncing…', waiting, ...attention),
        tone: 'busy',
        target: 'sync',
      }
    case 'offline':
      return { label: join('Offline', waiting, ...attention), tone: 'offline', target: 'sync' }
    case 'error':
      return { label: join('Sync failed', waiting, ...attention), tone: 'problem', target: 'sync' }
    case 'waiting':
      return {
        label: join(waiting, ...attention),
        tone: attention.some((part) => part !== null) ? 'problem' : 'waiting',
        target: 'sync',
      }
    case 'up-to-date': {
      const needsPerson = attention.some((part) => part !== null)
      return { label: join('Up to date', ...attention), tone: needsPerson ? 'problem' : 'ok', target: 'sync' }
    }
  }
}

/** When automatic sync tries again, only while it is retrying after a failure. */
export function nextRetryAt(status: SyncStatus): number | null {
  return status.state === 'offline' || status.state === 'error' ? status.nextAttemptAt : null
}

/** A sync time (epoch ms) as the app shows dates and times. */
export function formatInstant(ms: number): string {
  return formatDateTime(ms / 1000)
}

export function isoOfInstant(ms: number): string {
  return new Date(ms).toISOString()
}

/** A field as the forms name it ("Date of birth" for DOB); custom properties keep their key. */
export function fieldLabel(field: string): string {
  return findSystemProperty(field)?.label ?? field
}

/** A value as the upload API carries it, for reading: dates as dates, booleans Yes/No, lists joined. */
export function wireValueText(value: WireFieldValue): string {
  if (value === null) return 'Not set'
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (Array.isArray(value)) return value.length === 0 ? 'Empty list' : value.join(', ')
  if (typeof value === 'number') return String(value)
  // The shared reader of "$D_" dates: the same one that checks them before they are sent.
  const seconds = value.startsWith('$D_') ? parseDateValue(value) : null
  if (seconds !== null) return formatDateValue(seconds)
  return value === '' ? 'Empty text' : value
}

/** What a queued or refused change does: "Name, Email", "Event: Charged", "Delete the profile". */
export function changeText(change: Pick<PendingChange, 'kind' | 'fields'>): string {
  if (change.kind === 'delete') return 'Delete the profile'
  if (change.kind === 'event') return `Event: ${change.fields.join(', ') || 'unnamed'}`
  if (change.kind === 'token') return 'Push token'
  return change.fields.length > 0 ? change.fields.map(fieldLabel).join(', ') : 'New profile'
}

/** How a profile is named in sync lists: its label, else its id. */
export function profileName(label: string | null, profileId: string): string {
  return label && label.trim() !== '' ? label : `Profile ${profileId}`
}

const RUN_STATUS: Record<SyncRun['status'], string> = {
  running: 'Running',
  succeeded: 'Done',
  partial: 'Done with problems',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (the app stopped)',
}

export function runStatusText(status: SyncRun['status']): string {
  return RUN_STATUS[status]
}

/** The figures of a run: "3 sent · 1 refused · 1 conflict" (push) or "50 downloaded" (pull). */
export function runCountsText(run: Pick<SyncRun, 'kind' | 'records' | 'rejected' | 'conflicts'>): string {
  const parts = [
    run.kind === 'push' ? `${formatCount(run.records)} sent` : `${formatCount(run.records)} downloaded`,
    run.rejected > 0
      ? `${formatCount(run.rejected)} ${run.kind === 'push' ? 'refused' : 'not applied'}`
      : null,
    run.conflicts > 0 ? countOf(run.conflicts, 'conflict', 'conflicts') : null,
  ]
  return parts.filter((part) => part !== null).join(' · ')
}

/** The figures of a push or a pull that a person reads after a sync job. */
interface RunFigures {
  kind: 'push' | 'pull'
  records: number
  rejected: number
  conflicts: number
}

/** "Downloaded 50 profiles. Sent 3 changes; 1 refused; 1 conflict to resolve." from a job's summary. */
export function describeSyncSummary(
  summary: { pull?: RunFigures; push?: RunFigures } | RunFigures | undefined,
): string {
  // A Sync now job's summary holds both runs; a push or pull job's summary is the run itself.
  const runs = summary === undefined ? {} : 'kind' in summary ? { [summary.kind]: summary } : summary
  const sentences: string[] = []
  if (runs.pull) {
    const { records, rejected, conflicts } = runs.pull
    const extras = [
      rejected > 0 ? `${formatCount(rejected)} could not be applied` : null,
      conflicts > 0 ? `${countOf(conflicts, 'conflict', 'conflicts')} to resolve` : null,
    ].filter((part) => part !== null)
    sentences.push(
      `Downloaded ${countOf(records, 'profile', 'profiles')}${extras.length ? `; ${extras.join('; ')}` : ''}.`,
    )
  }
  if (runs.push) {
    const { records, rejected, conflicts } = runs.push
    const extras = [
      rejected > 0 ? `${formatCount(rejected)} refused by the remote` : null,
      conflicts > 0 ? `${countOf(conflicts, 'conflict', 'conflicts')} to resolve` : null,
    ].filter((part) => part !== null)
    sentences.push(
      `Sent ${countOf(records, 'change', 'changes')}${extras.length ? `; ${extras.join('; ')}` : ''}.`,
    )
  }
  return sentences.join(' ') || 'Finished.'
}
