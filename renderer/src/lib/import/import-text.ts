// How imports are put into words: durations, sizes, rates, run statuses and counts.
import type {
  EventImportCounts,
  ImportKind,
  ImportRunMode,
  ImportRunStatus,
  ProfileImportCounts,
} from '$shared/imports/types'
import { countOf, formatCount } from '../format/counts'

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

/** "850 ms", "4.2 s", "3 min 10 s", "1 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${oneDecimal.format(seconds)} s`
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const min = Math.floor((whole % 3600) / 60)
  const s = whole % 60
  if (h > 0) return `${h} h ${min} min`
  return s === 0 ? `${min} min` : `${min} min ${s} s`
}

/** A time still to go, rounded the way people estimate: "about 40 s", "about 3 min". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 5) return 'a few seconds left'
  if (seconds < 60) return `about ${Math.ceil(seconds / 5) * 5} s left`
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`
  return `about ${formatDuration(seconds * 1000).replace(/ \d+ s$/, '')} left`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 ** 2) return `${oneDecimal.format(bytes / 1024)} KB`
  if (bytes < 1024 ** 3) return `${oneDecimal.format(bytes / 1024 ** 2)} MB`
  return `${oneDecimal.format(bytes / 1024 ** 3)} GB`
}

export function formatRate(perSecond: number): string {
  return `${formatCount(Math.round(perSecond))} rows/s`
}

export function formatByteRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`
}

export function runStatusText(status: ImportRunStatus, mode: ImportRunMode): string {
  const what = mode === 'dry-run' ? 'Check' : 'Import'
  switch (status) {
    case 'running':
      return mode === 'dry-run' ? 'Checking…' : 'Importing…'
    case 'succeeded':
      return mode === 'dry-run' ? 'Checked' : 'Imported'
    case 'cancelled':
      return `${what} cancelled`
    case 'failed':
      return `${what} failed`
    case 'interrupted':
      return `${what} interrupted (the app stopped)`
  }
}

export function isProfileCounts(
  counts: ProfileImportCounts | EventImportCounts,
): counts is ProfileImportCounts {
  return 'new' in counts
}

/** Rows that would be (or were) taken: everything read but the rejected ones. */
export function validRows(counts: ProfileImportCounts | EventImportCounts): number {
  return Math.max(0, counts.rows - counts.rejected)
}

/** One line for a list: "120 rows: 80 new, 30 updated, 5 unchanged, 5 rejected". */
export function countsLine(counts: ProfileImportCounts | EventImportCounts): string {
  const parts = isProfileCounts(counts)
    ? [
        `${formatCount(counts.new)} new`,
        `${formatCount(counts.updated)} updated`,
        `${formatCount(counts.unchanged)} unchanged`,
      ]
    : [`${formatCount(counts.imported)} imported`, `${formatCount(counts.unchanged)} already there`]
  parts.push(`${formatCount(counts.rejected)} rejected`)
  return `${countOf(counts.rows, 'row', 'rows')}: ${parts.join(', ')}`
}

export function kindText(kind: ImportKind): string {
  return kind === 'profiles' ? 'Profiles' : 'Events'
}

/** Uploads from a browser are stored as `<8 hex>-<name>` in the uploads folder: show the name that was chosen. */
export function displayFileName(fileName: string, filePath: string): string {
  const uploaded = /[\\/]imports[\\/]uploads[\\/]/.test(filePath)
  return uploaded ? fileName.replace(/^[0-9a-f]{8}-/, '') : fileName
}

/** What a run's progress shows for its phase: the bar's label, the note beside Cancel, and whether Cancel works. */
export interface PhaseText {
  label: string
  /** Set when the phase has no rows or bytes count to show instead. */
  detail: string | null
  note: string
  /** Rows (or bytes) are being counted: the bar shows done of total. */
  counting: boolean
  cancellable: boolean
}

/**
 * Phases a run reports: 'reading' (pass 1), 'validating' (a dry run's pass 2), 'importing' (pass 2, batch
 * by batch, each a short transaction) and 'indexing' (a large import's new profiles joining substring
 * search, in short steps after the last batch).
 */
export function phaseText(phase: string, mode: ImportRunMode): PhaseText {
  const dryRun = mode === 'dry-run'
  const note = dryRun
    ? 'Nothing is written while the rows are checked.'
    : 'Meanwhile you can keep working in Profile Desk: Find People keeps answering, and edits (here, from the CLI or a sync) are applied between batches. ' +
      'If the import stops (the app is closed or crashes), import the same file again with the same mapping: it resumes after the last written batch.'
  switch (phase) {
    case 'reading':
      return { label: 'Pass 1 of 2: reading the file', detail: null, note, counting: true, cancellable: true }
    case 'validating':
    case 'importing':
      return {
        label: dryRun ? 'Pass 2 of 2: checking every row' : 'Pass 2 of 2: importing rows',
        detail: null,
        note,
        counting: true,
        cancellable: true,
      }
    case 'indexing':
      return {
        label: 'Indexing the new profiles for substring search',
        detail:
          'Every row is written: Find People finds the new profiles by the start of a name, email, identity or phone already, ' +
          'and says that substring matches are still being indexed.',
        note: 'This last step ends on its own; you can keep working meanwhile.',
        counting: true,
        cancellable: false,
      }
    default:
      return {
        label: dryRun ? 'Starting the check' : 'Starting the import',
        detail: 'Starting…',
        note,
        counting: false,
        cancellable: true,
      }
  }
}
