// A count never waits for the snapshot to (re)load: in the worker's mode the snapshot loads in chunks
// between requests (warmStep, driven by hand here), and until what a question reads is loaded the
// answer comes from SQL, right, with nothing loaded on the request's path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SegmentDefinition } from '../../shared/segments/definition'
import type { ColumnSource } from '../../electron/backend/core/segments/column-sources'
import { SegmentEngine } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import { engineStatus, warmUpSources } from '../../electron/backend/core/segments/warm-up'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
let engine: SegmentEngine

const definition: SegmentDefinition = {
  version: 1,
  join: 'and',
  conditions: [
    { type: 'property', property: { kind: 'custom', key: 'plan' }, op: 'eq', value: 'PRO' },
    { type: 'property', property: { kind: 'system', key: 'Name' }, op: 'startsWith', value: 'an' },
  ],
}
const ids: string[] = []

beforeAll(async () => {
  h = openHarness()
  const people: [string, string][] = [
    ['Ana', 'pro'],
    ['Andrés', 'pro'],
    ['Bob', 'pro'],
    ['anne', 'free'],
    ['Änna', 'Pro'],
  ]
  for (const [name, plan] of people) {
    const made = await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: name },
        { op: 'set', key: 'plan', value: plan, type: 'string' },
      ],
    })
    ids.push(made.id)
  }
  engine = new SegmentEngine(openReadConnection(h.backend.context.db.name), 4000, true)
})
afterAll(async () => {
  engine.close()
  await h.close()
})

const loaded = () => [...engine.snapshot.columns.keys()].sort()
const warmAll = () => {
  for (let i = 0; i < 100 && engine.warmStep(); i++);
  expect(engine.warmStep()).toBe(false)
}

describe('a count while the snapshot loads', () => {
  it('is answered by SQL before anything is loaded, then from the snapshot the background loaded', () => {
    const first = engine.count(definition, h.now(), true)
    expect(first).toEqual({ total: 3, profiles: 5, items: [{ count: 4 }, { count: 4 }] })
    // The count loaded nothing: it did not wait for the columns.
    expect(loaded()).toEqual([])
    // The exists mask and the columns asked for load together, in one read of profiles per chunk.
    warmAll()
    expect(loaded()).toEqual(['custom:plan'])
    const plan = engine.snapshot.columns.get('custom:plan')
    expect(engine.count(definition, h.now(), true)).toEqual(first)
    expect(engine.snapshot.columns.get('custom:plan')).toBe(plan)
  })

  it('after a bulk change, answers the new truth at once and reloads in the background', async () => {
    warmAll()
    await h.call('profiles.update', {
      id: ids[3]!,
      changes: [{ op: 'set', key: 'plan', value: 'pro', type: 'string' }],
    })
    // A bulk change (an import) drops the snapshot.
    engine.snapshot.changed([], true)
    const page = engine.memberPage([definition], h.now(), {
      sort: 'name',
      direction: 'asc',
      offset: 0,
      limit: 10,
    })
    expect(page.total).toBe(4)
    expect(engine.count(definition, h.now(), false).total).toBe(4)
    expect(loaded()).toEqual([])
    // An edit announced half-way through the reload is seen by SQL now and by the snapshot once loaded.
    expect(engine.warmStep()).toBe(true)
    await h.call('profiles.update', {
      id: ids[0]!,
      changes: [{ op: 'set', key: 'plan', value: 'free', type: 'string' }],
    })
    // Ids are CleverTap IDs, which profiles.changed carries.
    engine.snapshot.changed([ids[0]!], false)
    expect(engine.count(definition, h.now(), false).total).toBe(3)
    warmAll()
    expect(loaded()).toEqual(['custom:plan'])
    expect(engine.count(definition, h.now(), true)).toEqual({
      total: 3,
      profiles: 5,
      items: [{ count: 4 }, { count: 4 }],
    })
  })

  it('forgets a column whose load fails, so the others still load', () => {
    warmAll()
    engine.snapshot.changed([], true)
    const broken: ColumnSource = {
      id: 'custom:broken',
      kind: 'num',
      sql: 'SELECT id, no_such_column AS v FROM profiles',
      params: [],
      subsetSql: 'SELECT id, no_such_column AS v FROM profiles WHERE id IN (SELECT value FROM json_each(?))',
      rangeSql: 'SELECT id, no_such_column AS v FROM profiles WHERE id > ? AND id <= ?',
      expr: 'no_such_column',
    }
    expect(engine.count(definition, h.now(), false).total).toBe(3)
    expect(engine.snapshot.ready([broken], [])).toBe(false)
    // The broken column (read on its own: it has no select to join the others') fails once and is dropped.
    expect(() => {
      for (let i = 0; i < 10; i++) engine.warmStep()
    }).toThrow(/no_such_column/)
    warmAll()
    expect(loaded()).toEqual(['custom:plan'])
  })
})

describe('warming up before the first question', () => {
  it('loads the common shapes’ columns with the exists mask in one pass, then reports ready', () => {
    const warm = new SegmentEngine(openReadConnection(h.backend.context.db.name), 4000, true)
    try {
      const sources = warmUpSources(warm.db)
      expect(sources.map((s) => s.id)).toEqual(['age', 'type', 'test', 'custom:plan'])
      warm.snapshot.warmUp(sources)
      expect(engineStatus(warm.snapshot)).toEqual({ state: 'loading', progress: 0, loadedColumns: 0 })
      const reads: string[] = []
      const prepare = warm.db.prepare.bind(warm.db)
      warm.db.prepare = ((sql: string) => {
        reads.push(sql)
        return prepare(sql)
      }) as typeof warm.db.prepare
      for (let i = 0; i < 100 && warm.warmStep(); i++);
      // One read of profiles gave the mask and all four columns.
      expect(reads.filter((sql) => sql.includes('FROM profiles WHERE id > ?'))).toHaveLength(1)
      expect(engineStatus(warm.snapshot)).toEqual({ state: 'ready', progress: 1, loadedColumns: 4 })
      reads.length = 0
      // Answered from the loaded columns: no statement reads profiles.
      const planOnly: SegmentDefinition = { ...definition, conditions: definition.conditions.slice(0, 1) }
      expect(warm.count(planOnly, h.now(), false).total).toBe(4)
      expect(reads.filter((sql) => sql.includes('profiles'))).toEqual([])
    } finally {
      warm.close()
    }
  })
})

describe('event-property values while the snapshot loads', () => {
  it('load in the background on first use, and after new events only their tail is read', async () => {
    const device = 'dev-props'
    const record = (amount: number) =>
      h.call('events.record', {
        deviceId: device,
        name: 'Charged',
        ts: Math.floor(h.now() / 1000),
        props: { Amount: amount },
      })
    await record(50)
    await record(150)
    const charged: SegmentDefinition = {
      version: 1,
      join: 'and',
      conditions: [
        { type: 'behaviour', did: true, event: 'Charged', where: { key: 'Amount', op: 'gt', value: 100 } },
      ],
    }
    const fresh = new SegmentEngine(openReadConnection(h.backend.context.db.name), 4000, true)
    try {
      // Answered by SQL; the values are not read on the request's path.
      expect(fresh.count(charged, h.now(), false).total).toBe(1)
      expect(fresh.snapshot.events.get('Charged')?.props.has('Amount') ?? false).toBe(false)
      for (let i = 0; i < 100 && fresh.warmStep(); i++);
      const entry = fresh.snapshot.events.get('Charged')?.props.get('Amount')
      expect(entry?.values).toEqual([50, 150])
      expect(fresh.count(charged, h.now(), false).total).toBe(1)
      // A new event: the column and the values gain its tail; the values already read are kept.
      await record(300)
      expect(fresh.count(charged, h.now(), false).total).toBe(1)
      const after = fresh.snapshot.events.get('Charged')?.props.get('Amount')
      expect(after).toBe(entry)
      expect(after?.values).toEqual([50, 150, 300])
    } finally {
      fresh.close()
    }
  })
})
