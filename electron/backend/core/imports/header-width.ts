// How wide a CSV header is, found without parsing it: a file whose header has more columns than an import
// takes is refused after one pass over the header's first columns, before any work per column (splitting,
// proposals, mapping checks) could make a hostile 100,000-column header expensive.
import { MAX_IMPORT_COLUMNS } from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'

const QUOTE = 0x22
const SPACE = 0x20
const LF = 0x0a
const CR = 0x0d

function isLineBreak(code: number): boolean {
  return code === LF || code === CR
}

/** Skips blank lines (nothing, or only spaces) before the header, as the reader does. */
function headerStart(text: string): number {
  let start = 0
  let i = 0
  while (i < text.length) {
    const code = text.charCodeAt(i)
    if (code === SPACE) i++
    else if (isLineBreak(code)) start = ++i
    else break
  }
  return start
}

/**
 * Counts the columns of the first record of `text` with this delimiter, quoted values included (a quote
 * opens a value only at its start and closes at a quote followed by spaces and a delimiter or line break,
 * as papaparse reads it). Stops as soon as the count passes `limit`, so the cost is bounded by the columns
 * it needs to see, not by the header's length.
 */
export function countHeaderColumns(text: string, delimiter: string, limit: number): number {
  const n = text.length
  const d = delimiter.charCodeAt(0)
  let columns = 1
  let i = headerStart(text)
  while (i < n && columns <= limit) {
    if (text.charCodeAt(i) === QUOTE) {
      // A quoted value: find the quote that closes it.
      let q = i + 1
      for (;;) {
        q = text.indexOf('"', q)
        if (q === -1) return columns
        if (text.charCodeAt(q + 1) === QUOTE) {
          q += 2
          continue
        }
        let after = q + 1
        while (text.charCodeAt(after) === SPACE) after++
        if (after >= n || isLineBreak(text.charCodeAt(after))) return columns
        if (text.charCodeAt(after) === d) {
          columns++
          i = after + 1
          break
        }
        q++
      }
      continue
    }
    // An unquoted value runs to the next delimiter or line break.
    for (; i < n; i++) {
      const code = text.charCodeAt(i)
      if (code === d) {
        columns++
        i++
        break
      }
      if (isLineBreak(code)) return columns
    }
  }
  return columns
}

/** The refusal of a header wider than an import takes, naming the cap. */
export function tooManyColumns(fileName: string, columns: number | null): AppError {
  const cap = MAX_IMPORT_COLUMNS.toLocaleString('en-US')
  const counted = columns === null ? `more than ${cap}` : columns.toLocaleString('en-US')
  return new AppError(
    'validation',
    `The header row of ${fileName} has ${counted} columns; Profile Desk imports at most ${cap} columns from one file. ` +
      'Remove the columns you do not need, or split the file into several that each keep the identity column.',
    { file: fileName, maxColumns: MAX_IMPORT_COLUMNS },
  )
}

/**
 * Refuses the file when its header, read with any of the delimiters it might use, has more columns than
 * the cap. Run on the decoded head before the delimiter is guessed (guessing parses the header).
 */
export function assertHeaderWidth(fileName: string, text: string, delimiters: readonly string[]): void {
  for (const delimiter of delimiters) {
    if (countHeaderColumns(text, delimiter, MAX_IMPORT_COLUMNS) > MAX_IMPORT_COLUMNS) {
      throw tooManyColumns(fileName, null)
    }
  }
}
