// The rejected rows of a run as a CSV file kept in the data folder: the file's own columns plus
// `Failure Description` (CleverTap's error-file shape), written by the shared CSV writer (formula cells
// neutralised, owner-only file). The file is created at the first rejected row, so a clean run leaves none.
import { readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { RejectedRowsFile as RejectedRowsContent } from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { CsvFileWriter } from '../platform/csv-writer'
import { getRun } from './import-runs'

export const FAILURE_COLUMN = 'Failure Description'

/** Where a run's rejected rows are kept: <data dir>/imports/run-<id>-rejected.csv. */
export function rejectedRowsPath(dataDir: string, runId: number): string {
  return join(dataDir, 'imports', `run-${runId}-rejected.csv`)
}

/** The rejected-rows CSV is returned whole up to this size (the file itself has no limit). */
const MAX_ERROR_CONTENT = 64 * 1024 * 1024

/** A run's rejected rows as the page shows them (imports.errors); not_found when it has none. */
export function readRejectedRows(db: Db, runId: number): RejectedRowsContent {
  const { errorFile, run, summary } = getRun(db, runId)
  if (errorFile === null) {
    throw new AppError(
      'not_found',
      `Run #${runId} has no rejected rows${run.status === 'running' ? ' yet' : ''}.`,
      {
        runId,
      },
    )
  }
  let bytes: number
  try {
    bytes = statSync(errorFile).size
  } catch {
    throw new AppError('not_found', `The rejected-rows file of run #${runId} is gone (${errorFile}).`)
  }
  if (bytes > MAX_ERROR_CONTENT) {
    throw new AppError('limit', `The rejected-rows file is ${bytes} bytes; open it from ${errorFile}.`, {
      path: errorFile,
    })
  }
  const content = readFileSync(errorFile, 'utf8')
  return {
    runId,
    fileName: basename(errorFile),
    path: errorFile,
    bytes,
    rows: summary?.errorFile?.rows ?? Math.max(0, content.split('\r\n').length - 2),
    content,
  }
}

export class RejectedRowsFile {
  private writer: CsvFileWriter | null = null
  rows = 0

  constructor(
    readonly path: string,
    private readonly headers: readonly string[],
  ) {}

  add(cells: readonly string[], reason: string): void {
    if (this.writer === null) {
      this.writer = new CsvFileWriter(this.path)
      this.writer.writeRow([...this.headers, FAILURE_COLUMN])
    }
    const row = this.headers.map((_, i) => cells[i] ?? '')
    // Extra values of a ragged row are kept after the known columns, before the description.
    for (let i = this.headers.length; i < cells.length; i++) row.push(cells[i] as string)
    row.push(reason)
    this.writer.writeRow(row)
    this.rows++
  }

  flush(): void {
    this.writer?.flush()
  }

  close(): void {
    this.writer?.close()
    this.writer = null
  }
}
