// From a request to a runnable import: the file's head read (encoding, delimiter, headers), the mapping
// resolved (proposed, saved by name, or given) and checked. Shared by the preview and by every run, so
// the wizard, the command line and SFTP all see the same decisions and the same messages.
import type {
  ImportKind,
  ImportMapping,
  ImportPreview,
  MappingChoice,
  PreviewColumn,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { loadCustomTypes } from '../profiles/properties'
import { readCsvHead, type CsvHead } from './csv-reader'
import { getMapping } from './import-runs'
import { applySavedMapping, checkMapping, type MappingCheck } from './mapping'
import { proposeEventMapping, proposeProfileMapping, repeatedHeaders } from './mapping-proposal'

export interface PreparedImport {
  head: CsvHead
  headers: string[]
  kind: ImportKind
  mapping: ImportMapping
  mappingName: string | null
  columns: PreviewColumn[]
  check: MappingCheck
  notices: string[]
  /** True when the file holds a header and no data row (seen in the head). */
  headerOnly: boolean
}

export async function prepareImport(
  db: Db,
  request: {
    path: string
    kind: ImportKind
    mapping: MappingChoice
    encoding: 'auto' | 'utf-8' | 'windows-1252'
  },
): Promise<PreparedImport> {
  const head = await readCsvHead(request.path, request.encoding)
  const headerRow = head.rows[0]
  if (!headerRow) throw new AppError('validation', `${head.facts.name} has no header row.`)
  const headers = headerRow.cells
  const sample = head.rows.slice(1).map((r) => r.cells)
  const customTypes = loadCustomTypes(db)
  const proposal =
    request.kind === 'profiles'
      ? proposeProfileMapping(headers, sample, customTypes)
      : proposeEventMapping(headers, sample)
  const notices = [...head.notices]
  let mapping: ImportMapping
  let mappingName: string | null = null
  let extraUnplaced: string[] = []
  if (request.mapping === 'auto') mapping = proposal.mapping
  else if ('name' in request.mapping) {
    const saved = getMapping(db, request.mapping.name)
    const applied = applySavedMapping(saved.mapping, headers)
    mapping = applied.mapping
    mappingName = saved.name
    extraUnplaced = applied.unplaced
    if (applied.missing.length > 0) {
      notices.push(
        `The saved mapping "${saved.name}" names ${applied.missing.length === 1 ? 'a column' : 'columns'} this file does not have: ${applied.missing.join(', ')}.`,
      )
    }
  } else mapping = request.mapping
  const check = checkMapping(mapping, headers, customTypes, request.kind)
  const unplaced = [...new Set([...check.unplaced, ...extraUnplaced])]
  if (unplaced.length > 0) {
    notices.push(
      `${unplaced.length === 1 ? 'This column is' : `These ${unplaced.length} columns are`} not placed by the mapping and will not be imported: ${unplaced.join(', ')}.`,
    )
  }
  if (check.ignored.length > 0) {
    notices.push(
      `${check.ignored.length === 1 ? 'This column is' : `These ${check.ignored.length} columns are`} left out on purpose: ${check.ignored.join(', ')}.`,
    )
  }
  const repeated = repeatedHeaders(headers)
  if (repeated.length > 0) {
    notices.push(
      `The header repeats ${repeated.map((h) => `"${h}"`).join(', ')}: only one column of each name is proposed.`,
    )
  }
  const entryAt = new Map<number, ImportMapping['columns'][number]>()
  for (const m of mapping.columns) if (!entryAt.has(m.index)) entryAt.set(m.index, m)
  const columns = proposal.columns.map((c) => {
    const entry = entryAt.get(c.index)
    return entry
      ? {
          ...c,
          proposal: entry.target,
          ...(entry.dateFormat === undefined ? {} : { dateFormat: entry.dateFormat }),
        }
      : {
          ...c,
          proposal: { kind: 'ignore' as const },
          note: 'not placed by the saved mapping: will not be imported',
        }
  })
  return {
    head,
    headers,
    kind: request.kind,
    mapping,
    mappingName,
    columns,
    check: { ...check, unplaced },
    notices,
    headerOnly: head.complete && head.rows.length === 1,
  }
}

export function toPreview(prepared: PreparedImport, rows: number): ImportPreview {
  const problems = [...prepared.check.problems]
  if (prepared.headerOnly)
    problems.push(
      `${prepared.head.facts.name} has a header row but no data rows: there is nothing to import.`,
    )
  return {
    file: prepared.head.facts,
    kind: prepared.kind,
    headers: prepared.headers,
    rows: prepared.head.rows.slice(1, rows + 1).map((r) => r.cells),
    columns: prepared.columns,
    mapping: prepared.mapping,
    mappingName: prepared.mappingName,
    unplaced: prepared.check.unplaced,
    problems,
    notices: prepared.notices,
  }
}

/** Refuses to run an import whose mapping has problems or whose file has no data rows. */
export function assertRunnable(prepared: PreparedImport): void {
  if (prepared.check.problems.length > 0) {
    throw new AppError('validation', `The mapping cannot be used: ${prepared.check.problems.join(' ')}`, {
      problems: prepared.check.problems,
    })
  }
  if (prepared.headerOnly) {
    throw new AppError(
      'validation',
      `${prepared.head.facts.name} has a header row but no data rows: there is nothing to import.`,
    )
  }
}
