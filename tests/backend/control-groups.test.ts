// "Exclude from all control groups" is limited to 20 profiles in the account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONTROL_GROUP_EXCLUSION_LIMIT } from '../../shared/profile/types'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

describe('control-group exclusion', () => {
  it('refuses the 21st with the limit and the current holders, and accepts another after a re-include', async () => {
    const ids: string[] = []
    for (let i = 1; i <= 22; i++) {
      const p = await h.call('profiles.create', {
        changes: [{ op: 'set', key: 'Name', value: `Person ${String(i).padStart(2, '0')}` }],
        identifiers: [{ kind: 'identity', value: `cg-${i}` }],
      })
      ids.push(p.id)
    }
    for (const id of ids.slice(0, 20)) {
      expect(
        (await h.call('profiles.setControlGroupExclusion', { id, excluded: true })).excludedFromControlGroups,
      ).toBe(true)
    }
    const error = await h.fail('profiles.setControlGroupExclusion', { id: ids[20], excluded: true })
    expect(error.code).toBe('limit')
    expect(error.message).toContain(String(CONTROL_GROUP_EXCLUSION_LIMIT))
    expect(error.message).toContain('Person 01')
    expect(error.message).toContain('Person 20')
    const details = error.details as {
      limit: number
      holders: { id: string; name: string; identity: string }[]
    }
    expect(details.limit).toBe(20)
    expect(details.holders).toHaveLength(20)
    expect(details.holders[0]).toEqual({
      id: ids[0],
      name: 'Person 01',
      identity: 'cg-1',
      email: null,
      type: 'Identified',
    })
    expect((await h.call('profiles.get', { id: ids[20] as string })).excludedFromControlGroups).toBe(false)

    // Excluding one that already is excluded is not a 21st.
    expect(
      (await h.call('profiles.setControlGroupExclusion', { id: ids[5] as string, excluded: true }))
        .excludedFromControlGroups,
    ).toBe(true)

    await h.call('profiles.setControlGroupExclusion', { id: ids[3] as string, excluded: false })
    const now = await h.call('profiles.setControlGroupExclusion', { id: ids[20] as string, excluded: true })
    expect(now.excludedFromControlGroups).toBe(true)
    const list = await h.call('profiles.controlGroupExclusions', {})
    expect(list.limit).toBe(20)
    expect(list.holders.map((x) => x.id)).toContain(ids[20])
    expect(list.holders.map((x) => x.id)).not.toContain(ids[3])
    expect((await h.fail('profiles.setControlGroupExclusion', { id: ids[21], excluded: true })).code).toBe(
      'limit',
    )

    const history = await h.call('profiles.history', { id: ids[3] as string, limit: 1 })
    expect(history.items[0]).toMatchObject({
      action: 'controlGroups.include',
      oldValue: true,
      newValue: false,
    })
  })

  it('is kept here only: excluding and re-including write no outbox record (the API has no field for it)', async () => {
    const p = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'cg-local' }] })
    const before = h.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]?.n
    await h.call('profiles.setControlGroupExclusion', { id: p.id, excluded: true })
    await h.call('profiles.setControlGroupExclusion', { id: p.id, excluded: false })
    expect(h.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]?.n).toBe(before)
    // It is still audited, so the profile's history shows who changed it.
    const history = await h.call('profiles.history', { id: p.id, limit: 2 })
    expect(history.items.map((i) => i.action)).toEqual(['controlGroups.include', 'controlGroups.exclude'])
  })
})
