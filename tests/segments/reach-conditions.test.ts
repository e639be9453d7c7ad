// Segment conditions on reachability ("reachable on CHANNEL", "not reachable on CHANNEL because …")
// checked against a brute force: every profile's answer worked out here by the shared rules function
// from the row and its devices as stored, then random segments of those conditions (with the profile
// type beside them) counted and paged by the engine in its worker, with profile and device edits between.
import { Faker, base, en } from '@faker-js/faker'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { devicesOf, profileFacts } from '../../electron/backend/core/devices/device-store'
import type { ProfileRow } from '../../electron/backend/core/profiles/profile-rows'
import { codeMatches, REACH_FILTER_ANSWERS } from '../../shared/reachability/filter'
import { CHANNELS, PLATFORMS, reachCodes } from '../../shared/reachability/rules'
import type {
  Condition,
  DefinitionItem,
  PropertyCondition,
  SegmentDefinition,
} from '../../shared/segments/definition'
import { parseWhere } from '../../shared/segments/expression'
import { openHarness, type Harness } from '../../test-support/store-harness'

vi.setConfig({ testTimeout: 300_000 })

const faker = new Faker({ locale: [en, base], seed: 1313 })
let h: Harness
const ids: string[] = []

interface Plain {
  id: string
  identified: boolean
  codes: number[]
}

/** Every profile's five answers by the shared function, from what is stored now (not the stored codes). */
function plainProfiles(): Plain[] {
  const db = h.backend.context.db
  return h.rows<ProfileRow>('SELECT * FROM profiles').map((row) => ({
    id: row.object_id,
    identified: row.identified === 1,
    codes: reachCodes(profileFacts(row, devicesOf(db, row.id))),
  }))
}

function holds(p: Plain, c: Condition): boolean {
  if (c.type !== 'property') throw new Error('only property conditions here')
  if (c.property.kind === 'type')
    return ((p.identified ? 'Identified' : 'Anonymous') === c.value) === (c.op === 'eq')
  if (c.property.kind !== 'reachable') throw new Error(`unexpected ${c.property.kind}`)
  const code = p.codes[CHANNELS.indexOf(c.property.channel)] as number
  const matches = codeMatches(code, c.value as (typeof REACH_FILTER_ANSWERS)[number])
  return c.op === 'eq' ? matches : !matches
}

function itemHolds(p: Plain, item: DefinitionItem): boolean {
  if (item.type !== 'group') return holds(p, item)
  return item.join === 'and'
    ? item.conditions.every((c) => holds(p, c))
    : item.conditions.some((c) => holds(p, c))
}

function randomCondition(): PropertyCondition {
  if (faker.number.float() < 0.15)
    return {
      type: 'property',
      property: { kind: 'type' },
      op: faker.helpers.arrayElement(['eq', 'neq'] as const),
      value: faker.helpers.arrayElement(['Anonymous', 'Identified']),
    }
  return {
    type: 'property',
    property: { kind: 'reachable', channel: faker.helpers.arrayElement(CHANNELS) },
    op: faker.helpers.arrayElement(['eq', 'neq'] as const),
    value: faker.helpers.arrayElement(REACH_FILTER_ANSWERS),
  }
}

function randomDefinition(): SegmentDefinition {
  const conditions: DefinitionItem[] = Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, () =>
    faker.number.float() < 0.25
      ? {
          type: 'group' as const,
          join: faker.helpers.arrayElement(['and', 'or'] as const),
          conditions: Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, randomCondition),
        }
      : randomCondition(),
  )
  return { version: 1, join: faker.helpers.arrayElement(['and', 'or'] as const), conditions }
}

async function makeProfiles(count: number): Promise<void> {
  const maybe = (p: number) => faker.number.float() < p
  for (let i = 0; i < count; i++) {
    const changes: { op: 'set'; key: string; value: unknown }[] = []
    if (maybe(0.7)) changes.push({ op: 'set', key: 'Email', value: `p${i}@example.com` })
    if (maybe(0.6)) changes.push({ op: 'set', key: 'Phone', value: `+1415555${String(1000 + i)}` })
    for (const key of ['MSG-email', 'MSG-push', 'MSG-sms', 'MSG-whatsapp', 'MSG-dndSMS', 'MSG-dndEmail'])
      if (maybe(0.25)) changes.push({ op: 'set', key, value: maybe(0.5) })
    const identifiers = maybe(0.5) ? [{ kind: 'identity' as const, value: `user-${i}` }] : []
    const { id } = await h.call('profiles.create', { changes: changes as never, identifiers })
    ids.push(id)
    for (let d = 0; d < faker.number.int({ min: 0, max: 2 }); d++)
      await h.call('devices.setToken', {
        profileId: id,
        deviceId: `${id}-dev-${d}`,
        platform: faker.helpers.arrayElement(PLATFORMS),
        pushToken: `token-${i}-${d}`,
      })
  }
  // Some tokens the push service refused: a profile reason (written straight to the table, which no
  // one announces; the engine must notice the commit by itself).
  h.backend.context.db.exec("UPDATE devices SET token_state = 'invalid' WHERE id % 4 = 0")
  // Addresses written by an older version or another tool: the store refuses them, the rules call them invalid.
  h.backend.context.db.exec(
    "UPDATE profiles SET email = 'not-an-email' WHERE email IS NOT NULL AND id % 9 = 0",
  )
}

let seq = 0
let splits = 0
async function compare(definition: SegmentDefinition, people: Plain[]): Promise<void> {
  const label = JSON.stringify(definition)
  const expected = people.filter((p) =>
    definition.join === 'and'
      ? definition.conditions.every((item) => itemHolds(p, item))
      : definition.conditions.some((item) => itemHolds(p, item)),
  )
  const reply = await h.call('segments.count', { seq: ++seq, definition })
  if (reply.status !== 'counted') throw new Error('superseded')
  expect(reply.total, label).toBe(expected.length)
  if (expected.length > 0 && expected.length < people.length) splits++
  const page = await h.call('segments.members', { source: { definition }, limit: 500 })
  expect(page.items.map((m) => m.id).sort(), label).toEqual(expected.map((p) => p.id).sort())
}

beforeAll(async () => {
  h = openHarness()
  await makeProfiles(120)
})
afterAll(async () => {
  await h.close()
})

describe('segments: reachable on CHANNEL / not reachable because …', () => {
  it('agree with the shared rules worked out per profile, through token and opt-in edits', async () => {
    let people = plainProfiles()
    for (let round = 0; round < 150; round++) {
      await compare(randomDefinition(), people)
      if (round % 30 === 29) {
        const id = faker.helpers.arrayElement(ids)
        await h.call('devices.setToken', {
          profileId: id,
          deviceId: `${id}-new`,
          platform: 'Web',
          pushToken: `t${round}`,
        })
        const other = faker.helpers.arrayElement(ids)
        await h.call('profiles.update', {
          id: other,
          changes: [{ op: 'set', key: 'MSG-email', value: faker.datatype.boolean() }],
        })
        const device = h.rows<{ device_id: string; object_id: string }>(
          'SELECT d.device_id, p.object_id FROM devices d JOIN profiles p ON p.id = d.profile_id LIMIT 1',
        )[0]
        if (device)
          await h.call('devices.removeToken', { profileId: device.object_id, deviceId: device.device_id })
        people = plainProfiles()
      }
    }
    expect(splits).toBeGreaterThan(60)
  })

  it('each answer of each channel picks exactly the profiles the rules give it', async () => {
    const people = plainProfiles()
    // The data holds every answer: reachable and each of the four reasons, on email and on mobile push.
    expect(new Set(people.map((p) => p.codes[0]))).toEqual(new Set([0, 1, 2, 3, 4]))
    expect(new Set(people.map((p) => p.codes[1]))).toEqual(new Set([0, 1, 2, 3]))
    for (const channel of CHANNELS) {
      for (const value of REACH_FILTER_ANSWERS) {
        await compare(
          {
            version: 1,
            join: 'and',
            conditions: [{ type: 'property', property: { kind: 'reachable', channel }, op: 'eq', value }],
          },
          people,
        )
      }
    }
  })

  it('reads reachable.CHANNEL = true | false | REASON on the command line, and refuses others clearly', () => {
    const none = new Map()
    expect(parseWhere('reachable.email = true', none)).toEqual({
      type: 'property',
      property: { kind: 'reachable', channel: 'email' },
      op: 'eq',
      value: 'reachable',
    })
    expect(parseWhere('reachable.mobilepush = false', none).value).toBe('not-reachable')
    expect(parseWhere('reachable.sms = optedout', none).value).toBe('optedout')
    expect(parseWhere('reachable.whatsapp != dnd', none).op).toBe('neq')
    expect(parseWhere('Reachable.WebPush = missing', none).property).toEqual({
      kind: 'reachable',
      channel: 'webpush',
    })
    expect(() => parseWhere('reachable.fax = true', none)).toThrow(/unknown channel "fax".*email, mobilepush/)
    expect(() => parseWhere('reachable.email = maybe', none)).toThrow(/"maybe" is not one of reachable/)
    expect(() => parseWhere('reachable.email > true', none)).toThrow(/cannot use "is greater than"/)
  })
})
