// The run history of SFTP sources (sftp_runs, sftp_files): a run is recorded before it connects, each
// file as soon as it is taken, and both finished with what happened. Also answers "was this exact file
// imported already?" and "is this source running (in any process)?".
import type { EventImportCounts, ProfileImportCounts } from '../../../../shared/ipc/channels/imports'
import type {
  SftpFileResult,
  SftpFileStatus,
  SftpRunInfo,
  SftpRunStatus,
  SftpRunTrigger,
} from '../../../../shared/ipc/channels/sftp'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { offsetPage } from '../db/offset-page'
import { orphanedRuns, processAlive } from '../db/orphaned-runs'

interface RunRow {
  id: number
  source_id: number | null
  source_name: string
  trigger: SftpRunTrigger
  status: SftpRunStatus
  started_at: number
  finished_at: number | null
  found: number
  waiting: string
  error: string | null
  pid: number
}

interface FileRow {
  id: number
  run_id: number
  source_id: number | null
  name: string
  remote_path: string
  size: number
  mtime: number
  sha256: string | null
  status: SftpFileStatus
  attempts: number
  import_run_id: number | null
  counts: string | null
  rejected_rows: number
  error: string | null
  after: 'left' | 'moved' | 'deleted' | null
  after_error: string | null
  started_at: number
  finished_at: number | null
}

function toFile(row: FileRow): SftpFileResult {
  return {
    id: row.id,
    name: row.name,
    remotePath: row.remote_path,
    size: row.size,
    mtime: row.mtime,
    sha256: row.sha256,
    status: row.status,
    attempts: row.attempts,
    importRunId: row.import_run_id,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as ProfileImportCounts | EventImportCounts),
    rejectedRows: row.rejected_rows,
    error: row.error,
    after: row.after,
    afterError: row.after_error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  }
}

function toRun(row: RunRow, files: SftpFileResult[]): SftpRunInfo {
  const count = (status: SftpFileStatus) => files.filter((f) => f.status === status).length
  return {
    id: row.id,
    sourceId: row.source_id,
    sourceName: row.source_name,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    found: row.found,
    imported: count('imported'),
    skipped: count('skipped'),
    failed: count('failed'),
    waiting: JSON.parse(row.waiting) as string[],
    error: row.error,
    files,
  }
}

function filesOf(db: Db, runIds: number[]): Map<number, SftpFileResult[]> {
  const byRun = new Map<number, SftpFileResult[]>(runIds.map((id) => [id, []]))
  if (runIds.length === 0) return byRun
  const rows = db
    .prepare(`SELECT * FROM sftp_files WHERE run_id IN (${runIds.map(() => '?').join(',')}) ORDER BY id`)
    .all(...runIds) as FileRow[]
  for (const row of rows) byRun.get(row.run_id)?.push(toFile(row))
  return byRun
}

/** The run of this source still going in some process (this one, or e.g. a command line next to the app). */
export function runningRun(db: Db, sourceId: number): { runId: number; pid: number } | null {
  const row = db
    .prepare(
      "SELECT id, pid FROM sftp_runs WHERE source_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1",
    )
    .get(sourceId) as { id: number; pid: number } | undefined
  if (!row || !processAlive(row.pid)) return null
  return { runId: row.id, pid: row.pid }
}

/** Records a new run; refuses when the source is already running anywhere. */
export function startRun(
  db: Db,
  source: { id: number; name: string },
  trigger: SftpRunTrigger,
  now: number,
): number {
  return db
    .transaction(() => {
      const running = runningRun(db, source.id)
      if (running) {
        throw new AppError(
          'conflict',
          `"${source.name}" is already running (run #${running.runId}${running.pid === process.pid ? '' : `, in process ${running.pid}`}); wait for it to finish.`,
          { runId: running.runId },
        )
      }
      const info = db
        .prepare(
          "INSERT INTO sftp_runs (source_id, source_name, trigger, status, started_at, pid) VALUES (?, ?, ?, 'running', ?, ?)",
        )
        .run(source.id, source.name, trigger, now, process.pid)
      return Number(info.lastInsertRowid)
    })
    .immediate()
}

export function finishRun(
  db: Db,
  runId: number,
  result: { status: SftpRunStatus; found: number; waiting: string[]; error: string | null },
  now: number,
): void {
  db.prepare(
    'UPDATE sftp_runs SET status = ?, found = ?, waiting = ?, error = ?, finished_at = ? WHERE id = ?',
  ).run(result.status, result.found, JSON.stringify(result.waiting), result.error, now, runId)
}

export function addFile(
  db: Db,
  runId: number,
  sourceId: number,
  file: { name: string; remotePath: string; size: number; mtime: number },
  status: SftpFileStatus,
  now: number,
): number {
  const info = db
    .prepare(
      `INSERT INTO sftp_files (run_id, source_id, name, remote_path, size, mtime, status, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(runId, sourceId, file.name, file.remotePath, file.size, file.mtime, status, now)
  return Number(info.lastInsertRowid)
}

export interface FilePatch {
  status?: SftpFileStatus
  sha256?: string | null
  attempts?: number
  importRunId?: number | null
  counts?: ProfileImportCounts | EventImportCounts | null
  rejectedRows?: number
  error?: string | null
  after?: 'left' | 'moved' | 'deleted' | null
  afterError?: string | null
  finishedAt?: number | null
}

const COLUMNS: Record<keyof FilePatch, string> = {
  status: 'status',
  sha256: 'sha256',
  attempts: 'attempts',
  importRunId: 'import_run_id',
  counts: 'counts',
  rejectedRows: 'rejected_rows',
  error: 'error',
  after: 'after',
  afterError: 'after_error',
  finishedAt: 'finished_at',
}

export function updateFile(db: Db, fileId: number, patch: FilePatch): void {
  const keys = (Object.keys(patch) as (keyof FilePatch)[]).filter((k) => patch[k] !== undefined)
  if (keys.length === 0) return
  const values = keys.map((k) =>
    k === 'counts' && patch.counts ? JSON.stringify(patch.counts) : (patch[k] ?? null),
  )
  db.prepare(`UPDATE sftp_files SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run(
    ...values,
    fileId,
  )
}

/** The earlier import of exactly this file (same name, size, modification time and content) from this source. */
export function findImported(
  db: Db,
  sourceId: number,
  file: { name: string; size: number; mtime: number; sha256: string },
): { runId: number; at: number } | null {
  const row = db
    .prepare(
      `SELECT run_id, coalesce(finished_at, started_at) AS at FROM sftp_files
       WHERE source_id = ? AND name = ? AND size = ? AND mtime = ? AND sha256 = ? AND status = 'imported'
       ORDER BY id DESC LIMIT 1`,
    )
    .get(sourceId, file.name, file.size, file.mtime, file.sha256) as
    { run_id: number; at: number } | undefined
  return row ? { runId: row.run_id, at: row.at } : null
}

export function getRunInfo(db: Db, runId: number): SftpRunInfo {
  const row = db.prepare('SELECT * FROM sftp_runs WHERE id = ?').get(runId) as RunRow | undefined
  if (!row) throw new AppError('not_found', `No SFTP run #${runId}.`, { runId })
  return toRun(row, filesOf(db, [runId]).get(runId) ?? [])
}

export function listRunInfos(
  db: Db,
  request: { sourceId?: number | undefined; offset: number; limit: number },
): { items: SftpRunInfo[]; total: number } {
  const where = request.sourceId === undefined ? '' : 'WHERE source_id = ?'
  const params = request.sourceId === undefined ? [] : [request.sourceId]
  const { rows, total } = offsetPage<RunRow>(
    db,
    {
      rows: `SELECT * FROM sftp_runs ${where} ORDER BY id DESC`,
      count: `SELECT 1 FROM sftp_runs ${where}`,
      params,
    },
    request.offset,
    request.limit,
  )
  const files = filesOf(
    db,
    rows.map((r) => r.id),
  )
  return { items: rows.map((r) => toRun(r, files.get(r.id) ?? [])), total }
}

export function lastRun(db: Db, sourceId: number): SftpRunInfo | null {
  const row = db
    .prepare('SELECT * FROM sftp_runs WHERE source_id = ? ORDER BY id DESC LIMIT 1')
    .get(sourceId) as RunRow | undefined
  return row ? toRun(row, filesOf(db, [row.id]).get(row.id) ?? []) : null
}

/**
 * At start-up: runs left running by a process that is gone become interrupted, and their unfinished files
 * failed. A file whose import had committed is recognised by its import run; taking it again is safe
 * (imports converge), and it is offered again because it was not recorded imported.
 */
export function markInterruptedRuns(db: Db, now: number): number {
  const orphaned = orphanedRuns(db, 'sftp_runs')
  for (const runId of orphaned) {
    db.transaction(() => {
      db.prepare(
        `UPDATE sftp_runs SET status = 'interrupted', finished_at = ?,
           error = 'The run stopped before it finished (the app was closed or killed). Files it had not finished are taken again by the next run.'
         WHERE id = ? AND status = 'running'`,
      ).run(now, runId)
      db.prepare(
        `UPDATE sftp_files SET status = 'failed', finished_at = ?, error = 'Interrupted: the app stopped while this file was being taken.'
         WHERE run_id = ? AND status IN ('downloading', 'downloaded', 'importing')`,
      ).run(now, runId)
    })()
  }
  return orphaned.length
}
