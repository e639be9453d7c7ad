// Every change writes its audit rows and ONE outbox record in the same transaction as the change; a
// change that changes nothing writes nothing at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

const counts = () => ({
  audit: (h.rows<{ n: number }>('SELECT count(*) AS n FROM audit')[0] as { n: number }).n,
  outbox: (h.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0] as { n: number }).n,
})

describe('audit and outbox', () => {
  it('writes an audit row per changed field and one outbox record in CleverTap upload shape', async () => {
    const p = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Ada' }],
      identifiers: [{ kind: 'identity', value: 'ada-1' }],
    })
    h.advance(60_000)
    const before = counts()
    await h.call('profiles.update', {
      id: p.id,
      changes: [
        { op: 'set', key: 'Name', value: 'Ada Lovelace' },
        { op: 'set', key: 'DOB', value: '1815-12-10' },
        { op: 'set', key: 'vip', value: true, type: 'boolean' },
        { op: 'unset', key: 'Name' },
        { op: 'set', key: 'Name', value: 'Ada L.' },
      ],
    })
    const after = counts()
    expect(after.audit - before.audit).toBe(3)
    expect(after.outbox - before.outbox).toBe(1)

    const history = await h.call('profiles.history', { id: p.id, limit: 3 })
    expect(history.items.map((a) => [a.field, a.oldValue, a.newValue, a.actor])).toEqual([
      ['vip', null, true, 'tester'],
      ['DOB', null, Date.UTC(1815, 11, 10) / 1000, 'tester'],
      ['Name', 'Ada', 'Ada L.', 'tester'],
    ])
    const [row] = h.rows<{ payload: string; base: string }>(
      'SELECT payload, base FROM outbox ORDER BY id DESC LIMIT 1',
    )
    expect(JSON.parse(row?.payload ?? '')).toEqual({
      type: 'profile',
      objectId: p.id,
      identity: 'ada-1',
      profileData: { Name: 'Ada L.', DOB: `$D_${Date.UTC(1815, 11, 10) / 1000}`, vip: true },
    })
    // Keys that had no value are left out of the base: a missing key reads as null.
    expect(JSON.parse(row?.base ?? '')).toEqual({ Name: 'Ada' })

    await h.call('profiles.update', { id: p.id, changes: [{ op: 'unset', key: 'vip' }] })
    const [unset] = h.rows<{ payload: string }>('SELECT payload FROM outbox ORDER BY id DESC LIMIT 1')
    expect(JSON.parse(unset?.payload ?? '').profileData).toEqual({ vip: { $delete: true } })
  })

  it('writes nothing for a change that changes nothing: no audit, no outbox, updated_at kept', async () => {
    const p = await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Gender', value: 'M' },
        { op: 'set', key: 'tags', value: ['a', 'b'], type: 'multi' },
      ],
    })
    h.advance(3_600_000)
    const before = counts()
    const same = await h.call('profiles.update', {
      id: p.id,
      changes: [
        { op: 'set', key: 'Gender', value: 'male' },
        { op: 'set', key: 'tags', value: ['a', 'b'] },
        { op: 'unset', key: 'Phone' },
      ],
    })
    expect(counts()).toEqual(before)
    expect(same.updatedAt).toBe(p.updatedAt)
    await h.call('profiles.setTest', { id: p.id, test: false })
    await h.call('profiles.setControlGroupExclusion', { id: p.id, excluded: false })
    expect(counts()).toEqual(before)
    const changed = await h.call('profiles.update', {
      id: p.id,
      changes: [{ op: 'set', key: 'Gender', value: 'F' }],
    })
    expect(changed.updatedAt).toBe(p.updatedAt + 3600)
  })

  it('rolls the change back with its audit rows when the outbox write fails (one transaction)', async () => {
    const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Before' }] })
    const before = counts()
    h.backend.context.db.exec(
      "CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END",
    )
    const error = await h.fail('profiles.update', {
      id: p.id,
      changes: [{ op: 'set', key: 'Name', value: 'After' }],
    })
    expect(error.code).toBe('internal')
    h.backend.context.db.exec('DROP TRIGGER outbox_refuses')
    expect(counts()).toEqual(before)
    const profile = await h.call('profiles.get', { id: p.id })
    expect(profile.system.Name).toBe('Before')
    expect((await h.call('profiles.search', { query: 'after' })).total).toBe(0)
  })

  it('emits profiles.changed after commit, and not for a no-op', async () => {
    const seen: string[][] = []
    h.backend.on('profiles.changed', (e) => seen.push(e.ids))
    const p = await h.call('profiles.create', {})
    await h.call('profiles.update', { id: p.id, changes: [{ op: 'set', key: 'Name', value: 'X' }] })
    await h.call('profiles.update', { id: p.id, changes: [{ op: 'set', key: 'Name', value: 'X' }] })
    expect(seen).toEqual([[p.id], [p.id]])
  })
})
