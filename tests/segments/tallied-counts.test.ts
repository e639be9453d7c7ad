// One-condition counts come from per-value tallies the engine keeps between counts (tallies.ts): each is
// checked against the same segment's mask (its member list's total) and the SQL fallback, with an edit,
// a delete, a test flag or a new day between rounds, so a tally kept past a change would show.
import { Faker, base, en } from '@faker-js/faker'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Condition, Operator, PropertyRef, SegmentDefinition } from '../../shared/segments/definition'
import { SegmentEngine } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import type { Snapshot } from '../../electron/backend/core/segments/snapshot'
import { Tallies } from '../../electron/backend/core/segments/tallies'
import { openHarness, type Harness } from '../../test-support/store-harness'

vi.setConfig({ testTimeout: 300_000 })

const faker = new Faker({ locale: [en, base], seed: 1213 })
let h: Harness
/** The engine in the worker's mode, never given time to load: every answer comes from SQL. */
let sqlOnly: SegmentEngine

const sys = (key: string): PropertyRef => ({ kind: 'system', key })
const cond = (property: PropertyRef, op: Operator, value?: unknown): Condition =>
  ({ type: 'property', property, op, ...(value === undefined ? {} : { value }) }) as Condition

const SHAPES: Condition[] = [
  cond(sys('Gender'), 'eq', 'F'),
  cond(sys('Gender'), 'neq', 'f'),
  cond(sys('Gender'), 'in', ['M', 'O']),
  cond(sys('Gender'), 'notExists'),
  cond(sys('MSG-email'), 'eq', true),
  cond(sys('MSG-email'), 'eq', false),
  cond(sys('MSG-email'), 'neq', true),
  cond(sys('Timezone'), 'eq', 'Europe/Berlin'),
  cond({ kind: 'age' }, 'between', [25, 30]),
  cond({ kind: 'age' }, 'gte', 18),
  cond({ kind: 'age' }, 'in', [26, 40]),
  cond({ kind: 'age' }, 'eq', 30),
  cond({ kind: 'age' }, 'notExists'),
  cond({ kind: 'type' }, 'eq', 'Identified'),
  cond({ kind: 'type' }, 'neq', 'Identified'),
  cond({ kind: 'test' }, 'eq', true),
  cond({ kind: 'custom', key: 'plan' }, 'eq', 'pro'),
  cond({ kind: 'custom', key: 'plan' }, 'exists'),
  cond({ kind: 'custom', key: 'plan' }, 'contains', 'ER'),
  cond({ kind: 'custom', key: 'loyalty_points' }, 'between', [1000, 2000]),
  cond({ kind: 'custom', key: 'loyalty_points' }, 'notExists'),
]

const one = (c: Condition): SegmentDefinition => ({ version: 1, join: 'and', conditions: [c] })

let seq = 0
async function agree(round: number): Promise<void> {
  for (const c of SHAPES) {
    const definition = one(c)
    const label = `round ${round}: ${JSON.stringify(c)}`
    const reply = await h.call('segments.count', { seq: ++seq, definition })
    if (reply.status !== 'counted') throw new Error('superseded')
    // The member list's total is the popcount of the segment's mask.
    const page = await h.call('segments.members', { source: { definition }, limit: 1 })
    expect(reply.total, label).toBe(page.total)
    expect(reply.items, label).toEqual([{ count: reply.total }])
    expect(sqlOnly.count(definition, h.now(), false).total, `${label} by SQL`).toBe(reply.total)
  }
}

async function someProfile(): Promise<string> {
  const list = await h.call('profiles.list', { offset: faker.number.int({ min: 0, max: 300 }), limit: 1 })
  return list.items[0]!.id
}

/** One change the tallies must see: an edit of the counted properties, a delete, a test flag, a day. */
async function change(round: number): Promise<void> {
  const id = await someProfile()
  switch (round % 4) {
    case 0: {
      // 30 tomorrow: the next new day must move this profile between Age 29 and Age 30.
      const tomorrow = new Date(h.now() + 86_400_000)
      tomorrow.setUTCFullYear(tomorrow.getUTCFullYear() - 30)
      await h.call('profiles.update', {
        id,
        changes: [
          { op: 'set', key: 'Gender', value: faker.helpers.arrayElement(['F', 'M', 'O']) },
          { op: 'set', key: 'MSG-email', value: faker.datatype.boolean() },
          { op: 'set', key: 'DOB', value: tomorrow.toISOString().slice(0, 10) },
          { op: 'set', key: 'Timezone', value: 'Europe/Berlin' },
          { op: 'set', key: 'plan', value: 'pro', type: 'string' },
          { op: 'set', key: 'loyalty_points', value: 1500, type: 'number' },
        ],
      })
      return
    }
    case 1:
      await h.call('profiles.delete', { id })
      return
    case 2:
      await h.call('profiles.setTest', { id, test: true })
      return
    default:
      // A new day: Age is kept per day of every zone.
      h.advance(86_400_000)
  }
}

beforeAll(async () => {
  h = openHarness()
  const { jobId } = await h.call('sample.load', { profiles: 400 })
  expect((await h.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
  sqlOnly = new SegmentEngine(openReadConnection(h.backend.context.db.name), 4000, true)
})
afterAll(async () => {
  sqlOnly.close()
  await h.close()
})

describe('one-condition counts from kept tallies', () => {
  it('equal the mask and the SQL answer, with an edit, a delete, a test flag or a new day between rounds', async () => {
    await agree(0)
    for (let round = 1; round <= 12; round++) {
      await change(round)
      await agree(round)
    }
  })

  it('tally existing profiles per value, keep none past the limit, and renew after a change', () => {
    // Every third id is a deleted profile (not counted); values repeat 0..2, then one of each above.
    const snapshot = { exists: new Uint8Array(3000).map((_, id) => (id % 3 === 2 ? 0 : 1)), generation: 0 }
    const tallies = new Tallies(snapshot as unknown as Snapshot)
    const narrow = new Float64Array(3000).map((_, id) => (id < 2000 ? id % 4 : NaN))
    const kept = tallies.numCounts(narrow, narrow)!
    const tally = new Map([...kept.values].map((v, i) => [v, kept.counts[i]]))
    const expected = new Map<number, number>()
    narrow.forEach((v, id) => snapshot.exists[id] && expected.set(v, (expected.get(v) ?? 0) + 1))
    expect(tally).toEqual(expected)
    expect(tallies.numCounts(narrow, narrow)).toBe(kept)
    snapshot.generation++
    expect(tallies.numCounts(narrow, narrow)).not.toBe(kept)
    const wide = new Float64Array(3000).map((_, id) => id + 0.5)
    expect(tallies.numCounts(wide, wide)).toBeNull()
  })
})
