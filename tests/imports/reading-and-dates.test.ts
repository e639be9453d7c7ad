// The pieces under the pipeline: bytes decoded across chunk boundaries, CleverTap's date formats, the
// choice of a date format from samples, and the key tracker that finds repeated identities.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readCsvHead, streamCsvRows, type StreamStats } from '../../electron/backend/core/imports/csv-reader'
import { guessDateFormat, parseDateCell } from '../../electron/backend/core/imports/date-formats'
import { FileKeys } from '../../electron/backend/core/imports/file-keys'
import { openDatabase } from '../../electron/backend/core/db/connection'
import { MIGRATIONS } from '../../electron/backend/core/services'
import { StreamDecoder } from '../../electron/backend/core/imports/text-decoding'

const dir = mkdtempSync(join(tmpdir(), 'profile-desk-reading-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('decoding', () => {
  it('decodes multi-byte characters split at any chunk boundary', () => {
    const text = 'a,é,€,𝄞,ü\n'.repeat(3)
    const bytes = Buffer.from(text)
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new StreamDecoder('auto')
      const out = decoder.decode(bytes.subarray(0, cut)) + decoder.decode(bytes.subarray(cut)) + decoder.end()
      expect(out, `cut at ${cut}`).toBe(text)
      expect(decoder.fallbackAt).toBeNull()
    }
  })

  it('streams a file of several chunks with accents on every line into the right rows and lines', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `id${i},Zoë Łukasz ${i},"multi\nline ${i}",€${i}`)
    const path = join(dir, 'many.csv')
    writeFileSync(path, `identity,Name,note,price\n${rows.join('\n')}\n`)
    const head = await readCsvHead(path, 'auto')
    expect(head.complete).toBe(false)
    const stats: StreamStats = { bytes: 0, blankLines: 0, encoding: head.facts.encoding, fallbackLine: null }
    const seen: { line: number; cells: string[] }[] = []
    for await (const chunk of streamCsvRows(path, head.layout, stats)) seen.push(...chunk)
    expect(seen).toHaveLength(60_001)
    expect(stats.bytes).toBeGreaterThan(3 * 1024 * 1024)
    // Each data row spans two lines (the quoted newline), after the header's one.
    expect(seen[42_001]).toEqual({
      line: 2 + 42_000 * 2,
      cells: ['id42000', 'Zoë Łukasz 42000', 'multi\nline 42000', '€42000'],
    })
  })
})

describe('dates', () => {
  const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0) =>
    Date.UTC(y, m - 1, d, h, min, s) / 1000
  it.each([
    ['31/01/1990', 'dd/MM/yyyy', utc(1990, 1, 31)],
    ['01/31/1990', 'MM/dd/yyyy', utc(1990, 1, 31)],
    ['1990/31/01', 'yyyy/dd/MM', utc(1990, 1, 31)],
    ['1990/01/31', 'yyyy/MM/dd', utc(1990, 1, 31)],
    ['31 Jan 1990', 'dd MMM yyyy', utc(1990, 1, 31)],
    ['31/01/1990 23:59:58', 'dd/MM/yyyy HH:mm:ss', utc(1990, 1, 31, 23, 59, 58)],
    ['31/01/1990', 'dd/MM/yyyy HH:mm:ss', utc(1990, 1, 31)],
    ['05 dec 2020 08:00:00', 'dd MMM yyyy HH:mm:ss', utc(2020, 12, 5, 8)],
    ['1700000000', 'epoch', 1700000000],
    ['2020-02-29', 'auto', utc(2020, 2, 29)],
    ['$D_1700000000', 'dd/MM/yyyy', 1700000000],
    ['$D_20200229', 'MM/dd/yyyy', utc(2020, 2, 29)],
  ] as const)('reads %s as %s', (text, format, seconds) => {
    expect(parseDateCell(text, format)).toEqual({ ok: true, seconds })
  })

  it.each([
    ['29/02/2021', 'dd/MM/yyyy', 'is not a real date in the format dd/MM/yyyy'],
    ['31/01/1990 24:00:00', 'dd/MM/yyyy HH:mm:ss', 'has an impossible time (24-hour clock, no AM/PM)'],
    ['31/01/1990 1:00 PM', 'dd/MM/yyyy HH:mm:ss', 'does not match the format dd/MM/yyyy HH:mm:ss'],
    ['1700000000000', 'epoch', 'looks like milliseconds; dates take epoch seconds'],
    ['$D_abc', 'auto', 'is not a valid $D_ date (expected $D_<epoch seconds> or $D_YYYYMMDD)'],
  ] as const)('refuses %s as %s', (text, format, reason) => {
    expect(parseDateCell(text, format)).toEqual({ ok: false, reason })
  })

  it('guesses the format from samples, flags day/month ambiguity and leaves plain numbers alone', () => {
    expect(guessDateFormat(['13/01/2020', '02/03/2021'])).toEqual({ format: 'dd/MM/yyyy' })
    expect(guessDateFormat(['01/13/2020', '02/03/2021'])).toEqual({ format: 'MM/dd/yyyy' })
    expect(guessDateFormat(['01/02/2020', '02/03/2021'])).toEqual({
      format: 'dd/MM/yyyy',
      ambiguousWith: 'MM/dd/yyyy',
    })
    expect(guessDateFormat(['2020-01-02', '2021-03-04T10:00:00Z'])).toEqual({ format: 'auto' })
    expect(guessDateFormat(['12', '3400'])).toBeNull()
    expect(guessDateFormat(['hello', 'world'])).toBeNull()
  })
})

describe('file keys', () => {
  it('keeps the first and last line of 200,000 keys and the merged rows of repeated keys on disk, and forgets them when closed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-desk-keys-'))
    const db = openDatabase(join(dir, 'profiles.db'), { migrations: MIGRATIONS })
    try {
      const keys = new FileKeys(7)
      const rows = Array.from({ length: 200_000 }, (_, i) => ({ key: `u${i}`, line: i + 2 }))
      // A key twice in one chunk: the later line is its last.
      keys.recordAll([...rows.slice(0, 100_000), { key: 'u3', line: 150_000 }])
      keys.recordAll([...rows.slice(100_000), { key: 'u17', line: 500_000 }])
      expect(keys.lines('u3')).toEqual({ first: 5, last: 150_000 })
      expect(keys.lines('u17')).toEqual({ first: 19, last: 500_000 })
      expect(keys.lines('u199999')).toEqual({ first: 200_001, last: 200_001 })
      expect(keys.lines('nobody')).toBeNull()
      expect(keys.size).toBe(200_000)
      // The keys are in a temporary database of their own: nothing of them is in the profile database,
      // nor in its connection's temp schema (which an import worker keeps in memory).
      for (const schema of ['main', 'temp']) {
        expect(
          db
            .prepare(
              `SELECT count(*) AS n FROM ${schema}.sqlite_master WHERE name LIKE 'import_keys%' OR name LIKE 'import_pending%'`,
            )
            .get(),
        ).toEqual({ n: 0 })
      }
      // What pass 2 gathers for a repeated key waits on disk until that key's last line.
      keys.putPending('u17', { plan: { ops: ['first'] }, cells: ['u17', 'A'] })
      keys.putPending('u17', { plan: { ops: ['first', 'second'] }, cells: ['u17', 'B'] })
      keys.putPending('u18', { plan: { ops: ['other'] }, cells: ['u18', 'C'] })
      expect(keys.takePending('u17')).toEqual({ plan: { ops: ['first', 'second'] }, cells: ['u17', 'B'] })
      expect(keys.takePending('u17')).toBeNull()
      expect(keys.takeAllPending()).toEqual([{ plan: { ops: ['other'] }, cells: ['u18', 'C'] }])
      expect(keys.takeAllPending()).toEqual([])
      keys.close()
      keys.close()
      expect(() => keys.lines('u17')).toThrow(/not open/)
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
