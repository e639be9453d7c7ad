// The profile page's links from an error: "Open the profile that holds it" on an identifier conflict and
// the holders of the control-group places. The details are taken from real backend replies, so the
// renderer and the backend cannot drift apart on the envelope's shape again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exclusionHolders, identifierHolderId } from '../../renderer/src/lib/profile/error-details'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

describe('error details the profile page links from', () => {
  it('an identifier conflict names the holder: details.holder.id is the profile to open', async () => {
    const holder = await h.call('profiles.create', {
      identifiers: [
        { kind: 'identity', value: 'held-1' },
        { kind: 'email', value: 'held@example.com' },
      ],
    })
    const other = await h.call('profiles.create', {})
    const byIdentity = await h.fail('profiles.identifiers.add', {
      id: other.id,
      identifier: { kind: 'identity', value: 'held-1' },
    })
    expect(byIdentity.code).toBe('conflict')
    expect(byIdentity.details).toMatchObject({ kind: 'identity', value: 'held-1', holder: { id: holder.id } })
    expect(identifierHolderId(byIdentity.details)).toBe(holder.id)
    const byEmail = await h.fail('profiles.update', {
      id: other.id,
      changes: [{ op: 'set', key: 'Email', value: 'HELD@example.com' }],
    })
    expect(identifierHolderId(byEmail.details)).toBe(holder.id)
  })

  it('reads nothing from details that do not name a holder', () => {
    expect(identifierHolderId(undefined)).toBeNull()
    expect(identifierHolderId({ profileId: 'x' })).toBeNull()
    expect(identifierHolderId({ holder: null })).toBeNull()
    expect(exclusionHolders({ limit: 20 })).toBeNull()
  })

  it('a refused 21st exclusion lists the holders of the 20 places', async () => {
    const ids: string[] = []
    for (let i = 0; i < 21; i++) ids.push((await h.call('profiles.create', {})).id)
    for (const id of ids.slice(0, 20))
      await h.call('profiles.setControlGroupExclusion', { id, excluded: true })
    const error = await h.fail('profiles.setControlGroupExclusion', { id: ids[20], excluded: true })
    expect(error.code).toBe('limit')
    expect(
      exclusionHolders(error.details)
        ?.map((holder) => holder.id)
        .sort(),
    ).toEqual(ids.slice(0, 20).sort())
  })
})
