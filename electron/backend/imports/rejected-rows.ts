// The rejected rows of a run as a CSV file kept in the data folder: the file's own columns plus
// `Failure Description` (CleverTap's error-file shape). Cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or carriage return) are neutralised with a leading apostrophe.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Papa from 'papaparse'

export const FAILURE_COLUMN = 'Failure Description'

/** Where a run's rejected rows are kept: <data dir>/imports/run-<id>-rejected.csv. */
export function rejectedRowsPath(dataDir: string, runId: number): string {
  return join(dataDir, 'imports', `run-${runId}-rejected.csv`)
}

/** One CSV line, formula cells neutralised, fields quoted when they need it. */
export function csvLine(cells: readonly string[]): string {
  return Papa.unparse([cells as string[]], { escapeFormulae: true, newline: '\r\n', header: false }) + '\r\n'
}

export class RejectedRowsFile {
  private fd: number | null = null
  private buffer: string[] = []
  private buffered = 0
  rows = 0

  constructor(
    readonly path: string,
    private readonly headers: readonly string[],
  ) {}

  add(cells: readonly string[], reason: string): void {
    if (this.fd === null) {
      mkdirSync(join(this.path, '..'), { recursive: true })
      this.fd = openSync(this.path, 'w')
      // A BOM so spreadsheet programs read the UTF-8 correctly.
      this.push(`\uFEFF${csvLine([...this.headers, FAILURE_COLUMN])}`)
    }
    const row = this.headers.map((_, i) => cells[i] ?? '')
    // Extra values of a ragged row are kept after the known columns, before the description.
    for (let i = this.headers.length; i < cells.length; i++) row.push(cells[i] as string)
    this.push(csvLine([...row, reason]))
    this.rows++
  }

  private push(text: string): void {
    this.buffer.push(text)
    this.buffered += text.length
    if (this.buffered > 256 * 1024) this.flush()
  }

  flush(): void {
    if (this.fd === null || this.buffer.length === 0) return
    writeSync(this.fd, this.buffer.join(''))
    this.buffer = []
    this.buffered = 0
  }

  close(): void {
    this.flush()
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}
