// Property-based check of the segment engine (in its worker thread) against a plain evaluation written
// separately here: generated profiles and events through the real channels, then many random segments
// over every property kind and operator, with edits interleaved. Dates are compared as calendar-date
// text in the account's zone here (the engine uses instants), Age is the profile page's own `age`.
import { Faker, base, en } from '@faker-js/faker'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { foldText } from '../../shared/profile/search-keys'
import type { ProfileDetail, ProfileEvent } from '../../shared/profile/types'
import { calendarDateInZone } from '../../shared/profile/validators-dates'
import {
  operatorsFor,
  type BehaviourCondition,
  type Condition,
  type DefinitionItem,
  type Operator,
  type PropertyCondition,
  type PropertyRef,
  type Scalar,
  type SegmentDefinition,
  type ValueType,
} from '../../shared/segments/definition'
import { SegmentEngine } from '../../electron/backend/core/segments/engine'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'
import { openHarness, START, type Harness } from '../../test-support/store-harness'

vi.setConfig({ testTimeout: 600_000 })

const ZONE = 'America/New_York'
const faker = new Faker({ locale: [en, base], seed: 1212 })
let h: Harness
/** The engine in the worker's mode, never given time to load: every answer comes from SQL. */
let sqlOnly: SegmentEngine

interface Person {
  detail: ProfileDetail
  events: ProfileEvent[]
  lastSeen: number | null
}
let people: Person[] = []

const PROPS: { ref: PropertyRef; type: ValueType }[] = [
  { ref: { kind: 'system', key: 'Name' }, type: 'string' },
  { ref: { kind: 'system', key: 'Email' }, type: 'string' },
  { ref: { kind: 'system', key: 'Gender' }, type: 'string' },
  { ref: { kind: 'system', key: 'DOB' }, type: 'date' },
  { ref: { kind: 'system', key: 'MSG-email' }, type: 'boolean' },
  { ref: { kind: 'custom', key: 'plan' }, type: 'string' },
  { ref: { kind: 'custom', key: 'score' }, type: 'number' },
  { ref: { kind: 'custom', key: 'vip' }, type: 'boolean' },
  { ref: { kind: 'custom', key: 'signup' }, type: 'date' },
  { ref: { kind: 'custom', key: 'tags' }, type: 'multi' },
  { ref: { kind: 'age' }, type: 'number' },
  { ref: { kind: 'type' }, type: 'enum' },
  { ref: { kind: 'test' }, type: 'boolean' },
  { ref: { kind: 'excluded' }, type: 'boolean' },
  { ref: { kind: 'created' }, type: 'date' },
  { ref: { kind: 'lastSeen' }, type: 'date' },
]
const EVENTS = ['Charged', 'App Opened', 'Viewed']

const dayText = (epochSeconds: number, zone: string) => {
  const d = calendarDateInZone(epochSeconds * 1000, zone)
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
}
const addDays = (text: string, days: number) => {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

async function makePeople(count: number): Promise<void> {
  h.backend.context.db
    .prepare("INSERT INTO settings (key, value) VALUES ('account.time_zone', ?)")
    .run(JSON.stringify(ZONE))
  // Birthdays at the edges: today, tomorrow, yesterday, 29 February; the rest random.
  const edges = ['2000-06-15', '2000-06-16', '2000-06-14', '2004-02-29', '2008-02-29', '1996-03-01']
  for (let i = 0; i < count; i++) {
    const changes: { op: 'set'; key: string; value: unknown; type?: string }[] = []
    const maybe = (p: number) => faker.number.float() < p
    if (maybe(0.9))
      changes.push({
        op: 'set',
        key: 'Name',
        value: faker.helpers.arrayElement([faker.person.fullName(), 'José Ñúñez', 'ZOË smith', 'Łukasz']),
      })
    if (maybe(0.7))
      changes.push({ op: 'set', key: 'Gender', value: faker.helpers.arrayElement(['M', 'F', 'O', 'U']) })
    if (i < edges.length || maybe(0.7))
      changes.push({
        op: 'set',
        key: 'DOB',
        value: i < edges.length ? edges[i] : faker.date.birthdate().toISOString().slice(0, 10),
      })
    if (maybe(0.5))
      changes.push({
        op: 'set',
        key: 'Timezone',
        value: faker.helpers.arrayElement([
          'Pacific/Kiritimati',
          'Pacific/Pago_Pago',
          'Europe/Berlin',
          'GMT+0530',
        ]),
      })
    if (maybe(0.6)) changes.push({ op: 'set', key: 'MSG-email', value: maybe(0.5) })
    if (maybe(0.7))
      changes.push({
        op: 'set',
        key: 'plan',
        value: faker.helpers.arrayElement(['Gold', 'gold', 'silver', 'Bronze plan', 'görl']),
        type: 'string',
      })
    if (maybe(0.7))
      changes.push({ op: 'set', key: 'score', value: faker.number.int({ min: -5, max: 20 }), type: 'number' })
    if (maybe(0.5)) changes.push({ op: 'set', key: 'vip', value: maybe(0.5), type: 'boolean' })
    if (maybe(0.5))
      changes.push({
        op: 'set',
        key: 'signup',
        value: Math.floor(START / 1000) - faker.number.int({ min: 0, max: 90 * 86400 }),
        type: 'date',
      })
    if (maybe(0.6))
      changes.push({
        op: 'set',
        key: 'tags',
        value: faker.helpers.arrayElements(['music', 'Sport', 'films', 'müsic'], { min: 0, max: 3 }),
        type: 'multi',
      })
    if (i < edges.length)
      changes.push({ op: 'set', key: 'Timezone', value: i % 2 ? 'Pacific/Kiritimati' : 'America/Adak' })
    const identifiers = maybe(0.6) ? [{ kind: 'email' as const, value: `user${i}@Example.com` }] : []
    h.advance(faker.number.int({ min: 0, max: 3 * 3600 * 1000 }))
    const created = await h.call('profiles.create', { changes: changes as never, identifiers })
    if (maybe(0.1)) await h.call('profiles.setTest', { id: created.id, test: true })
    if (maybe(0.1)) await h.call('profiles.setControlGroupExclusion', { id: created.id, excluded: true })
  }
}

async function makeEvents(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const device = `dev-${faker.number.int({ min: 0, max: 40 })}`
    const identity = faker.number.float() < 0.3 ? `id-${faker.number.int({ min: 0, max: 12 })}` : undefined
    const name = faker.helpers.arrayElement(EVENTS)
    const props =
      name === 'Charged'
        ? {
            Amount: faker.number.int({ min: 1, max: 100 }),
            Currency: faker.helpers.arrayElement(['EUR', 'usd', 'Eur']),
          }
        : {}
    const ts = Math.floor(h.now() / 1000) - faker.number.int({ min: 0, max: 45 * 86400 })
    await h.call('events.record', { deviceId: device, name, ts, props, ...(identity ? { identity } : {}) })
  }
}

async function loadPeople(): Promise<void> {
  people = []
  for (let offset = 0; ; offset += 500) {
    const page = await h.call('profiles.list', { offset, limit: 500 })
    for (const summary of page.items) {
      const detail = await h.call('profiles.get', { id: summary.id })
      const events = (await h.call('profiles.events', { id: summary.id, limit: 500 })).items
      people.push({
        detail,
        events: events.filter((e) => e.profileId === summary.id),
        lastSeen: summary.lastSeen,
      })
    }
    if (offset + 500 >= page.total) break
  }
}

/** The raw value of a property in the plain model: text, number, boolean, date as day text, list. */
function valueOf(p: Person, ref: PropertyRef): unknown {
  const d = p.detail
  switch (ref.kind) {
    case 'system': {
      const v = d.system[ref.key]
      return ref.key === 'DOB' && typeof v === 'number' ? dayText(v, 'UTC') : v
    }
    case 'custom': {
      const c = d.custom.find((x) => x.key === ref.key)
      if (!c) return undefined
      return c.type === 'date' ? dayText(c.value as number, ZONE) : c.value
    }
    case 'age':
      return d.age ?? undefined
    case 'type':
      return d.type
    case 'test':
      return d.isTest
    case 'excluded':
      return d.excludedFromControlGroups
    case 'created':
      return dayText(d.createdAt, ZONE)
    case 'lastSeen':
      return p.lastSeen === null ? undefined : dayText(p.lastSeen, ZONE)
  }
}

function scalarMatch(v: unknown, op: Operator, value: Scalar | Scalar[] | undefined): boolean {
  if (v === undefined || v === null || v === '')
    return op === 'notExists' || op === 'neq' || op === 'notContains'
  const list = Array.isArray(value) ? value : [value]
  const text = typeof v === 'string' ? foldText(v) : null
  const eq = (a: unknown, b: unknown) =>
    typeof a === 'string' && typeof b === 'string' ? foldText(a) === foldText(b) : a === b
  switch (op) {
    case 'exists':
      return true
    case 'notExists':
      return false
    case 'eq':
      return eq(v, list[0])
    case 'neq':
      return !eq(v, list[0])
    case 'in':
      return list.some((x) => eq(v, x))
    case 'contains':
      return text!.includes(foldText(String(list[0])))
    case 'notContains':
      return !text!.includes(foldText(String(list[0])))
    case 'startsWith':
      return text!.startsWith(foldText(String(list[0])))
    case 'gt':
      return (v as number) > (list[0] as number)
    case 'gte':
      return (v as number) >= (list[0] as number)
    case 'lt':
      return (v as number) < (list[0] as number)
    case 'lte':
      return (v as number) <= (list[0] as number)
    case 'between':
      return (v as number) >= (list[0] as number) && (v as number) <= (list[1] as number)
    default:
      return false
  }
}

function propertyHolds(p: Person, c: PropertyCondition): boolean {
  const v = valueOf(p, c.property)
  if (Array.isArray(v)) {
    if (c.op === 'exists') return v.length > 0
    if (c.op === 'notExists') return v.length === 0
    return v.some((item) => foldText(item) === foldText(String(c.value)))
  }
  return scalarMatch(v, c.op, c.value)
}

function behaviourHolds(p: Person, c: BehaviourCondition): boolean {
  const today = dayText(Math.floor(h.now() / 1000), ZONE)
  const n = p.events.filter((e) => {
    if (e.name !== c.event) return false
    const day = dayText(e.ts, ZONE)
    if (c.window?.kind === 'lastDays' && day < addDays(today, -(c.window.days - 1))) return false
    if (c.window?.kind === 'between' && (day < c.window.from || day > c.window.to)) return false
    if (c.where) return scalarMatch(e.props[c.where.key] as unknown, c.where.op, c.where.value)
    return true
  }).length
  const { op, n: want } = c.count ?? { op: 'gte', n: 1 }
  return (op === 'gte' ? n >= want : n <= want) === c.did
}

const holds = (p: Person, c: Condition) =>
  c.type === 'behaviour' ? behaviourHolds(p, c) : propertyHolds(p, c)
function itemHolds(p: Person, item: DefinitionItem): boolean {
  if (item.type !== 'group') return holds(p, item)
  return item.join === 'and'
    ? item.conditions.every((c) => holds(p, c))
    : item.conditions.some((c) => holds(p, c))
}
function definitionHolds(p: Person, d: SegmentDefinition): boolean {
  if (d.conditions.length === 0) return true
  return d.join === 'and'
    ? d.conditions.every((i) => itemHolds(p, i))
    : d.conditions.some((i) => itemHolds(p, i))
}

/** A value to compare with: one some profile holds (so conditions keep someone), or a fresh one. */
function sampleValue(prop: (typeof PROPS)[number]): Scalar {
  const held = people.map((p) => valueOf(p, prop.ref)).filter((v) => v !== undefined && v !== null)
  const flat = held.flatMap((v) => (Array.isArray(v) ? v : [v])) as Scalar[]
  if (flat.length > 0 && faker.number.float() < 0.8) {
    const v = faker.helpers.arrayElement(flat)
    if (typeof v === 'string' && prop.type === 'string' && faker.number.float() < 0.5)
      return v.slice(0, 3).toUpperCase()
    return v
  }
  if (prop.type === 'number') return faker.number.int({ min: -5, max: 60 })
  if (prop.type === 'boolean') return faker.datatype.boolean()
  if (prop.type === 'date')
    return addDays(dayText(Math.floor(START / 1000), ZONE), -faker.number.int({ min: 0, max: 60 }))
  if (prop.type === 'enum') return faker.helpers.arrayElement(['Anonymous', 'Identified'])
  return faker.helpers.arrayElement(['go', 'zz', 'jos', 'mus'])
}

function randomCondition(): Condition {
  if (faker.number.float() < 0.25) {
    const c: BehaviourCondition = {
      type: 'behaviour',
      did: faker.datatype.boolean(),
      event: faker.helpers.arrayElement(EVENTS),
    }
    if (faker.datatype.boolean())
      c.count = {
        op: faker.helpers.arrayElement(['gte', 'lte'] as const),
        n: faker.number.int({ min: 0, max: 3 }),
      }
    const w = faker.number.int({ min: 0, max: 2 })
    if (w === 1) c.window = { kind: 'lastDays', days: faker.number.int({ min: 1, max: 40 }) }
    if (w === 2) {
      const from = addDays(dayText(Math.floor(h.now() / 1000), ZONE), -faker.number.int({ min: 5, max: 40 }))
      c.window = { kind: 'between', from, to: addDays(from, faker.number.int({ min: 0, max: 10 })) }
    }
    if (c.event === 'Charged' && faker.datatype.boolean())
      c.where = faker.datatype.boolean()
        ? { key: 'Amount', op: faker.helpers.arrayElement(['gt', 'lte', 'between'] as const), value: 0 }
        : {
            key: 'Currency',
            op: faker.helpers.arrayElement(['eq', 'neq', 'contains'] as const),
            value: 'eur',
          }
    if (c.where?.key === 'Amount')
      c.where.value = c.where.op === 'between' ? [20, 70] : faker.number.int({ min: 1, max: 100 })
    return c
  }
  const prop = faker.helpers.arrayElement(PROPS)
  const op = faker.helpers.arrayElement(operatorsFor(prop.type))
  const c: PropertyCondition = { type: 'property', property: prop.ref, op }
  if (op === 'between')
    c.value = [sampleValue(prop), sampleValue(prop)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as Scalar[]
  else if (op === 'in') c.value = [sampleValue(prop), sampleValue(prop)]
  else if (op !== 'exists' && op !== 'notExists') c.value = sampleValue(prop)
  return c
}

function randomDefinition(): SegmentDefinition {
  const items: DefinitionItem[] = Array.from({ length: faker.number.int({ min: 0, max: 4 }) }, () =>
    faker.number.float() < 0.25
      ? {
          type: 'group',
          join: faker.helpers.arrayElement(['and', 'or'] as const),
          conditions: Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, randomCondition),
        }
      : randomCondition(),
  )
  return { version: 1, join: faker.helpers.arrayElement(['and', 'or'] as const), conditions: items }
}

let seq = 0
/** Segments that kept some but not all profiles: the comparison must be about real splits. */
let splits = 0
async function compare(definition: SegmentDefinition): Promise<void> {
  const reply = await h.call('segments.count', { seq: ++seq, definition })
  if (reply.status !== 'counted') throw new Error('superseded')
  const expected = people.filter((p) => definitionHolds(p, definition))
  const label = JSON.stringify(definition)
  expect(reply.total, label).toBe(expected.length)
  if (expected.length > 0 && expected.length < people.length) splits++
  definition.conditions.forEach((item, i) =>
    expect(reply.items?.[i]?.count, `${label} item ${i}`).toBe(
      people.filter((p) => itemHolds(p, item)).length,
    ),
  )
  // The SQL fallback (an engine whose snapshot never loads) answers the same.
  const bySql = sqlOnly.count(definition, h.now(), true)
  expect(bySql.total, `${label} by SQL`).toBe(expected.length)
  expect(bySql.items, `${label} by SQL`).toEqual(reply.items)
  const page = await h.call('segments.members', { source: { definition }, limit: 500 })
  expect(page.items.map((m) => m.id).sort(), label).toEqual(expected.map((p) => p.detail.id).sort())
}

beforeAll(async () => {
  h = openHarness({ start: START - 20 * 86400 * 1000 })
  await makePeople(140)
  await makeEvents(260)
  h.advance(START - h.now())
  await loadPeople()
  sqlOnly = new SegmentEngine(openReadConnection(h.backend.context.db.name), 4000, true)
})
afterAll(async () => {
  sqlOnly.close()
  await h.close()
})

describe('the segment engine against a plain evaluation', () => {
  it('agrees on 250 random segments over every property kind and operator, with edits in between', async () => {
    for (let round = 0; round < 250; round++) {
      await compare(randomDefinition())
      if (round % 50 === 49) {
        // Edits between rounds: the worker must see them before its next answer.
        const target = faker.helpers.arrayElement(people)
        await h.call('profiles.update', {
          id: target.detail.id,
          changes: [
            {
              op: 'set',
              key: 'plan',
              value: faker.helpers.arrayElement(['gold', 'Platinum']),
              type: 'string',
            },
            { op: 'set', key: 'DOB', value: '2004-02-29' },
          ],
        })
        await h.call('events.record', {
          deviceId: `dev-${round}`,
          name: 'Viewed',
          ts: Math.floor(h.now() / 1000),
        })
        await loadPeople()
      }
    }
    expect(splits).toBeGreaterThan(100)
  })

  it('counts Age at its boundaries: birthday today, in a zone already on tomorrow, and 29 February', async () => {
    const ages = async (lo: number, hi: number) =>
      (
        await h.call('segments.members', {
          source: {
            definition: {
              version: 1,
              join: 'and',
              conditions: [{ type: 'property', property: { kind: 'age' }, op: 'between', value: [lo, hi] }],
            },
          },
          limit: 500,
        })
      ).items.map((m) => m.id)
    const exact = people.filter((p) => p.detail.age === 26).map((p) => p.detail.id)
    expect((await ages(26, 26)).sort()).toEqual(exact.sort())
    // 2000-06-15 in America/Adak (still 15 June at 12:00 UTC... 02:00 local): 26 today.
    const byDob = (dob: string) => people.find((p) => p.detail.system.DOB === Date.parse(dob) / 1000)
    expect(byDob('2000-06-15')?.detail.age).toBe(26)
    // 2000-06-16 in Pacific/Kiritimati (UTC+14, already 16 June): 26 as well.
    expect(byDob('2000-06-16')?.detail.age).toBe(26)
    // 29 February 2004: 22 on 15 June 2026.
    expect(byDob('2004-02-29')?.detail.age).toBe(22)
    expect(await ages(22, 22)).toContain(byDob('2004-02-29')?.detail.id)
  })
})
