// Reading a CSV file: a look at its head (binary or empty files refused, encoding, delimiter and line
// breaks detected), then its rows streamed chunk by chunk through papaparse's parser over a file stream,
// each row with the line it starts on. The file is never held in memory whole.
import type { Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import Papa from 'papaparse'
import { AppError } from '../../../../shared/ipc/envelope'
import {
  MAX_IMPORT_COLUMNS,
  type FileFacts,
  type ImportEncoding,
} from '../../../../shared/ipc/channels/imports'
import { assertHeaderWidth, tooManyColumns } from './header-width'
import { InvalidEncodingError, StreamDecoder } from './text-decoding'

export interface ParsedRow {
  /** The line the row starts on (1-based; quoted values may span lines). */
  line: number
  cells: string[]
  /** A quoting problem papaparse reported for this row. */
  problem?: string
}

export type LineBreak = FileFacts['lineBreak']

export interface CsvLayout {
  encoding: ImportEncoding
  delimiter: string
  lineBreak: LineBreak
}

export interface CsvHead {
  facts: FileFacts
  layout: CsvLayout
  /** Rows of the head, the header first (blank lines left out). */
  rows: ParsedRow[]
  /** True when the head is the whole file. */
  complete: boolean
  notices: string[]
}

const HEAD_BYTES = 256 * 1024
/**
 * Bytes read (and rows parsed) at a time. A chunk's rows are processed before the next is read, so they
 * die young: at 1 MiB a chunk's text and rows outlived a few scavenges and went to the old generation.
 * An unchanged 200k-row re-import (served, load 4-5): 64 KiB took 3.3-3.9 s of CPU and peaked at
 * 311-318 MiB, 1 MiB 5.2-6.3 s and 327-332 MiB.
 */
const CHUNK_BYTES = 64 * 1024
/** A quoted value may hold newlines, but one that has not closed after this much text is a broken file. */
export const MAX_OPEN_QUOTE_CHARS = 16 * 1024 * 1024
const DELIMITERS = [',', ';', '\t', '|']

const MAGIC: readonly { bytes: number[]; what: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    what: 'a ZIP archive or an Excel workbook (.xlsx); save it as CSV first',
  },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls); save it as CSV first' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive; unpack it first' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
]

/** A file we will not read as CSV, with the reason in plain words. */
export function refuse(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('validation', message, details)
}

async function fileFacts(path: string): Promise<{ bytes: number; name: string }> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('not_found', `No file at ${path}.`, { path })
    throw new AppError(
      'validation',
      `The file ${path} could not be read (${code ?? (error as Error).message}).`,
      {
        path,
      },
    )
  }
  if (!info.isFile()) throw refuse(`${path} is not a file.`, { path })
  return { bytes: info.size, name: basename(path) }
}

async function readHead(path: string, bytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(Math.min(bytes, HEAD_BYTES))
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead)
  } catch (error) {
    throw refuse(`The file ${path} could not be read (${(error as Error).message}).`, { path })
  } finally {
    await handle.close()
  }
}

function looksBinary(head: Uint8Array): string | null {
  for (const { bytes, what } of MAGIC) {
    if (bytes.every((b, i) => head[i] === b)) return `it is ${what}`
  }
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)
  if (utf16) return null
  const nul = head.indexOf(0)
  if (nul !== -1) return `it contains a NUL byte at offset ${nul}, which text files never do`
  let control = 0
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++
  if (head.length > 0 && control / head.length > 0.1) return 'most of its first bytes are control characters'
  return null
}

/** The line (1-based) of a byte offset: counts line feeds before it (or carriage returns in old Mac files). */
async function lineOfOffset(path: string, offset: number): Promise<number> {
  let lf = 0
  let cr = 0
  for await (const chunk of createReadStream(path, {
    end: Math.max(0, offset - 1),
    highWaterMark: CHUNK_BYTES,
  })) {
    const buf = chunk as Buffer
    for (let i = 0; i < buf.length; i++) {
      if (buf[i] === 0x0a) lf++
      else if (buf[i] === 0x0d) cr++
    }
  }
  return (lf > 0 ? lf : cr) + 1
}

async function encodingError(path: string, error: InvalidEncodingError): Promise<AppError> {
  const line = await lineOfOffset(path, error.byteOffset)
  const byte = `0x${error.byte.toString(16).toUpperCase().padStart(2, '0')}`
  const message =
    error.reason === 'mixed'
      ? `Line ${line} is not valid UTF-8 (byte ${byte} at offset ${error.byteOffset}), but earlier lines were: the file mixes encodings. ` +
        'Re-save it as UTF-8 and import it again.'
      : `Line ${line} is not valid UTF-8 (byte ${byte} at offset ${error.byteOffset}). ` +
        'Re-save the file as UTF-8, or import it with the encoding Windows-1252 if that is what it is.'
  return refuse(message, { line, byteOffset: error.byteOffset, byte })
}

/** Counts the physical lines a row's values span beyond its own (newlines inside quoted values). */
function embeddedLines(cells: string[], nl: string): number {
  let n = 0
  for (const cell of cells) {
    let at = cell.indexOf(nl)
    while (at !== -1) {
      n++
      at = cell.indexOf(nl, at + 1)
    }
  }
  return n
}

/** Blank lines (nothing, or only spaces) are skipped and counted, never read as rows. */
export function isBlankRow(cells: string[]): boolean {
  return cells.length === 1 && (cells[0] as string).trim() === ''
}

/** Turns papaparse's output for one piece of text into rows with line numbers. */
class RowNumberer {
  private nextLine = 1
  constructor(private readonly lineBreak: LineBreak) {}

  get line(): number {
    return this.nextLine
  }

  number(data: string[][], errors: Papa.ParseError[]): ParsedRow[] {
    const nl = this.lineBreak === '\r' ? '\r' : '\n'
    const problems = new Map<number, string>()
    for (const e of errors) {
      if (typeof e.row !== 'number' || e.row >= data.length || problems.has(e.row)) continue
      problems.set(
        e.row,
        e.code === 'MissingQuotes'
          ? 'a quoted value is never closed (a " is missing)'
          : 'a quoted value is malformed (a " inside a quoted value must be doubled: "")',
      )
    }
    const rows: ParsedRow[] = new Array(data.length)
    for (let i = 0; i < data.length; i++) {
      const cells = data[i] as string[]
      const problem = problems.get(i)
      rows[i] =
        problem === undefined ? { line: this.nextLine, cells } : { line: this.nextLine, cells, problem }
      this.nextLine += 1 + embeddedLines(cells, nl)
    }
    return rows
  }
}

function parseText(
  parser: Papa.Parser,
  text: string,
  last: boolean,
): { data: string[][]; errors: Papa.ParseError[]; cursor: number } {
  const result = parser.parse(text, 0, !last) as {
    data: string[][]
    errors: Papa.ParseError[]
    meta: { cursor: number }
  }
  return { data: result.data, errors: result.errors, cursor: result.meta.cursor }
}

function newParser(layout: CsvLayout): Papa.Parser {
  return new Papa.Parser({ delimiter: layout.delimiter, newline: layout.lineBreak, quoteChar: '"' })
}

/**
 * Looks at the start of a file: refuses binary and empty files, finds the encoding, the delimiter
 * (comma, semicolon, tab or pipe) and the line breaks, and parses the first rows.
 */
export async function readCsvHead(
  path: string,
  encoding: ImportEncoding,
  options: { delimiter?: string } = {},
): Promise<CsvHead> {
  const { bytes, name } = await fileFacts(path)
  if (bytes === 0) throw refuse(`${name} is empty (0 bytes): a CSV file needs a header row and data rows.`)
  const head = await readHead(path, bytes)
  const binary = looksBinary(head)
  if (binary) throw refuse(`${name} is not a CSV file: ${binary}.`, { file: name })
  const complete = head.length >= bytes
  const decoder = new StreamDecoder(encoding)
  let text: string
  try {
    text = decoder.decode(head) + (complete ? decoder.end() : '')
  } catch (error) {
    if (error instanceof InvalidEncodingError) throw await encodingError(path, error)
    throw error
  }
  if (text.trim() === '') {
    throw refuse(
      `${name} has no content (only blank lines or spaces): a CSV file needs a header row and data rows.`,
    )
  }
  // A header wider than an import takes is refused now, before guessing the delimiter splits it.
  assertHeaderWidth(name, text, options.delimiter === undefined ? DELIMITERS : [options.delimiter])
  // Guess from whole lines only, so a row cut at the end of the head does not skew the count.
  const cut = complete
    ? text
    : text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1) || text
  const guess = Papa.parse<string[]>(cut, { preview: 50, delimitersToGuess: DELIMITERS })
  const delimiter =
    options.delimiter ?? (DELIMITERS.includes(guess.meta.delimiter) ? guess.meta.delimiter : ',')
  const lineBreak = (['\r\n', '\n', '\r'] as const).find((b) => b === guess.meta.linebreak) ?? '\n'
  const layout: CsvLayout = { encoding, delimiter, lineBreak }
  const numberer = new RowNumberer(lineBreak)
  const parsed = parseText(newParser(layout), text, complete)
  const rows = numberer.number(parsed.data, parsed.errors).filter((r) => !isBlankRow(r.cells))
  if (rows.length === 0 && !complete) {
    throw refuse(
      `The header row of ${name} does not end within the first ${HEAD_BYTES / 1024} KiB of the file: ` +
        'that is longer than any header an import takes. Check that it is a CSV file with one header row.',
      { file: name },
    )
  }
  // The exact count as parsed (the scan above already refused the clearly wider headers).
  const width = rows[0]?.cells.length ?? 0
  if (width > MAX_IMPORT_COLUMNS) throw tooManyColumns(name, width)
  const notices: string[] = []
  if (decoder.fallbackAt !== null) {
    const line = await lineOfOffset(path, decoder.fallbackAt)
    notices.push(windows1252Notice(line))
  }
  return {
    facts: { path, name, bytes, encoding: decoder.encoding, delimiter, lineBreak },
    layout: decoder.fallbackAt !== null ? { ...layout, encoding: 'auto' } : layout,
    rows,
    complete,
    notices,
  }
}

export function windows1252Notice(line: number): string {
  return (
    `The file is not UTF-8 (the first byte that is not is on line ${line}), so it was read as Windows-1252 (Latin-1). ` +
    'Check accented letters in the preview; if they look wrong, re-save the file as UTF-8.'
  )
}

export interface StreamStats {
  /** Bytes read from the file so far. */
  bytes: number
  /** Blank lines skipped. */
  blankLines: number
  /** The encoding the stream ended up with, and where `auto` fell back to Windows-1252. */
  encoding: string
  fallbackLine: number | null
  /** When set, every byte read is added to it (an import's file hash, for resuming it). */
  hash?: Hash
}

/**
 * Streams a file's rows (header first), a chunk at a time, through papaparse's parser. The next chunk is
 * read only when the caller asks for it, so a slow consumer holds one chunk, never the file.
 */
export async function* streamCsvRows(
  path: string,
  layout: CsvLayout,
  stats: StreamStats,
): AsyncGenerator<ParsedRow[]> {
  const decoder = new StreamDecoder(layout.encoding)
  const parser = newParser(layout)
  const numberer = new RowNumberer(layout.lineBreak)
  let partial = ''
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES })
  const emit = (data: string[][], errors: Papa.ParseError[]): ParsedRow[] => {
    const rows = numberer.number(data, errors)
    const kept: ParsedRow[] = []
    for (const row of rows) {
      if (isBlankRow(row.cells)) stats.blankLines++
      else kept.push(row)
    }
    return kept
  }
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer
      stats.bytes += buf.length
      stats.hash?.update(buf)
      let text: string
      try {
        text = decoder.decode(buf)
      } catch (error) {
        if (error instanceof InvalidEncodingError) throw await encodingError(path, error)
        throw error
      }
      if (decoder.fallbackAt !== null && stats.fallbackLine === null) {
        stats.fallbackLine = await lineOfOffset(path, decoder.fallbackAt)
      }
      stats.encoding = decoder.encoding
      const input = partial + text
      const parsed = parseText(parser, input, false)
      partial = input.substring(parsed.cursor)
      if (partial.length > MAX_OPEN_QUOTE_CHARS) {
        throw refuse(
          `A quoted value that starts on line ${numberer.line} is still open after ${MAX_OPEN_QUOTE_CHARS / 1024 / 1024} MiB of text: ` +
            'a closing " is missing, so the rest of the file cannot be read as rows.',
          { line: numberer.line },
        )
      }
      if (parsed.data.length > 0) yield emit(parsed.data, parsed.errors)
    }
    let rest: string
    try {
      rest = decoder.end()
    } catch (error) {
      if (error instanceof InvalidEncodingError) throw await encodingError(path, error)
      throw error
    }
    stats.encoding = decoder.encoding
    const last = partial + rest
    if (last !== '') {
      const parsed = parseText(parser, last, true)
      if (parsed.data.length > 0) yield emit(parsed.data, parsed.errors)
    }
  } finally {
    stream.destroy()
  }
}
