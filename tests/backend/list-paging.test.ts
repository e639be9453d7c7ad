// Deep pages of profiles.list (checkpoint seeks past 20,000 rows, nearer-end scans) against a naive
// ORDER BY … LIMIT … OFFSET oracle on 45,000 sample profiles, before and after writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileFilters, SortField } from '../../shared/ipc/contract'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeAll(async () => {
  h = openHarness()
  const { jobId } = await h.call('sample.load', { profiles: 45_000 })
  await h.backend.context.jobs.wait(jobId)
}, 120_000)
afterAll(async () => {
  await h.close()
})

const ORACLE_ORDER: Record<SortField, Record<'asc' | 'desc', string>> = {
  name: { asc: 'name_key IS NULL, name_key, id', desc: 'name_key IS NULL, name_key DESC, id DESC' },
  created: { asc: 'created_at, id', desc: 'created_at DESC, id DESC' },
  updated: { asc: 'updated_at, id', desc: 'updated_at DESC, id DESC' },
  lastSeen: { asc: 'last_seen, id', desc: 'last_seen DESC, id DESC' },
}

function oracle(
  sort: SortField,
  direction: 'asc' | 'desc',
  filters: ProfileFilters,
  offset: number,
  limit: number,
) {
  const where = [
    filters.type ? `identified = ${filters.type === 'Identified' ? 1 : 0}` : '1',
    filters.test === undefined ? '1' : `is_test = ${filters.test ? 1 : 0}`,
  ].join(' AND ')
  return h
    .rows<{ object_id: string }>(
      `SELECT object_id FROM profiles WHERE ${where} ORDER BY ${ORACLE_ORDER[sort][direction]} LIMIT ? OFFSET ?`,
      limit,
      offset,
    )
    .map((r) => r.object_id)
}

async function expectPagesMatch(): Promise<void> {
  const cases: [SortField, 'asc' | 'desc', ProfileFilters][] = [
    ['name', 'asc', {}],
    ['name', 'desc', {}],
    ['name', 'asc', { type: 'Identified' }],
    ['created', 'asc', {}],
    ['updated', 'desc', { test: false }],
    ['lastSeen', 'desc', {}],
    ['lastSeen', 'asc', { type: 'Anonymous' }],
  ]
  for (const [sort, direction, filters] of cases) {
    const { total } = await h.call('profiles.list', { sort, direction, filters, limit: 1 })
    const offsets = [0, 19_990, 20_000, 21_234, 39_999, Math.floor(total / 2), total - 60, total - 7]
    for (const offset of offsets.filter((o) => o >= 0 && o < total)) {
      const page = await h.call('profiles.list', { sort, direction, filters, offset, limit: 50 })
      expect(
        page.items.map((i) => i.id),
        `${sort} ${direction} ${JSON.stringify(filters)} @${offset}`,
      ).toEqual(oracle(sort, direction, filters, offset, 50))
    }
  }
}

describe('profiles.list deep pages', () => {
  it('match the naive ORDER BY … OFFSET at every depth, sort and filter', async () => {
    await expectPagesMatch()
  })

  it('stay right after writes move rows (checkpoints are rebuilt)', async () => {
    await h.call('profiles.list', { sort: 'name', offset: 30_000, limit: 10 })
    const early = (await h.call('profiles.list', { sort: 'name', offset: 5, limit: 3 })).items
    for (const item of early) {
      await h.call('profiles.update', {
        id: item.id,
        changes: [{ op: 'set', key: 'Name', value: `Zzz Moved ${item.id}` }],
      })
    }
    await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Aaa New Person' }] })
    await h.call('profiles.delete', {
      id: (await h.call('profiles.list', { sort: 'name', offset: 25_000, limit: 1 })).items[0]?.id as string,
    })
    await expectPagesMatch()
  })
})
