// Member pages come out in Find People's order whichever way the engine builds them: walking the sort's
// index (large segments) or sorting a small segment's members directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SortField } from '../../shared/profile/search'
import type { SegmentDefinition } from '../../shared/segments/definition'
import { SegmentEngine } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
let walk: SegmentEngine
let direct: SegmentEngine

beforeAll(async () => {
  h = openHarness()
  const names = ['Émile', 'bob', null, 'Ana', 'ana', null, 'Zoë', 'Chloé', 'bob']
  for (const [i, name] of names.entries()) {
    h.advance(i % 3 === 0 ? 3_600_000 : 0)
    await h.call('profiles.create', {
      changes: [
        ...(name ? [{ op: 'set' as const, key: 'Name', value: name }] : []),
        { op: 'set', key: 'n', value: i, type: 'number' },
      ],
    })
  }
  walk = new SegmentEngine(openReadConnection(h.backend.context.db.name), 0)
  direct = new SegmentEngine(openReadConnection(h.backend.context.db.name), 1_000_000)
})
afterAll(async () => {
  walk.close()
  direct.close()
  await h.close()
})

describe('member pages', () => {
  const odd: SegmentDefinition = {
    version: 1,
    join: 'or',
    conditions: [
      { type: 'property', property: { kind: 'custom', key: 'n' }, op: 'in', value: [0, 2, 3, 5, 6, 8] },
    ],
  }
  it('are the same by index walk and by direct sort, in every order and page', () => {
    for (const sort of ['name', 'created', 'updated', 'lastSeen'] as SortField[])
      for (const direction of ['asc', 'desc'] as const)
        for (const [offset, limit] of [
          [0, 50],
          [1, 2],
          [4, 3],
        ] as const) {
          const page = { sort, direction, offset, limit }
          const a = walk.memberPage([odd], h.now(), page)
          expect(direct.memberPage([odd], h.now(), page), JSON.stringify(page)).toEqual(a)
        }
    const all = walk.memberPage([odd], h.now(), { sort: 'name', direction: 'asc', offset: 0, limit: 50 })
    expect(all.total).toBe(6)
    expect(all.ids.length).toBe(6)
  })
})

describe('member pages by name from the name order', () => {
  it('match the index walk in both directions and at every offset, and follow a rename', async () => {
    const ordered = new SegmentEngine(openReadConnection(h.backend.context.db.name), 0)
    try {
      const everyone: SegmentDefinition = { version: 1, join: 'and', conditions: [] }
      while (ordered.warmStep());
      for (const direction of ['asc', 'desc'] as const)
        for (const [offset, limit] of [
          [0, 50],
          [2, 3],
          [7, 5],
        ] as const) {
          const page = { sort: 'name' as const, direction, offset, limit }
          expect(ordered.memberPage([everyone], h.now(), page), JSON.stringify(page)).toEqual(
            walk.memberPage([everyone], h.now(), page),
          )
        }
      // A rename moves the profile: the order is stale until rebuilt, and pages stay right meanwhile.
      const first = walk.memberPage([everyone], h.now(), {
        sort: 'name',
        direction: 'asc',
        offset: 0,
        limit: 1,
      })
      const row = h.backend.context.db
        .prepare('SELECT object_id FROM profiles WHERE id = ?')
        .get(first.ids[0]) as {
        object_id: string
      }
      await h.call('profiles.update', {
        id: row.object_id,
        changes: [{ op: 'set', key: 'Name', value: 'Zzz' }],
      })
      ordered.snapshot.changed([row.object_id], false)
      walk.snapshot.changed([row.object_id], false)
      const page = { sort: 'name' as const, direction: 'asc' as const, offset: 0, limit: 50 }
      const expected = walk.memberPage([everyone], h.now(), page)
      expect(expected.ids.indexOf(first.ids[0] as number)).toBeGreaterThan(0)
      expect(ordered.memberPage([everyone], h.now(), page)).toEqual(expected)
      while (ordered.warmStep());
      expect(ordered.memberPage([everyone], h.now(), page)).toEqual(expected)
    } finally {
      ordered.close()
    }
  })
})
