// While the snapshot loads, the common one-condition shapes are counted from indexes and kept counts
// (table-counts.ts), right and without a scan of profiles; any other question goes by the full SQL
// fallback, and a fallback statement stops part-way once a newer count is asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PropertyCondition, SegmentDefinition } from '../../shared/segments/definition'
import { SegmentEngine, Superseded } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import { evaluateBySql } from '../../electron/backend/core/segments/sql-fallback'
import { MaskPool } from '../../electron/backend/core/segments/masks'
import { Tallies } from '../../electron/backend/core/segments/tallies'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
/** Never given time to load: every count is answered by SQL. */
let cold: SegmentEngine
/** Loaded whole when asked (the command line's mode): the reference. */
let loaded: SegmentEngine
const statements: string[] = []

const one = (condition: Omit<PropertyCondition, 'type'>): SegmentDefinition => ({
  version: 1,
  join: 'and',
  conditions: [{ type: 'property', ...condition }],
})

const PEOPLE: { name?: string; email?: string; dob?: string; age?: number; zone?: string; test?: boolean }[] =
  [
    { name: 'Ana Lima', email: 'ana@example.com', dob: '2000-06-15', zone: 'Pacific/Kiritimati' },
    { name: 'Andrés Ñúñez', email: 'andres@mail.org', dob: '1990-01-01' },
    { name: 'anne', email: 'ANNE@example.com', age: 44 },
    { name: 'Änna', dob: '2004-02-29', zone: 'Europe/Berlin', test: true },
    { name: 'Bob', email: 'bob@b.io', age: 17 },
    { email: 'nameless@example.com' },
    {},
  ]

beforeAll(async () => {
  h = openHarness()
  for (const [i, p] of PEOPLE.entries()) {
    const changes: { op: 'set'; key: string; value: unknown }[] = []
    if (p.name) changes.push({ op: 'set', key: 'Name', value: p.name })
    if (p.email) changes.push({ op: 'set', key: 'Email', value: p.email })
    if (p.dob) changes.push({ op: 'set', key: 'DOB', value: p.dob })
    if (p.age !== undefined) changes.push({ op: 'set', key: 'Age', value: p.age })
    if (p.zone) changes.push({ op: 'set', key: 'Timezone', value: p.zone })
    // Every other one identified (an identifier makes the profile identified).
    const identifiers = i % 2 === 0 ? [{ kind: 'email' as const, value: `user${i}@example.net` }] : []
    const made = await h.call('profiles.create', { changes: changes as never, identifiers })
    if (p.test) await h.call('profiles.setTest', { id: made.id, test: true })
  }
  const db = openReadConnection(h.backend.context.db.name)
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    statements.push(sql)
    return prepare(sql)
  }) as typeof db.prepare
  cold = new SegmentEngine(db, 4000, true)
  loaded = new SegmentEngine(openReadConnection(h.backend.context.db.name))
})
afterAll(async () => {
  cold.close()
  loaded.close()
  await h.close()
})

const SHAPES: SegmentDefinition[] = [
  one({ property: { kind: 'system', key: 'Name' }, op: 'startsWith', value: 'an' }),
  one({ property: { kind: 'system', key: 'Name' }, op: 'startsWith', value: 'Á' }),
  one({ property: { kind: 'system', key: 'Email' }, op: 'contains', value: 'EXAMPLE' }),
  one({ property: { kind: 'system', key: 'Email' }, op: 'contains', value: 'an' }),
  one({ property: { kind: 'system', key: 'Email' }, op: 'contains', value: 'a' }),
  one({ property: { kind: 'system', key: 'Email' }, op: 'notContains', value: 'example' }),
  one({ property: { kind: 'system', key: 'Name' }, op: 'notContains', value: 'n' }),
  one({ property: { kind: 'age' }, op: 'gte', value: 26 }),
  one({ property: { kind: 'age' }, op: 'between', value: [18, 80] }),
  one({ property: { kind: 'age' }, op: 'lt', value: 23 }),
  one({ property: { kind: 'age' }, op: 'exists' }),
  one({ property: { kind: 'type' }, op: 'eq', value: 'Identified' }),
  one({ property: { kind: 'type' }, op: 'neq', value: 'Identified' }),
  one({ property: { kind: 'test' }, op: 'eq', value: true }),
]

describe('counts from indexes and kept counts while the snapshot loads', () => {
  it('agree with the loaded engine on every common shape, with no statement walking the profiles', () => {
    for (const definition of SHAPES) {
      statements.length = 0
      const label = JSON.stringify(definition.conditions[0])
      const expected = loaded.count(definition, h.now(), true)
      expect(cold.count(definition, h.now(), true), label).toEqual(expected)
      // The full fallback's statements read every profile row (and carry its stop check).
      expect(
        statements.filter((s) => s.includes('seg_live')),
        label,
      ).toEqual([])
    }
    expect(cold.snapshot.columns.size).toBe(0)
  })

  it('leave other shapes, and Age once a custom birthday date comes between, to the full fallback', async () => {
    statements.length = 0
    const gender = one({ property: { kind: 'system', key: 'Gender' }, op: 'eq', value: 'M' })
    expect(cold.count(gender, h.now(), false)).toEqual(loaded.count(gender, h.now(), false))
    expect(statements.some((s) => s.includes('seg_live'))).toBe(true)

    const anne = (await h.call('profiles.search', { query: 'anne', filters: {}, offset: 0, limit: 5 }))
      .items[0]
    await h.call('profiles.update', {
      id: anne!.id,
      changes: [{ op: 'set', key: 'birthday', value: Date.parse('1950-05-05') / 1000, type: 'date' }],
    })
    statements.length = 0
    const old = one({ property: { kind: 'age' }, op: 'gte', value: 70 })
    const reference = new SegmentEngine(openReadConnection(h.backend.context.db.name))
    try {
      expect(cold.count(old, h.now(), false)).toEqual(reference.count(old, h.now(), false))
      expect(cold.count(old, h.now(), false).total).toBe(1)
    } finally {
      reference.close()
    }
    expect(statements.some((s) => s.includes('seg_live'))).toBe(true)
  })
})

describe('the full SQL fallback', () => {
  it('stops part-way with Superseded once its question is stale, and answers when it is not', () => {
    const db = openReadConnection(h.backend.context.db.name)
    try {
      const ctx = {
        db,
        snapshot: cold.snapshot,
        customTypes: new Map(),
        nowMs: h.now(),
        zone: 'UTC',
        pool: new MaskPool(),
        tallies: new Tallies(cold.snapshot),
      }
      const gender = [one({ property: { kind: 'system', key: 'Gender' }, op: 'exists' })]
      let asked = 0
      // Stale from its first check on: the statement throws instead of finishing.
      expect(() =>
        evaluateBySql(db, gender, ctx, false, () => {
          asked++
          return true
        }),
      ).toThrow(Superseded)
      expect(asked).toBeGreaterThan(0)
      expect(evaluateBySql(db, gender, ctx, true, () => false).items).toEqual([{ count: 0 }])
    } finally {
      db.close()
    }
  })
})
