// The rejected rows of a run as a CSV file kept in the data folder: the file's own columns plus
// `Failure Description` (CleverTap's error-file shape), written by the shared CSV writer (formula cells
// neutralised, owner-only file). The file is created at the first rejected row, so a clean run leaves none.
import { join } from 'node:path'
import { CsvFileWriter } from '../platform/csv-writer'

export const FAILURE_COLUMN = 'Failure Description'

/** Where a run's rejected rows are kept: <data dir>/imports/run-<id>-rejected.csv. */
export function rejectedRowsPath(dataDir: string, runId: number): string {
  return join(dataDir, 'imports', `run-${runId}-rejected.csv`)
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
