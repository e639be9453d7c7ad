// Every case of the csv-spectrum corpus through our parsing layer (head detection, then the streamed
// rows), compared with the corpus's expected rows.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readCsvHead, streamCsvRows, type StreamStats } from '../../electron/backend/core/imports/csv-reader'

const corpus = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'))
const names = readdirSync(join(corpus, 'csvs'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.replace(/\.csv$/, ''))
const dir = mkdtempSync(join(tmpdir(), 'profile-desk-spectrum-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The corpus's JSON for location_coordinates has another phone number than its CSV (a known slip). */
const CORPUS_SLIPS: Record<string, { field: string; csvValue: string }> = {
  location_coordinates: { field: 'Contact Phone Number', csvValue: '2095257564' },
}

async function parse(name: string): Promise<Record<string, string>[]> {
  // Through a copy, the way imports read files: by path, streamed.
  const path = join(dir, `${name}.csv`)
  writeFileSync(path, readFileSync(join(corpus, 'csvs', `${name}.csv`)))
  const head = await readCsvHead(path, 'auto')
  const stats: StreamStats = { bytes: 0, blankLines: 0, encoding: head.facts.encoding, fallbackLine: null }
  const rows: string[][] = []
  for await (const chunk of streamCsvRows(path, head.layout, stats))
    for (const row of chunk) rows.push(row.cells)
  const [header, ...data] = rows
  expect(header).toBeDefined()
  return data.map((cells) => Object.fromEntries((header as string[]).map((h, i) => [h, cells[i] ?? ''])))
}

describe('csv-spectrum', () => {
  it('has its cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(12)
  })

  for (const name of names) {
    it(`parses ${name} to the expected rows`, async () => {
      const expectedJson: unknown = JSON.parse(readFileSync(join(corpus, 'json', `${name}.json`), 'utf8'))
      const expected = (Array.isArray(expectedJson) ? expectedJson : [expectedJson]) as Record<
        string,
        string
      >[]
      const rows = await parse(name)
      const slip = CORPUS_SLIPS[name]
      if (slip) {
        expect(rows.map((r) => r[slip.field])).toEqual(expected.map(() => slip.csvValue))
        const without = (list: Record<string, string>[]) =>
          list.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== slip.field)))
        expect(without(rows)).toEqual(without(expected))
      } else {
        expect(rows).toEqual(expected)
      }
    })
  }
})
