// Unchanged rows cost a lookup, not a diff (issue 11, row-hashes.ts): the same file again validates no
// row (each row's content hash equals the one its profile keeps) and writes nothing; a changed row, a
// profile edited since, or a row another row of the file (by objectId) changes first goes the full way,
// so the result is always the clean one.
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest'
import { ProfileRowValidator } from '../../electron/backend/core/imports/profile-plan'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
beforeAll(() => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
})
beforeEach(() => {
  h = openImportHarness()
})
afterEach(async () => {
  vi.restoreAllMocks()
  await h.close()
})

const HEADER = 'identity,Name,Email,plan\n'
const people = (count: number, plan: (i: number) => string = () => 'free') =>
  HEADER +
  Array.from({ length: count }, (_, i) => `u${i},User ${i},u${i}@example.com,${plan(i)}`).join('\n') +
  '\n'

async function importFile(name: string, content: string) {
  const { summary } = await h.run('imports.start', { file: h.grant(h.file(name, content)) })
  expect(summary.status).toBe('succeeded')
  return summary.counts
}

const writes = () => ({ audit: h.count('audit'), outbox: h.count('outbox') })

it('the same file again validates no row and writes nothing', async () => {
  expect(await importFile('a.csv', people(500))).toMatchObject({ rows: 500, new: 500 })
  expect(h.count('import_row_hashes')).toBe(500)
  const before = writes()
  const validate = vi.spyOn(ProfileRowValidator.prototype, 'validate')
  expect(await importFile('a.csv', people(500))).toMatchObject({ rows: 500, unchanged: 500, updated: 0 })
  expect(validate).not.toHaveBeenCalled()
  expect(writes()).toEqual(before)
})

it('validates and writes only the changed rows of a file with every tenth row changed', async () => {
  await importFile('a.csv', people(500))
  const validate = vi.spyOn(ProfileRowValidator.prototype, 'validate')
  const counts = await importFile(
    'b.csv',
    people(500, (i) => (i % 10 === 0 ? 'gold' : 'free')),
  )
  expect(counts).toMatchObject({ rows: 500, updated: 50, unchanged: 450 })
  expect(validate).toHaveBeenCalledTimes(50)
  // The changed rows keep their new hashes: the changed file again is all lookups.
  validate.mockClear()
  expect(
    await importFile(
      'b.csv',
      people(500, (i) => (i % 10 === 0 ? 'gold' : 'free')),
    ),
  ).toMatchObject({
    unchanged: 500,
  })
  expect(validate).not.toHaveBeenCalled()
})

it('a profile edited since the import takes the file row again', async () => {
  await importFile('a.csv', people(20))
  const [row] = h.rows<{ object_id: string }>("SELECT object_id FROM profiles WHERE identity = 'u7'")
  await h.call('profiles.update', {
    id: row?.object_id as string,
    changes: [{ op: 'set', key: 'Name', value: 'Edited In The App' }],
  })
  expect(h.count('import_row_hashes')).toBe(19)
  expect(await importFile('a.csv', people(20))).toMatchObject({ updated: 1, unchanged: 19 })
  expect(h.rows("SELECT name FROM profiles WHERE identity = 'u7'")).toEqual([{ name: 'User 7' }])
})

it('a row whose profile another row of the file changes by objectId goes the full way', async () => {
  await importFile('a.csv', people(3))
  const [row] = h.rows<{ object_id: string }>("SELECT object_id FROM profiles WHERE identity = 'u1'")
  const objectId = row?.object_id as string
  // The objectId row renames u1's profile, then u1's own row (unchanged since the last import) names it back.
  const file = `objectId,identity,Name\n${objectId},,Renamed By Id\n,u1,User 1\n`
  await importFile('c.csv', file)
  expect(h.rows("SELECT name FROM profiles WHERE identity = 'u1'")).toEqual([{ name: 'User 1' }])
  const counts = await importFile('c.csv', file)
  expect(counts).toMatchObject({ rows: 2, updated: 2 })
  expect(h.rows("SELECT name FROM profiles WHERE identity = 'u1'")).toEqual([{ name: 'User 1' }])
})

it('rows of a repeated identity are validated every time', async () => {
  const file = `${HEADER}r1,First,r1@example.com,free\nr1,Second,,\nw1,Once,w1@example.com,free\n`
  expect(await importFile('d.csv', file)).toMatchObject({ rows: 3, new: 2 })
  const validate = vi.spyOn(ProfileRowValidator.prototype, 'validate')
  expect(await importFile('d.csv', file)).toMatchObject({ rows: 3, unchanged: 2 })
  // The two rows of r1 are merged, so they are validated; w1 occurs once and is a lookup.
  expect(validate).toHaveBeenCalledTimes(2)
})

it('a re-import parses its file once: pass 2 reads back only the rows pass 1 could not settle', async () => {
  const broken = (content: string) => `${content}u900,Too Few Cells\n`
  expect(await importFile('a.csv', broken(people(500)))).toMatchObject({ new: 500, rejected: 1 })
  const keyOf = vi.spyOn(ProfileRowValidator.prototype, 'keyOf')
  const validate = vi.spyOn(ProfileRowValidator.prototype, 'validate')
  const again = await h.run('imports.start', { file: h.grant(h.file('a.csv', broken(people(500)))) })
  expect(again.summary.counts).toMatchObject({ rows: 501, unchanged: 500, rejected: 1 })
  // The rejected row is spooled and reported again, with its own line.
  expect(again.summary.rejections.map((r) => r.line)).toEqual([502])
  expect(validate).toHaveBeenCalledTimes(1)
  // Pass 1 reads each row's key once; pass 2 parses nothing again (the old way read every key twice).
  expect(keyOf).toHaveBeenCalledTimes(501 + 1)
  keyOf.mockClear()
  validate.mockClear()
  const changed = people(500, (i) => (i % 10 === 0 ? 'gold' : 'free'))
  expect(await importFile('b.csv', changed)).toMatchObject({ rows: 500, updated: 50, unchanged: 450 })
  expect(keyOf).toHaveBeenCalledTimes(500 + 50)
  expect(validate).toHaveBeenCalledTimes(50)
  expect(h.count("profiles WHERE json_extract(custom, '$.plan') = 'gold'")).toBe(50)
})

it('a re-import whose identities repeat reads the file again in pass 2', async () => {
  const file = `${HEADER}r1,First,r1@example.com,free\nr1,Second,,\nw1,Once,w1@example.com,free\n`
  await importFile('d.csv', file)
  const keyOf = vi.spyOn(ProfileRowValidator.prototype, 'keyOf')
  expect(await importFile('d.csv', file)).toMatchObject({ rows: 3, unchanged: 2 })
  expect(keyOf.mock.calls.length).toBeGreaterThanOrEqual(6)
})
