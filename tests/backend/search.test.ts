// Find People (profiles.search) and the list (profiles.list): ranking, accents, phones, paging, filters,
// capped totals, sort orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
const ids: Record<string, string> = {}

async function person(
  tag: string,
  name: string | null,
  extra: { email?: string; identity?: string; phone?: string } = {},
) {
  const changes = []
  if (name) changes.push({ op: 'set' as const, key: 'Name', value: name })
  if (extra.email) changes.push({ op: 'set' as const, key: 'Email', value: extra.email })
  if (extra.phone) changes.push({ op: 'set' as const, key: 'Phone', value: extra.phone })
  const p = await h.call('profiles.create', {
    changes,
    identifiers: extra.identity ? [{ kind: 'identity', value: extra.identity }] : [],
  })
  ids[tag] = p.id
  return p
}

beforeAll(async () => {
  h = openHarness()
  await person('garcia', 'José García', {
    email: 'jose.garcia@example.com',
    identity: 'JG-1',
    phone: '+34 600 111 222',
  })
  await person('josefina', 'Josefina Ortiz', { email: 'fina@example.com', phone: '+34600111999' })
  await person('josephs', 'Anna Josephs', { email: 'anna@example.com' })
  await person('rossi', 'Mario Rossi', { email: 'mrossi@jose.it', phone: '+390612345678' })
  await person('exact', 'Zed Exact', { identity: 'jose' })
  await person('anon', null)
  for (let i = 1; i <= 30; i++) await person(`page${i}`, `Paging Person ${String(i).padStart(2, '0')}`)
  await h.call('profiles.setTest', { id: ids.josefina as string, test: true })
})
afterAll(async () => {
  await h.close()
})

const search = async (query: string, extra: Record<string, unknown> = {}) =>
  h.call('profiles.search', { query, ...extra })
const idsOf = (r: { items: { id: string }[] }) => r.items.map((i) => i.id)

describe('profiles.search', () => {
  it('ranks exact identifier matches first, then prefix matches, then substring matches', async () => {
    const result = await search('jose')
    expect(idsOf(result)).toEqual([ids.exact, ids.garcia, ids.josefina, ids.josephs, ids.rossi])
    expect(result).toMatchObject({ total: 5, totalIsCapped: false })
  })

  it('is case-insensitive and folds accents both ways', async () => {
    expect(idsOf(await search('GARCÍA'))).toEqual([ids.garcia])
    expect(idsOf(await search('garcia'))).toEqual([ids.garcia])
    expect(idsOf(await search('José G'))).toEqual([ids.garcia])
  })

  it('finds phones by prefix with or without spaces and by digits inside', async () => {
    expect(idsOf(await search('+34 600 111'))).toEqual([ids.garcia, ids.josefina])
    expect(idsOf(await search('+34600111222'))).toEqual([ids.garcia])
    expect(idsOf(await search('0612345'))).toEqual([ids.rossi])
  })

  it('finds by profile id (exact) and by email prefix', async () => {
    expect(idsOf(await search(ids.rossi as string))[0]).toBe(ids.rossi)
    expect(idsOf(await search('mrossi@'))).toEqual([ids.rossi])
    expect(idsOf(await search('ANNA@EXAMPLE.COM'))).toEqual([ids.josephs])
  })

  it('answers one- and two-character queries by prefix only', async () => {
    expect(idsOf(await search('jo'))).toEqual([ids.exact, ids.garcia, ids.josefina])
    expect((await search('os')).total).toBe(0)
  })

  it('pages through matches in rank order', async () => {
    const all = await search('paging person', { limit: 50 })
    expect(all.total).toBe(30)
    const page = await search('paging person', { offset: 10, limit: 10 })
    expect(page.total).toBe(30)
    expect(idsOf(page)).toEqual(idsOf(all).slice(10, 20))
    expect(page.items[0]?.name).toBe('Paging Person 11')
    expect((await search('paging person', { offset: 30, limit: 10 })).items).toEqual([])
  })

  it('filters by type and by test profile', async () => {
    expect(idsOf(await search('jose', { filters: { test: true } }))).toEqual([ids.josefina])
    expect(idsOf(await search('jose', { filters: { test: false } }))).toEqual([
      ids.exact,
      ids.garcia,
      ids.josephs,
      ids.rossi,
    ])
    expect((await search('paging', { filters: { type: 'Identified' } })).total).toBe(0)
    expect((await search('paging', { filters: { type: 'Anonymous' } })).total).toBe(30)
  })

  it('returns nothing for a miss and the list for an empty query', async () => {
    expect(await search('qqqzzz')).toEqual({ items: [], total: 0, totalIsCapped: false })
    const empty = await search('   ', { limit: 3 })
    expect(empty.total).toBe(36)
    expect(empty.items.map((i) => i.name)).toEqual(['Anna Josephs', 'José García', 'Josefina Ortiz'])
  })
})

describe('profiles.list', () => {
  it('sorts by name with unnamed profiles last, both directions, with exact totals', async () => {
    const asc = await h.call('profiles.list', { sort: 'name', limit: 500 })
    expect(asc.total).toBe(36)
    expect(asc.items[0]?.name).toBe('Anna Josephs')
    expect(asc.items.at(-1)?.id).toBe(ids.anon)
    const desc = await h.call('profiles.list', { sort: 'name', direction: 'desc', limit: 500 })
    expect(desc.items[0]?.name).toBe('Zed Exact')
    expect(desc.items.at(-1)?.id).toBe(ids.anon)
    // A page straddling the named/unnamed boundary.
    const tail = await h.call('profiles.list', { sort: 'name', offset: 34, limit: 5 })
    expect(tail.items.map((i) => i.name)).toEqual(['Zed Exact', null])
  })

  it('sorts by created and updated time and filters', async () => {
    h.advance(60_000)
    await h.call('profiles.update', {
      id: ids.page5 as string,
      changes: [{ op: 'set', key: 'Name', value: 'Paging Person 05b' }],
    })
    const updated = await h.call('profiles.list', { sort: 'updated', direction: 'desc', limit: 1 })
    expect(idsOf(updated)).toEqual([ids.page5])
    const created = await h.call('profiles.list', { sort: 'created', direction: 'asc', limit: 1 })
    expect(created.items[0]?.id).toBeDefined()
    const identified = await h.call('profiles.list', { filters: { type: 'Identified' }, limit: 500 })
    expect(identified.total).toBe(5)
    expect(identified.items.every((i) => i.type === 'Identified')).toBe(true)
    const tests = await h.call('profiles.list', { filters: { test: true, type: 'Identified' } })
    expect(idsOf(tests)).toEqual([ids.josefina])
  })
})

describe('totals and paging on sample data', () => {
  let big: Harness
  beforeAll(async () => {
    big = openHarness()
    const { jobId } = await big.call('sample.load', { profiles: 1600 })
    await big.backend.context.jobs.wait(jobId)
  })
  afterAll(async () => {
    await big.close()
  })

  it('pages through every sort and filter exactly like slices of the whole list', async () => {
    const sorts = [
      ['name', 'asc'],
      ['name', 'desc'],
      ['created', 'asc'],
      ['updated', 'desc'],
      ['lastSeen', 'desc'],
    ] as const
    for (const [sort, direction] of sorts) {
      for (const filters of [
        {},
        { type: 'Anonymous' as const },
        { test: false, type: 'Identified' as const },
      ]) {
        const all = await big.call('profiles.list', { sort, direction, filters, limit: 500 })
        const full: string[] = []
        for (let offset = 0; offset < all.total; offset += 500) {
          full.push(
            ...idsOf(await big.call('profiles.list', { sort, direction, filters, offset, limit: 500 })),
          )
        }
        expect(full).toHaveLength(all.total)
        expect(new Set(full).size).toBe(all.total)
        for (const offset of [0, 7, Math.floor(all.total / 2) - 3, all.total - 20, all.total - 3]) {
          const page = await big.call('profiles.list', { sort, direction, filters, offset, limit: 13 })
          expect(idsOf(page), `${sort} ${direction} ${JSON.stringify(filters)} @${offset}`).toEqual(
            full.slice(offset, offset + 13),
          )
        }
      }
    }
  })

  it('reports the same total as a brute-force count of substring matches', async () => {
    for (const query of ['aria', 'mann', 'son', '+44 77', 'gmail']) {
      // A phone-like query matches phone digits; any other matches the folded keys.
      const sql = query.startsWith('+')
        ? 'SELECT count(*) AS n FROM profiles WHERE instr(phone_key, @q)'
        : `SELECT count(*) AS n FROM profiles WHERE instr(name_key, @q) OR instr(email_key, @q)
           OR instr(identity_key, @q) OR instr(phone_key, @q)`
      const [{ n }] = big.rows<{ n: number }>(sql, {
        q: query.startsWith('+') ? query.replace(/\D/g, '') : query,
      }) as [{ n: number }]
      expect(n).toBeGreaterThan(0)
      const result = await big.call('profiles.search', { query, limit: 500 })
      expect(result.total, query).toBe(Math.min(n, 1000))
      expect(result.totalIsCapped, query).toBe(n > 1000)
      if (n <= 500) expect(result.items).toHaveLength(n)
    }
  })

  it('counts up to 1000 and says the total is capped beyond it', async () => {
    {
      const result = await big.call('profiles.search', { query: 'U1', limit: 20 })
      expect(result).toMatchObject({ total: 1000, totalIsCapped: true })
      expect(result.items).toHaveLength(20)
      expect(result.items.every((i) => i.identity?.startsWith('U1'))).toBe(true)
      const identities = result.items.map((i) => i.identity as string)
      expect(identities).toEqual([...identities].sort())
      const deep = await big.call('profiles.search', { query: 'U1', offset: 1000, limit: 10 })
      expect(deep.items).toHaveLength(10)
      expect(deep.total).toBe(1010)
    }
  })
})
