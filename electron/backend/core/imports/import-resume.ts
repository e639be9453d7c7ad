// Resuming an interrupted profile import. Each batch's transaction records the last line whose rows it
// committed (import_runs.resume_line). When the newest profile import was interrupted or cancelled, and
// the same file (by its bytes' sha256) is imported again with the same mapping, the new run starts after
// that line: the rows before it are not applied a second time, so a row that lost an identifier to a
// later row (an email moving between profiles within the file) cannot win it on the re-run. The result is
// exactly what one uninterrupted import gives. Rows of an identity that repeats across the resume line are
// merged again from the file (profile-import.ts), as the interrupted run had them pending.
import type { ImportMapping } from '../../../../shared/ipc/channels/imports'
import type { Db } from '../db/connection'

export interface ResumePoint {
  /** The interrupted run. */
  runId: number
  /** Every row up to this line was committed by that run (and the runs it resumed). */
  line: number
  fileName: string
}

/** The interrupted run this one continues, or null (a new import, another file or mapping, nothing written). */
export function findResumePoint(
  db: Db,
  runId: number,
  fileHash: string,
  mapping: ImportMapping,
): ResumePoint | null {
  // Only the newest profile import: after another import the interrupted one's rows are no longer "the
  // state before its next batch", so the file is imported from its first row again.
  const last = db
    .prepare(
      `SELECT id, status, file_hash, mapping, resume_line, file_name FROM import_runs
       WHERE kind = 'profiles' AND mode = 'import' AND id < ? ORDER BY id DESC LIMIT 1`,
    )
    .get(runId) as
    | {
        id: number
        status: string
        file_hash: string | null
        mapping: string
        resume_line: number
        file_name: string
      }
    | undefined
  if (!last || (last.status !== 'interrupted' && last.status !== 'cancelled')) return null
  if (last.file_hash !== fileHash || last.resume_line <= 0) return null
  if (last.mapping !== JSON.stringify(mapping)) return null
  return { runId: last.id, line: last.resume_line, fileName: last.file_name }
}

/**
 * Before the run's first batch: its file's hash and the run it resumes, whose resume line it starts from
 * (so a resumed run interrupted before its own first batch still resumes from there).
 */
export function recordFileHash(db: Db, runId: number, fileHash: string, resumed: ResumePoint | null): void {
  db.prepare('UPDATE import_runs SET file_hash = ?, resumed_from = ?, resume_line = ? WHERE id = ?').run(
    fileHash,
    resumed?.runId ?? null,
    resumed?.line ?? 0,
    runId,
  )
}

/** What the summary (wizard and CLI) says about a resumed run. */
export function resumeNotice(point: ResumePoint): string {
  return (
    `This import resumed import #${point.runId} of ${point.fileName}, which was interrupted: the rows up to line ${point.line} ` +
    'had been written by it and were not applied again; the counts here are for the rows after that line.'
  )
}
