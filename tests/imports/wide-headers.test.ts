// Hostile headers cost linear time: a header wider than 2,000 columns is refused with a message naming the
// cap, about as fast as its bytes are read (timed against reading the same bytes in the same test, with
// generous slack), and the mapping work per column grows linearly with the columns (Maps, not scans).
import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_IMPORT_COLUMNS } from '../../shared/ipc/channels/imports'
import { applySavedMapping, checkMapping } from '../../electron/backend/core/imports/mapping'
import {
  proposeEventMapping,
  proposeProfileMapping,
  repeatedHeaders,
} from '../../electron/backend/core/imports/mapping-proposal'
import { countHeaderColumns } from '../../electron/backend/core/imports/header-width'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness

beforeAll(() => {
  h = openImportHarness()
})

afterAll(async () => {
  await h.close()
})

const CAP_MESSAGE =
  /has (more than 2,000|2,001) columns; Profile Desk imports at most 2,000 columns from one file/

/** Milliseconds of CPU this process used: unlike the wall clock, other work on a shared machine barely moves it. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** The least CPU time of a few runs. */
async function fastest(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  let best = Infinity
  for (let i = 0; i < runs; i++) {
    const started = cpuMs()
    await work()
    best = Math.min(best, cpuMs() - started)
  }
  return best
}

/** A short distinct name per column: base 36, so 60,000 of them fit in the 256 KiB the reader looks at. */
const shortName = (i: number): string => `k${i.toString(36)}`

describe('a header wider than an import takes', () => {
  for (const shape of [
    {
      label: '100,000 columns, a header longer than the part of the file read first',
      columns: 100_000,
      name: (i: number) => `customer_attribute_${i}`,
    },
    {
      label: '60,000 distinct short names, all within the part read first',
      columns: 60_000,
      name: shortName,
    },
  ]) {
    it(`is refused with a message naming the cap, about as fast as its bytes are read: ${shape.label}`, async () => {
      const header = Array.from({ length: shape.columns }, (_, i) => shape.name(i))
      const fileName = `wide-${shape.columns}.csv`
      const path = h.file(fileName, `${header.join(',')}\n${header.map(() => '1').join(',')}\n`)
      const refusal = await h.fail('imports.preview', { file: h.grant(path) })
      expect(refusal.code).toBe('validation')
      expect(refusal.message).toMatch(CAP_MESSAGE)
      expect(refusal.message).toContain(fileName)
      expect((await h.fail('imports.start', { file: h.grant(path) })).message).toMatch(CAP_MESSAGE)

      // Reading the same bytes and splitting the header row into cells, once: linear in the bytes.
      const read = await fastest(5, () => {
        const text = readFileSync(path, 'utf8')
        return Papa.parse(text, { preview: 1, delimiter: ',' }).data
      })
      const refuse = await fastest(5, () => h.fail('imports.preview', { file: h.grant(path) }))
      // Generous slack for the dispatch around the refusal and a busy machine; handling the header column
      // by column (the old loops) took thousands of times longer than reading it.
      expect(refuse).toBeLessThan(read * 10)
    })
  }

  it('takes exactly 2,000 columns and refuses 2,001, whatever the delimiter; quoted delimiters are no columns', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'identity' : `p${i}`))
    const at = names(MAX_IMPORT_COLUMNS)
    const ok = h.file('cap.csv', `${at.join(',')}\n${at.map((_, i) => `v${i}`).join(',')}\n`)
    expect((await h.call('imports.preview', { file: h.grant(ok) })).headers).toHaveLength(MAX_IMPORT_COLUMNS)

    const over = names(MAX_IMPORT_COLUMNS + 1)
    const semicolons = h.file('over.csv', `${over.join(';')}\n${over.map(() => 'x').join(';')}\n`)
    expect((await h.fail('imports.preview', { file: h.grant(semicolons) })).message).toMatch(CAP_MESSAGE)

    // One quoted header holding 5,000 commas is one column.
    const quoted = ['identity', `"${'x,'.repeat(5000)}"`, 'Name']
    const path = h.file('quoted.csv', `${quoted.join(',')}\nq1,a,Ann\n`)
    expect((await h.call('imports.preview', { file: h.grant(path) })).headers).toHaveLength(3)
  })
})

describe('countHeaderColumns', () => {
  it('counts the first record as papaparse splits it, and stops once past the limit', () => {
    const cases: [string, string, number][] = [
      ['a,b,c\n1,2,3\n', ',', 3],
      ['"a,b",c\n', ',', 2],
      ['"say ""x, y""",b\r\n', ',', 2],
      ['"two\nlines",b,c\nx', ',', 3],
      ['"closed"  ,b\n', ',', 2],
      ['a"b,c\n', ',', 2],
      ['\n   \n\na;b;c;d\n', ';', 4],
      ['a\tb\tc', '\t', 3],
      ['"never closed,a,b,c', ',', 1],
    ]
    for (const [text, delimiter, columns] of cases) {
      expect({ text, counted: countHeaderColumns(text, delimiter, 100) }).toEqual({ text, counted: columns })
      const parsed = Papa.parse<string[]>(text.replace(/^(\s*\n)+/, ''), { delimiter, preview: 1 })
      expect({ text, parsed: parsed.data[0]?.length }).toEqual({ text, parsed: columns })
    }
    expect(countHeaderColumns(`${'x,'.repeat(10_000)}x\n`, ',', 10)).toBe(11)
  })
})

describe('mapping work per column', () => {
  function mapAll(columns: number): void {
    const headers = Array.from({ length: columns }, (_, i) =>
      i === 0 ? 'identity' : i % 10 === 0 ? `${shortName(i - 1)}.operation` : shortName(i),
    )
    headers.push(...headers.slice(1, 50))
    const rows = [headers.map((_, i) => String(i))]
    const types = new Map()
    const profiles = proposeProfileMapping(headers, rows, types)
    checkMapping(profiles.mapping, headers, types, 'profiles')
    applySavedMapping(profiles.mapping, headers)
    checkMapping(proposeEventMapping(headers, rows).mapping, headers, types, 'events')
    repeatedHeaders(headers)
  }

  it('grows about linearly with the columns: sixteen times the columns take tens of times as long, not hundreds', async () => {
    mapAll(2_500)
    let small = Infinity
    let large = Infinity
    for (let i = 0; i < 3; i++) {
      small = Math.min(small, await fastest(1, () => mapAll(2_500)))
      large = Math.min(large, await fastest(1, () => mapAll(40_000)))
    }
    // Linear work gives 16 (about 35 here with the garbage collector's share, which grows with the heap);
    // a scan per column (the old loops) gave more than 300.
    expect(large / small).toBeLessThan(100)
  })
})
