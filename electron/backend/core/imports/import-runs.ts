// The import history (import_runs) and saved mappings (import_mappings): a run is recorded as running
// before its first row is read and finished with its summary; a run whose process died is marked
// interrupted at the next start.
import type {
  EventImportCounts,
  FileFacts,
  ImportKind,
  ImportMapping,
  ImportRunInfo,
  ImportRunMode,
  ImportRunStatus,
  ImportSummary,
  ProfileImportCounts,
  SavedMapping,
} from '../../../../shared/ipc/channels/imports'
import { importMapping } from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { offsetPage } from '../db/offset-page'
import { orphanedRuns } from '../db/orphaned-runs'

interface RunRow {
  id: number
  kind: ImportKind
  mode: ImportRunMode
  file_path: string
  file_name: string
  file_bytes: number
  actor: string
  started_at: number
  finished_at: number | null
  status: ImportRunStatus
  mapping: string
  mapping_name: string | null
  counts: string | null
  summary: string | null
  error: string | null
  error_file: string | null
  rows_done: number
  pid: number
}

function toInfo(row: RunRow): ImportRunInfo {
  return {
    runId: row.id,
    kind: row.kind,
    mode: row.mode,
    status: row.status,
    fileName: row.file_name,
    filePath: row.file_path,
    bytes: row.file_bytes,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    mappingName: row.mapping_name,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as ProfileImportCounts | EventImportCounts),
    rowsDone: row.rows_done,
    error: row.error,
  }
}

export function createRun(
  db: Db,
  run: {
    kind: ImportKind
    mode: ImportRunMode
    file: Pick<FileFacts, 'path' | 'name' | 'bytes'>
    actor: string
    startedAt: number
    mapping: ImportMapping
    mappingName: string | null
  },
): number {
  const info = db
    .prepare(
      `INSERT INTO import_runs (kind, mode, file_path, file_name, file_bytes, actor, started_at, status, mapping, mapping_name, pid)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
    )
    .run(
      run.kind,
      run.mode,
      run.file.path,
      run.file.name,
      run.file.bytes,
      run.actor,
      run.startedAt,
      JSON.stringify(run.mapping),
      run.mappingName,
      process.pid,
    )
  return Number(info.lastInsertRowid)
}

/**
 * Progress of a running run, written in each batch's transaction (so an interrupted run shows how far it
 * got). `resumeLine`: every row up to this line is committed with it (import-resume.ts resumes after it).
 */
export function recordProgress(
  db: Db,
  runId: number,
  rowsDone: number,
  counts: ProfileImportCounts | EventImportCounts,
  resumeLine = 0,
): void {
  db.prepare('UPDATE import_runs SET rows_done = ?, counts = ?, resume_line = ? WHERE id = ?').run(
    rowsDone,
    JSON.stringify(counts),
    resumeLine,
    runId,
  )
}

export function finishRun(db: Db, summary: ImportSummary): void {
  db.prepare(
    `UPDATE import_runs SET status = ?, finished_at = ?, counts = ?, summary = ?, error = ?, error_file = ?, rows_done = ?
     WHERE id = ?`,
  ).run(
    summary.status,
    summary.finishedAt,
    JSON.stringify(summary.counts),
    JSON.stringify(summary),
    summary.error,
    summary.errorFile?.path ?? null,
    summary.counts.rows,
    summary.runId,
  )
}

/** Ends a run that failed before it could write a summary. */
export function failRun(
  db: Db,
  runId: number,
  at: number,
  message: string,
  status: ImportRunStatus = 'failed',
): void {
  db.prepare(
    "UPDATE import_runs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND status = 'running'",
  ).run(status, at, message, runId)
}

/**
 * At start-up: runs still marked running whose process is gone (killed, crashed, power cut) become
 * interrupted. Their committed batches stay; running the same file again finishes the work.
 */
export function markInterruptedRuns(db: Db, at: number): number {
  const orphaned = orphanedRuns(db, 'import_runs')
  for (const runId of orphaned) {
    db.prepare(
      `UPDATE import_runs SET status = 'interrupted', finished_at = ?,
         error = 'The import stopped before it finished (the app was closed or killed). Batches written before that are kept; import the same file again with the same mapping and it resumes after the last written batch.'
       WHERE id = ? AND status = 'running'`,
    ).run(at, runId)
  }
  return orphaned.length
}

export function getRun(
  db: Db,
  runId: number,
): { run: ImportRunInfo; summary: ImportSummary | null; errorFile: string | null } {
  const row = db.prepare('SELECT * FROM import_runs WHERE id = ?').get(runId) as RunRow | undefined
  if (!row) throw new AppError('not_found', `No import run #${runId}.`, { runId })
  return {
    run: toInfo(row),
    summary: row.summary === null ? null : (JSON.parse(row.summary) as ImportSummary),
    errorFile: row.error_file,
  }
}

export function listRuns(
  db: Db,
  request: { offset: number; limit: number; includeDryRuns: boolean },
): { items: ImportRunInfo[]; total: number } {
  const where = request.includeDryRuns ? '' : "WHERE mode = 'import'"
  const { rows, total } = offsetPage<RunRow>(
    db,
    {
      rows: `SELECT * FROM import_runs ${where} ORDER BY id DESC`,
      count: `SELECT 1 FROM import_runs ${where}`,
    },
    request.offset,
    request.limit,
  )
  return { items: rows.map(toInfo), total }
}

interface MappingRow {
  name: string
  kind: ImportKind
  mapping: string
  created_at: number
  updated_at: number
}

function toSaved(row: MappingRow): SavedMapping {
  return {
    name: row.name,
    kind: row.kind,
    mapping: importMapping.parse(JSON.parse(row.mapping)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function listMappings(db: Db, kind?: ImportKind): SavedMapping[] {
  const rows = (
    kind === undefined
      ? db.prepare('SELECT * FROM import_mappings ORDER BY name').all()
      : db.prepare('SELECT * FROM import_mappings WHERE kind = ? ORDER BY name').all(kind)
  ) as MappingRow[]
  return rows.map(toSaved)
}

export function getMapping(db: Db, name: string): SavedMapping {
  const row = db.prepare('SELECT * FROM import_mappings WHERE name = ?').get(name) as MappingRow | undefined
  if (!row) {
    const names = listMappings(db).map((m) => m.name)
    throw new AppError(
      'not_found',
      `No saved mapping named "${name}".${names.length ? ` Saved mappings: ${names.join(', ')}.` : ' None is saved yet.'}`,
      { name, saved: names },
    )
  }
  return toSaved(row)
}

/** Saves (or replaces) a mapping under a name; the column positions are kept but matched by header when reused. */
export function saveMapping(db: Db, name: string, mapping: ImportMapping, at: number): SavedMapping {
  db.prepare(
    `INSERT INTO import_mappings (name, kind, mapping, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping, updated_at = excluded.updated_at`,
  ).run(name, mapping.kind, JSON.stringify(mapping), at, at)
  return getMapping(db, name)
}

export function deleteMapping(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM import_mappings WHERE name = ?').run(name).changes > 0
}
