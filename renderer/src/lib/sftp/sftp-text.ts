// SFTP sources in words: run and file outcomes, what started a run, the next run, and a run's counts.
// Pure functions, so views stay declarative and the wording is the same everywhere.
import type {
  SftpFileResult,
  SftpRunInfo,
  SftpRunStatus,
  SftpRunTrigger,
  SftpSourceView,
} from '$shared/sftp/types'
import { countOf, formatCount } from '../format/counts'
import { formatRelative } from '../format/relative-time'

export function runStatusText(status: SftpRunStatus): string {
  switch (status) {
    case 'running':
      return 'Running…'
    case 'succeeded':
      return 'Succeeded'
    case 'partial':
      return 'Some files failed'
    case 'failed':
      return 'Failed'
    case 'cancelled':
      return 'Cancelled'
    case 'interrupted':
      return 'Interrupted (the app stopped)'
  }
}

export function triggerText(trigger: SftpRunTrigger): string {
  switch (trigger) {
    case 'manual':
      return 'Run now'
    case 'schedule':
      return 'Schedule'
    case 'missed':
      return 'Missed slot (caught up at start)'
    case 'cli':
      return 'Command line'
  }
}

export function fileStatusText(file: SftpFileResult): string {
  switch (file.status) {
    case 'downloading':
      return 'Downloading…'
    case 'downloaded':
      return 'Downloaded'
    case 'importing':
      return 'Importing…'
    case 'imported':
      return 'Imported'
    case 'skipped':
      return 'Already imported'
    case 'failed':
      return 'Failed'
  }
}

export function afterText(file: SftpFileResult): string | null {
  switch (file.after) {
    case 'moved':
      return 'Moved to processed/'
    case 'deleted':
      return 'Deleted from the server'
    case 'left':
      return 'Left on the server'
    case null:
      return null
  }
}

/** "3 files: 2 imported, 1 failed · 1 still being written". */
export function runCountsText(run: SftpRunInfo): string {
  if (run.status === 'running' && run.found === 0 && run.files.length === 0) return 'Looking for files…'
  if (run.found === 0 && run.files.length === 0) {
    // A run that failed before it could list the folder found nothing because it never looked.
    return run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted'
      ? 'No files taken'
      : 'No matching files'
  }
  const parts = [
    run.imported > 0 ? `${formatCount(run.imported)} imported` : null,
    run.skipped > 0 ? `${formatCount(run.skipped)} already imported` : null,
    run.failed > 0 ? `${formatCount(run.failed)} failed` : null,
  ].filter((p) => p !== null)
  const head = `${countOf(run.found, 'file', 'files')}${parts.length ? `: ${parts.join(', ')}` : ''}`
  return run.waiting.length > 0 ? `${head} · ${formatCount(run.waiting.length)} not complete yet` : head
}

/** "Daily at 02:00 · next in 5 hours" or "Manual only". */
export function nextRunText(source: SftpSourceView, now: number): string {
  if (source.nextRunAt === null) return source.scheduleText
  const when = source.nextRunAt <= now ? 'due now' : `next ${formatRelative(source.nextRunAt, now)}`
  return `${source.scheduleText} · ${when}`
}

/** Where the files come from, compactly: "sftptest@files.example.com:22 /in/*.csv". */
export function whereText(source: SftpSourceView): string {
  const folder = source.folder.endsWith('/') ? source.folder : `${source.folder}/`
  return `${source.username}@${source.host}${source.port === 22 ? '' : `:${source.port}`} ${folder}${source.pattern}`
}
