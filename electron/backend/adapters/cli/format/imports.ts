// An import's summary as plain text for the command line: what was read, what happened to the rows,
// the notices, the first rejected rows and warnings, and where the rejected-rows CSV is.
import type {
  EventImportCounts,
  ImportSummary,
  ProfileImportCounts,
  RowProblem,
} from '../../../../../shared/ipc/channels/imports'

const LISTED = 10

function n(value: number): string {
  return value.toLocaleString('en-US')
}

function describeBreak(lineBreak: string): string {
  return lineBreak === '\r\n' ? 'CRLF' : lineBreak === '\r' ? 'CR' : 'LF'
}

function describeDelimiter(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`
}

function countRows(summary: ImportSummary): [string, number][] {
  if (summary.kind === 'profiles') {
    const c = summary.counts as ProfileImportCounts
    const dry = summary.mode === 'dry-run'
    return [
      ['Rows read', c.rows],
      [dry ? 'New profiles (would be created)' : 'New profiles', c.new],
      [dry ? 'Updated (would change)' : 'Updated', c.updated],
      ['Unchanged', c.unchanged],
      ['Rejected rows', c.rejected],
      ['Rows repeating an identity', c.duplicates],
      ['Warnings', c.warnings],
    ]
  }
  const c = summary.counts as EventImportCounts
  return [
    ['Rows read', c.rows],
    [summary.mode === 'dry-run' ? 'Events to import' : 'Events imported', c.imported],
    ['Already imported', c.unchanged],
    ['Rejected rows', c.rejected],
    ['Profiles created', c.profilesCreated],
    ['Logins: anonymous profile became the user', c.loginsBecame],
    ['Logins: device switched to an existing user', c.loginsSwitched],
    ['Warnings', c.warnings],
  ]
}

function problemLines(problems: readonly RowProblem[], total: number): string[] {
  const lines = problems
    .slice(0, LISTED)
    .map((p) => `  line ${p.line}${p.column ? ` (${p.column})` : ''}: ${p.reason}`)
  if (total > LISTED) lines.push(`  … and ${n(total - LISTED)} more`)
  return lines
}

export function formatImportSummary(summary: ImportSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1)
  const what = summary.mode === 'dry-run' ? 'Dry run of' : 'Import of'
  const kind = summary.kind === 'events' ? 'events' : 'profiles'
  const lines = [
    `${what} ${summary.file.name} (${kind}, run #${summary.runId}): ${summary.status} in ${seconds} s`,
    `File: ${n(summary.file.bytes)} bytes, ${summary.file.encoding}, delimiter ${describeDelimiter(summary.file.delimiter)}, line breaks ${describeBreak(summary.file.lineBreak)}`,
    `Mapping: ${summary.mappingName ?? 'proposed from the headers'} (${summary.mapping.columns.length} columns)`,
    '',
  ]
  const rows = countRows(summary)
  const width = Math.max(...rows.map(([label]) => label.length))
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${n(value).padStart(11)}`)
  if (summary.error) lines.push('', `Error: ${summary.error}`)
  if (summary.notices.length > 0) lines.push('', 'Notices:', ...summary.notices.map((t) => `  - ${t}`))
  const counts = summary.counts
  if (counts.rejected > 0)
    lines.push('', 'Rejected rows:', ...problemLines(summary.rejections, counts.rejected))
  if (counts.warnings > 0) lines.push('', 'Warnings:', ...problemLines(summary.warnings, counts.warnings))
  if (summary.duplicates.length > 0) {
    const total =
      summary.kind === 'profiles' ? (counts as ProfileImportCounts).duplicates : summary.duplicates.length
    lines.push(
      '',
      'Repeated identities (applied in file order, the later row wins):',
      ...summary.duplicates
        .slice(0, LISTED)
        .map((d) => `  line ${d.line} repeats line ${d.firstLine} (${d.key})`),
      ...(total > LISTED ? [`  … and ${n(total - LISTED)} more`] : []),
    )
  }
  if (summary.errorFile) {
    lines.push('', `Rejected rows (original columns + Failure Description): ${summary.errorFile.path}`)
  }
  return lines.join('\n')
}

/** True when no row could be imported (every row rejected, or none read). */
export function nothingImportable(summary: ImportSummary): boolean {
  if (summary.kind === 'profiles') {
    const c = summary.counts as ProfileImportCounts
    return c.new + c.updated + c.unchanged === 0
  }
  const c = summary.counts as EventImportCounts
  return c.imported + c.unchanged === 0
}
