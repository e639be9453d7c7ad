// Every CSV file the app writes goes through here (today the rejected rows of an import; later exports):
// papaparse quotes the fields, cells a spreadsheet would run as a formula are neutralised with a leading
// apostrophe, and the file is created private (0600) with a BOM so spreadsheet programs read UTF-8.
import { closeSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import Papa from 'papaparse'
import { ensurePrivateDir, openPrivateFile } from './private-files'

/**
 * A cell that starts with = + - @, a tab or a carriage return runs as a formula in spreadsheet programs
 * (OWASP "CSV injection"). papaparse's own `escapeFormulae: true` uses /^[=+\-@\t\r].*$/, whose `.` and
 * `$` stop at a line break, so a cell such as "=HYPERLINK(…)\nx" slipped through; this looks at the first
 * character alone. A plain number ("-12.5", "+4915112345678", "-1e3") is left as it is: it cannot run as a
 * formula, and a corrected rejected-rows file then imports the same values again.
 */
export const FORMULA_CELL = /^(?![+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$)[=+\-@\t\r]/

const UNPARSE = { escapeFormulae: FORMULA_CELL, newline: '\r\n', header: false } as const

/** One CSV line ending in CRLF: formula cells neutralised, fields quoted when they need it. */
export function csvLine(cells: readonly string[]): string {
  return `${Papa.unparse([cells as string[]], UNPARSE)}\r\n`
}

/**
 * A cell papaparse would write unchanged: no quote, comma or line break, no space at either end, and not a
 * formula trigger at the start (a plain number such as an E.164 phone is fine, as in FORMULA_CELL).
 */
const PLAIN_CELL = /^(?:[^",\r\n=+\-@\t ](?:[^",\r\n]*[^",\r\n ])?|[+-]?\d+(?:\.\d*)?)$/

/**
 * Several CSV lines, each ending in CRLF (a page of an export). Rows whose cells are all plain are joined
 * directly (most rows of an export: far cheaper than papaparse per cell); any other row goes through
 * papaparse, so quoting and the formula guard stay papaparse's and FORMULA_CELL's.
 */
export function csvLines(rows: readonly (readonly string[])[]): string {
  let out = ''
  for (const row of rows) {
    let plain = true
    for (const cell of row) {
      if (cell !== '' && !PLAIN_CELL.test(cell)) {
        plain = false
        break
      }
    }
    out += plain ? `${row.join(',')}\r\n` : `${Papa.unparse([row as string[]], UNPARSE)}\r\n`
  }
  return out
}

/**
 * A test of a block of lines joined by CRLF, each of `width` cells joined by commas: true when every cell
 * is empty or plain, i.e. when csvLines would write exactly these lines. No plain cell holds a comma or a
 * line break, so the cells are the parts between them. Every character the test looks for is ASCII, so it
 * answers the same for UTF-8 bytes read as Latin-1 (an export tests a page SQLite joined, as bytes).
 */
export function plainBlockTest(width: number): RegExp {
  const cell = `(?:${PLAIN_CELL.source.slice(1, -1)})?`
  const line = `${cell}(?:,${cell}){${Math.max(0, width - 1)}}`
  return new RegExp(`^${line}(?:\r\n${line})*$`)
}

/** Rows are buffered and written in blocks of about this many characters. */
const FLUSH_CHARS = 256 * 1024

/** A CSV file written row by row; created (folder too) with owner-only modes when constructed. */
export class CsvFileWriter {
  private fd: number | null
  private buffer: string[] = []
  private buffered = 0
  /** Rows written, the header included. */
  rows = 0

  constructor(readonly path: string) {
    ensurePrivateDir(dirname(path))
    this.fd = openPrivateFile(path, 'w')
    this.push('\uFEFF')
  }

  writeRow(cells: readonly string[]): void {
    this.push(csvLine(cells))
    this.rows++
  }

  /** A block of rows at once (exports write pages of thousands). */
  writeRows(rows: readonly (readonly string[])[]): void {
    this.push(csvLines(rows))
    this.rows += rows.length
  }

  /**
   * `rows` records already in CSV form, joined by CRLF: text (csvLines' output) or UTF-8 bytes (records
   * plainBlockTest passed, as SQLite joined them).
   */
  writeBlock(block: string | Uint8Array, rows: number): void {
    if (rows === 0) return
    if (typeof block === 'string') this.push(`${block}\r\n`)
    else {
      this.flush()
      if (this.fd === null) throw new Error(`${this.path} is already closed.`)
      writeSync(this.fd, block)
      this.push('\r\n')
    }
    this.rows += rows
  }

  flush(): void {
    if (this.fd === null || this.buffer.length === 0) return
    writeSync(this.fd, this.buffer.join(''))
    this.buffer = []
    this.buffered = 0
  }

  close(): void {
    if (this.fd === null) return
    try {
      this.flush()
    } finally {
      closeSync(this.fd)
      this.fd = null
    }
  }

  private push(text: string): void {
    if (this.fd === null) throw new Error(`${this.path} is already closed.`)
    this.buffer.push(text)
    this.buffered += text.length
    if (this.buffered > FLUSH_CHARS) this.flush()
  }
}
