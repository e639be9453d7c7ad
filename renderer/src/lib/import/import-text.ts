// How imports are put into words: durations, sizes, rates, run statuses and counts.
import type {
  EventImportCounts,
  ImportKind,
  ImportRunMode,
  ImportRunStatus,
  ProfileImportCounts,
} from '../../../../shared/ipc/channels/imports'
import { formatCount } from '../format/counts'

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

export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
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
  return `${plural(counts.rows, 'row', 'rows')}: ${parts.join(', ')}`
}

export function kindText(kind: ImportKind): string {
  return kind === 'profiles' ? 'Profiles' : 'Events'
}

/** Uploads from a browser are stored as `<8 hex>-<name>` in the uploads folder: show the name that was chosen. */
export function displayFileName(fileName: string, filePath: string): string {
  const uploaded = /[\\/]imports[\\/]uploads[\\/]/.test(filePath)
  return uploaded ? fileName.replace(/^[0-9a-f]{8}-/, '') : fileName
}
