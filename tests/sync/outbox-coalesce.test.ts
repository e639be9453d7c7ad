// How waiting outbox entries become upload records (core/sync/outbox-coalesce.ts), without a database:
// rows in, records out. The SQL around it (reading the queue, settling answers) is tested end to end in
// push.test.ts and supersede.test.ts.
import { describe, expect, it } from 'vitest'
import { planUnits, type OutboxRow } from '../../electron/backend/core/sync/outbox-coalesce'

let nextId = 1
function row(objectId: string, kind: OutboxRow['kind'], payload: unknown): OutboxRow {
  const id = nextId++
  return {
    id,
    object_id: objectId,
    kind,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    created_at: 1_700_000_000_000 + id,
  }
}

const change = (objectId: string, profileData: Record<string, unknown>, identity?: string) =>
  row(objectId, 'profile', { type: 'profile', objectId, ...(identity ? { identity } : {}), profileData })

const keys = { installId: 'install', idempotencyKeys: true }

describe('planUnits', () => {
  it('merges consecutive plain changes of a profile into one record: the latest value of each key wins', () => {
    const first = change('a', { Name: 'Ann', City: 'Oslo' }, 'ann-1')
    const second = change('a', { City: 'Bergen' }, 'ann-2')
    const [unit, ...rest] = planUnits([first, second], keys)
    expect(rest).toEqual([])
    if (unit?.kind !== 'records') throw new Error('expected records')
    expect(unit.records).toHaveLength(1)
    const record = unit.records[0]
    expect(record?.entryIds).toEqual([first.id, second.id])
    // The identity the server knows the profile by is the one before the first change.
    expect(JSON.parse(record?.json ?? '{}')).toMatchObject({
      identity: 'ann-1',
      profileData: { Name: 'Ann', City: 'Bergen' },
    })
    expect(record?.idem).toBeUndefined()
  })

  it('keeps an operation that must not repeat, and every event, as its own record with its own key', () => {
    const before = change('a', { Name: 'Ann' })
    const increment = change('a', { Points: { $incr: 2 } })
    const after = change('a', { City: 'Oslo' })
    const event = row('a', 'event', { type: 'event', objectId: 'a', evtName: 'Charged' })
    const [unit] = planUnits([before, increment, after, event], keys)
    if (unit?.kind !== 'records') throw new Error('expected records')
    expect(unit.records.map((r) => r.entryIds)).toEqual([[before.id], [increment.id], [event.id], [after.id]])
    const withKeys = unit.records.filter((r) => r.idem !== undefined)
    expect(withKeys.map((r) => r.entryIds[0])).toEqual([increment.id, event.id])
    for (const record of withKeys) {
      expect(JSON.parse(record.json)).toMatchObject({ $idem: record.idem })
      expect(record.idem).toMatch(/^pd1-install-\d+-\d+$/)
    }
    // Without keys (CleverTap's own hosts) the records go as stored.
    const [plain] = planUnits([increment], { installId: 'install', idempotencyKeys: false })
    if (plain?.kind !== 'records') throw new Error('expected records')
    expect(plain.records[0]?.idem).toBeUndefined()
    expect(JSON.parse(plain.records[0]?.json ?? '{}')).not.toHaveProperty('$idem')
  })

  it('makes a deleted profile’s earlier entries moot; changes after the delete go on their own', () => {
    const edit = change('a', { Name: 'Ann' })
    const removal = row('a', 'delete', { identity: 'ann-1' })
    const recreated = change('a', { Name: 'Ann again' })
    const units = planUnits([edit, removal, recreated], keys)
    expect(units.map((u) => u.kind)).toEqual(['delete', 'records'])
    const [gone, back] = units
    if (gone?.kind !== 'delete' || back?.kind !== 'records') throw new Error('unexpected units')
    expect(gone.delete).toEqual({
      objectId: 'a',
      identity: 'ann-1',
      entryIds: [edit.id, removal.id],
      deleteEntryId: removal.id,
    })
    expect(back.records.map((r) => r.entryIds)).toEqual([[recreated.id]])
  })

  it('sends a damaged entry alone, as stored, while the readable changes around it merge', () => {
    const good = change('a', { Name: 'Ann' })
    const damaged = row('a', 'profile', '{"type":"profile","profileData":')
    const later = change('a', { City: 'Oslo' })
    const [unit] = planUnits([good, damaged, later], keys)
    if (unit?.kind !== 'records') throw new Error('expected records')
    const alone = unit.records.find((r) => r.entryIds.includes(damaged.id))
    expect(alone?.entryIds).toEqual([damaged.id])
    expect(alone?.json).toBe(damaged.payload)
    const merged = unit.records.find((r) => r.entryIds.includes(good.id))
    expect(merged?.entryIds).toEqual([good.id, later.id])
  })

  it('plans profiles in the order they first appear in the chunk', () => {
    const rows = [change('b', { Name: 'B' }), change('a', { Name: 'A' }), change('b', { City: 'X' })]
    expect(planUnits(rows, keys).map((u) => u.objectId)).toEqual(['b', 'a'])
  })
})
