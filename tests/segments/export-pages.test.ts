// The member export writes the bytes csvLine would write for every member row, whichever way a page goes:
// as one block SQLite joined (every cell plain), or row by row (a cell to quote or guard, a value that is
// not text, a member deleted since it was counted), over dense and sparse pages.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PropertyRef } from '../../shared/segments/definition'
import { csvLine } from '../../electron/backend/core/platform/csv-writer'
import { planColumns } from '../../electron/backend/core/segments/column-values'
import { writeMembersCsv, sameIds } from '../../electron/backend/core/segments/export'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
let ids: number[] = []

const COLUMNS: PropertyRef[] = [
  ...['Identity', 'Name', 'Email', 'Phone'].map((key) => ({ kind: 'system' as const, key })),
  { kind: 'custom', key: 'plan' },
]
/** Pieces of names and plans: plain text, accents, and what must be quoted or guarded. */
const PIECES = ['Ann', 'Zoë', 'Łukasz', ' ', ',', '"', '\n', '=1+2', '+49', '-', '@x', '\t', '12', "O'Neil"]

beforeAll(async () => {
  h = openHarness()
  let seed = 7
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const text = (n: number) =>
    Array.from({ length: n }, () => PIECES[Math.floor(next() * PIECES.length)]).join('')
  for (let i = 0; i < 240; i++) {
    // Most rows plain (a page joined by SQLite), every 25th with a piece that needs csvLine's care.
    const odd = i % 25 === 24
    const changes = [
      { op: 'set', key: 'Name', value: odd ? `x${text(3)}y` : `Person ${i} Zoë` },
      ...(i % 7 === 0
        ? []
        : [{ op: 'set', key: 'plan', value: odd ? `${text(2)}p` : `plan ${i % 4}`, type: 'string' }]),
      ...(i % 3 === 0
        ? [{ op: 'set', key: 'Phone', value: `+4915112345${String(i).padStart(3, '0')}` }]
        : []),
    ]
    const identifiers = i % 2 === 0 ? [{ kind: 'identity' as const, value: `U${i}` }] : []
    await h.call('profiles.create', { changes: changes as never, identifiers })
  }
  const db = h.backend.context.db
  // A value that is not text where text is expected: written as JS writes the number.
  db.prepare("UPDATE profiles SET custom = json_set(custom, '$.plan', 0.30000000000000004) WHERE id = ?").run(
    ids[30],
  )
  ids = (db.prepare('SELECT id FROM profiles ORDER BY id').pluck().all() as number[]).slice()
})
afterAll(async () => {
  await h.close()
})

/** The file the export must write: BOM, header, then csvLine of each member row still stored. */
function expected(members: number[]): string {
  const db = h.backend.context.db
  const row = db
    .prepare("SELECT identity, name, email, phone, json_extract(custom, '$.plan') FROM profiles WHERE id = ?")
    .raw()
  let out = `\uFEFF${csvLine(['Identity', 'Name', 'Email', 'Phone', 'plan'])}`
  for (const id of members) {
    const cells = row.get(id) as unknown[] | undefined
    if (cells) out += csvLine(cells.map((c) => (c === null ? '' : String(c))))
  }
  return out
}

async function exported(members: number[], page: number, name: string) {
  const plan = planColumns(COLUMNS, new Map([['plan', 'string']]))
  const path = join(h.backend.context.dataDir, `${name}.csv`)
  const result = await writeMembersCsv(h.backend.context.db, {
    ids: Int32Array.from(members),
    columns: COLUMNS,
    plan,
    path,
    nowMs: h.now(),
    signal: new AbortController().signal,
    progress: () => {},
    page,
  })
  return { result, text: readFileSync(path, 'utf8') }
}

describe('member export pages', () => {
  it('writes what csvLine writes for every member, dense and sparse, plain pages and pages to quote', async () => {
    // Pages of 20: some all plain, some holding a row to quote; every member, then every third.
    for (const [members, name] of [
      [ids, 'all'],
      [ids.filter((_, i) => i % 3 === 0), 'sparse'],
      [ids.slice(0, 20), 'first-page'],
    ] as const) {
      const { result, text } = await exported([...members], 20, name)
      expect(text, name).toBe(expected([...members]))
      expect(result.rows, name).toBe(members.length)
    }
  })

  it('leaves out a member deleted after it was counted, and counts only the rows written', async () => {
    const members = ids.slice(40, 100)
    const objectId = h.backend.context.db
      .prepare('SELECT object_id FROM profiles WHERE id = ?')
      .pluck()
      .get(members[5]) as string
    await h.call('profiles.delete', { id: objectId })
    const { result, text } = await exported(members, 20, 'deleted')
    expect(text).toBe(expected(members))
    expect(result.rows).toBe(members.length - 1)
  })

  it('matches a page only when the ids SQLite joined are exactly the members, in order', () => {
    const page = Int32Array.of(3, 4, 9)
    expect(sameIds('3,4,9', page)).toBe(true)
    for (const other of ['3,4', '3,4,9,10', '3,9,4', '3,4,9,', '34,9', '', '3,4,x9'])
      expect(sameIds(other, page), other).toBe(false)
  })
})
