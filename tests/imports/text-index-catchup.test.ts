// The trigram catch-up after a large import (index-upkeep.ts): its transactions are sized to a time
// budget, not a fixed count of ids (4,000 ids held the write lock for 300 ms and more on a busy machine),
// with a pause after each commit so a waiting edit gets in; the index ends complete either way.
import { afterEach, beforeEach, expect, it } from 'vitest'
import { catchUpTextIndex, TEXT_CHUNK_ROWS } from '../../electron/backend/core/imports/index-upkeep'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

const ROWS = 12_000
let h: ImportHarness
beforeEach(async () => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
  h = openImportHarness()
  const lines = Array.from({ length: ROWS }, (_, i) => `c${i},Catch Up ${i},c${i}@example.com`)
  const file = h.file('people.csv', `identity,Name,Email\n${lines.join('\n')}\n`)
  expect((await h.run('imports.start', { file: h.grant(file) })).summary.counts.new).toBe(ROWS)
  // As if a large import had left every profile pending: the trigram index emptied, one closed range.
  const db = h.backend.context.db
  db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('delete-all')")
  db.exec('INSERT INTO fts_pending (first_id, last_id) SELECT min(id), max(id) FROM profiles')
})
afterEach(async () => {
  await h.close()
})

const substringHits = () =>
  h.rows<{ n: number }>('SELECT count(*) AS n FROM profiles_fts WHERE profiles_fts MATCH \'"atch up"\'')[0]?.n

it('sizes each chunk to the time budget and pauses after every commit', () => {
  expect(substringHits()).toBe(0)
  const steps: number[] = []
  let pauses = 0
  // A budget far below what 4,000 ids take: the chunks shrink after the first.
  catchUpTextIndex(
    h.backend.context.db,
    (done) => steps.push(done),
    () => pauses++,
    1,
  )
  const sizes = steps.map((done, i) => done - (steps[i - 1] ?? 0))
  expect(sizes.length).toBeGreaterThan(ROWS / TEXT_CHUNK_ROWS + 2)
  expect(Math.max(...sizes.slice(1))).toBeLessThan(TEXT_CHUNK_ROWS)
  expect(pauses).toBe(sizes.length)
  expect(steps.at(-1)).toBe(ROWS)
  expect(substringHits()).toBe(ROWS)
  expect(h.rows('SELECT count(*) AS n FROM fts_pending')).toEqual([{ n: 0 }])
  h.backend.context.db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('integrity-check')")
})
