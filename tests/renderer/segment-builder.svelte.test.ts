// The segment builder's state: what a person types becomes the shared definition, problems land on the
// condition they are about, and the live count never shows a stale total over a newer one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../renderer/src/lib/api/client'
import { LiveCount } from '../../renderer/src/lib/state/segment-count.svelte'
import { SegmentDraft } from '../../renderer/src/lib/state/segment-draft.svelte'
import type { PropertyDraft } from '../../renderer/src/lib/segments/condition-draft'
import { emptyDefinition, type SegmentDefinition } from '../../shared/segments/definition'
import type { SegmentCountReply } from '../../shared/segments/types'
import { FakeTransport, type Deferred } from '../../test-support/fake-transport'

function draftWithTypes(): SegmentDraft {
  const draft = new SegmentDraft()
  draft.customTypes = new Map([
    ['plan', 'string'],
    ['loyalty_points', 'number'],
    ['interests', 'multi'],
  ])
  return draft
}

describe('SegmentDraft', () => {
  it('turns typed conditions and a group into the shared definition', () => {
    const draft = draftWithTypes()
    draft.addCondition()
    const age = draft.items[0] as PropertyDraft
    draft.setProperty(age, { kind: 'age' })
    draft.setOperator(age, 'between')
    age.value = '25'
    age.value2 = '30'
    draft.addGroup()
    const group = draft.items[1]
    if (group?.kind !== 'group') throw new Error('expected a group')
    const plan = group.conditions[0] as PropertyDraft
    draft.setProperty(plan, { kind: 'custom', key: 'plan' })
    draft.setOperator(plan, 'in')
    plan.value = 'gold, silver'
    draft.addBehaviour(1, 'Charged')
    const charged = group.conditions[1]
    if (charged?.kind !== 'behaviour') throw new Error('expected a behaviour')
    charged.count = 'gte'
    charged.times = '2'
    charged.window = 'lastDays'
    charged.days = '30'
    charged.whereKey = 'Amount'
    charged.whereOp = 'gt'
    charged.whereValue = '100'
    expect(draft.definition).toEqual({
      version: 1,
      join: 'and',
      conditions: [
        { type: 'property', property: { kind: 'age' }, op: 'between', value: [25, 30] },
        {
          type: 'group',
          join: 'or',
          conditions: [
            {
              type: 'property',
              property: { kind: 'custom', key: 'plan' },
              op: 'in',
              value: ['gold', 'silver'],
            },
            {
              type: 'behaviour',
              did: true,
              event: 'Charged',
              count: { op: 'gte', n: 2 },
              window: { kind: 'lastDays', days: 30 },
              where: { key: 'Amount', op: 'gt', value: 100 },
            },
          ],
        },
      ],
    })
    expect(draft.problems).toEqual([])
    expect(draft.flatIndex(1, 1)).toBe(2)
  })

  it('puts the shared check’s problem on the condition it is about', () => {
    const draft = draftWithTypes()
    draft.addCondition()
    draft.addCondition()
    const points = draft.items[1] as PropertyDraft
    draft.setProperty(points, { kind: 'custom', key: 'loyalty_points' })
    draft.setOperator(points, 'gt')
    points.value = 'lots'
    expect(draft.problemByCondition.get(1)).toBe('expects a number')
    points.value = '500'
    expect(draft.problemByCondition.has(1)).toBe(false)
  })

  it('offers only operators that fit: a multi-value property starts at "contains item"', () => {
    const draft = draftWithTypes()
    draft.addCondition()
    const condition = draft.items[0] as PropertyDraft
    draft.setOperator(condition, 'startsWith')
    draft.setProperty(condition, { kind: 'custom', key: 'interests' })
    expect(condition.op).toBe('containsItem')
  })

  it('loads a saved definition back into the same definition and knows when it changed', () => {
    const definition: SegmentDefinition = {
      version: 1,
      join: 'or',
      conditions: [
        { type: 'property', property: { kind: 'system', key: 'Gender' }, op: 'eq', value: 'F' },
        {
          type: 'behaviour',
          did: false,
          event: 'App Launched',
          window: { kind: 'between', from: '2026-01-01', to: '2026-01-31' },
        },
      ],
    }
    const draft = draftWithTypes()
    draft.load({ id: 's1', name: 'Women', definition, createdAt: 0, updatedAt: 0 })
    expect(draft.definition).toEqual(definition)
    expect(draft.hasChanges).toBe(false)
    draft.join = 'and'
    expect(draft.hasChanges).toBe(true)
  })

  it('removing the last condition of a group removes the group', () => {
    const draft = draftWithTypes()
    draft.addGroup()
    draft.remove(0, 0)
    expect(draft.items).toEqual([])
    expect(draft.isEmpty).toBe(true)
  })
})

describe('LiveCount', () => {
  let transport: FakeTransport
  /** The count replies not yet sent, in the order asked. */
  let replies: Deferred<SegmentCountReply>[]
  beforeEach(() => {
    vi.useFakeTimers()
    transport = new FakeTransport()
    replies = transport.hold('segments.count')
    api.attach(transport)
  })
  afterEach(() => vi.useRealTimers())

  const withName = (name: string): SegmentDefinition => ({
    ...emptyDefinition(),
    conditions: [
      { type: 'property', property: { kind: 'system', key: 'Name' }, op: 'startsWith', value: name },
    ],
  })
  const counted = (seq: number, total: number, items?: number[]): SegmentCountReply => ({
    seq,
    status: 'counted',
    total,
    profiles: 1000,
    tookMs: 1,
    ...(items ? { items: items.map((count) => ({ count })) } : {}),
  })
  const asked = () => transport.requestsOf('segments.count')
  const seqOf = (index: number) => asked()[index]!.seq

  it('asks on every edit at once, with no timer in front (stale replies are dropped instead)', () => {
    const count = new LiveCount()
    count.ask(withName('a'), true)
    expect(asked()).toHaveLength(1)
    count.ask(withName('an'), true)
    expect(asked().map((r) => r.definition)).toEqual([withName('a'), withName('an')])
    expect(seqOf(1)).toBeGreaterThan(seqOf(0))
    expect(vi.getTimerCount()).toBe(0)
  })

  it('drops an older count that arrives after a newer one, and shows per-condition counts after the total', async () => {
    const count = new LiveCount()
    count.ask(withName('a'), true)
    count.ask(withName('an'), true)
    const [older, newer] = replies
    expect(seqOf(1)).toBeGreaterThan(seqOf(0))
    // Numbered by this count alone, under its own client id (the backend judges each client apart).
    expect(asked().map((r) => [r.client, r.seq])).toEqual([
      [asked()[0]!.client, 1],
      [asked()[0]!.client, 2],
    ])
    expect(asked()[0]!.client).toMatch(/^[0-9a-f-]{36}$/)
    newer!.resolve(counted(seqOf(1), 40))
    await transport.settled()
    expect(count.total).toBe(40)
    expect(count.counting).toBe(false)
    // the older question's answer comes late: it is dropped, 40 stays
    older!.resolve(counted(seqOf(0), 700))
    await transport.settled()
    expect(count.total).toBe(40)
    expect(count.answered).toBe(JSON.stringify(withName('an')))
    // then each condition's own count, asked with a newer seq
    expect(asked()[2]!.perItem).toBe(true)
    expect(count.countOf(0)).toBeNull()
    replies[2]!.resolve(counted(seqOf(2), 40, [40]))
    await transport.settled()
    expect(count.countOf(0)).toBe(40)
  })

  it('a reply the backend marks superseded, or one for an edit since, is never shown', async () => {
    const count = new LiveCount()
    count.ask(withName('a'), true)
    count.ask(withName('ab'), false) // now has a problem: nothing is asked, the old reply is not wanted
    replies[0]!.resolve(counted(seqOf(0), 5))
    await transport.settled()
    expect(count.total).toBeNull()
    expect(count.blocked).toBe(true)
    count.ask(withName('abc'), true)
    replies[1]!.resolve({ seq: seqOf(1), status: 'superseded' })
    await transport.settled()
    expect(count.total).toBeNull()
    expect(count.counting).toBe(true)
  })
})
