// profiles.search while a large import's new profiles wait for the trigram index (issue 11): exact and
// starts-with matches find them at once and count in the total, and the reply says it is still indexing
// (so a substring match that is missing is never missing silently); once indexed, the flag is gone.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { formatSearch } from '../../electron/backend/adapters/cli/format/profiles'
import { catchUpTextIndex } from '../../electron/backend/core/imports/index-upkeep'
import {
  closeTextIndexRanges,
  openTextIndexRange,
} from '../../electron/backend/core/imports/text-index-catchup'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness

const create = (name: string, email: string) =>
  h.call('profiles.create', {
    changes: [
      { op: 'set' as const, key: 'Name', value: name },
      { op: 'set' as const, key: 'Email', value: email },
    ],
    identifiers: [],
  })
const search = (query: string) => h.call('profiles.search', { query })
const names = (r: { items: { name: string | null }[] }) => r.items.map((i) => i.name)

beforeAll(async () => {
  h = openHarness()
  await create('Pendleton Early', 'early@example.com')
})
afterAll(async () => {
  await h.close()
})

it('finds pending profiles by prefix at once, says it is still indexing, and finds substrings once indexed', async () => {
  const db = h.backend.context.db
  // As a large import does before its first batch: profiles created from now on skip the trigram triggers.
  openTextIndexRange(db)
  await create('Pendleton Late', 'late@example.com')
  await create('Maria Pendleton', 'maria@example.com')

  // A prefix of the name: both Pendletons by their name key, the pending one included, in page and total.
  const prefix = await search('pendleton')
  expect(names(prefix)).toEqual(['Pendleton Early', 'Pendleton Late'])
  expect(prefix).toMatchObject({ total: 2, totalIsCapped: false, stillIndexing: true })
  // A substring only the trigram index can find: the pending profile is not there yet, and the reply says so.
  const inside = await search('dleton')
  expect(names(inside)).toEqual(['Pendleton Early'])
  expect(inside.stillIndexing).toBe(true)
  // The CLI's `search` says it too.
  expect(formatSearch('dleton', inside)).toContain('Still indexing')
  // An exact identifier match finds a pending profile too.
  expect(names(await search('late@example.com'))).toEqual(['Pendleton Late'])
  // A query too short for the trigram index never depends on it: no flag.
  expect((await search('pe')).stillIndexing).toBeUndefined()

  closeTextIndexRanges(db)
  catchUpTextIndex(db, () => undefined)
  const indexed = await search('dleton')
  expect(names(indexed).sort()).toEqual(['Maria Pendleton', 'Pendleton Early', 'Pendleton Late'])
  expect(indexed).toMatchObject({ total: 3, totalIsCapped: false })
  expect(indexed.stillIndexing).toBeUndefined()
  expect(formatSearch('dleton', indexed)).not.toContain('Still indexing')

  // A re-import keeps a range open that no new profile falls in: nothing is pending, so no notice.
  openTextIndexRange(db)
  expect((await search('dleton')).stillIndexing).toBeUndefined()
  closeTextIndexRanges(db)
})
