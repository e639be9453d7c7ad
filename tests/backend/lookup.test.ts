// profiles.lookup finds a profile by every identifier a person may paste: profile id, Identity, Email,
// Phone, FBID, GPID, a custom identifier (custom:NAME=VALUE) or any key with its kind spelled out. A key
// several profiles match (a phone two profiles share) is refused as ambiguous, listing them all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LookupCandidate } from '../../shared/profile/types'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
let ann: string
let bob: string
beforeEach(async () => {
  h = openHarness()
  ann = (
    await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: 'Ann Example' },
        { op: 'set', key: 'Phone', value: '+14155550100' },
      ],
      identifiers: [
        { kind: 'identity', value: 'ann-1' },
        { kind: 'email', value: 'Ann@Example.com' },
        { kind: 'fbid', value: '100004567' },
        { kind: 'gpid', value: '112233445566' },
        { kind: 'custom', name: 'crm_id', value: 'A-17' },
      ],
    })
  ).id
  bob = (
    await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: 'Bob Example' },
        { op: 'set', key: 'Phone', value: '+442071234567' },
      ],
      identifiers: [{ kind: 'identity', value: 'bob-1' }],
    })
  ).id
})
afterEach(async () => {
  await h.close()
})

const found = async (key: string) => (await h.call('profiles.lookup', { key })).id

describe('profiles.lookup', () => {
  it.each([
    ['profile id', () => ann],
    ['identity', () => 'ann-1'],
    ['email, in any case', () => 'ann@EXAMPLE.com'],
    ['phone in E.164', () => '+14155550100'],
    ['phone as the wire sends it (no +)', () => '14155550100'],
    ['FBID', () => '100004567'],
    ['GPID', () => '112233445566'],
    ['custom identifier', () => 'custom:crm_id=A-17'],
    ['custom identifier value alone', () => 'A-17'],
    ['id: prefix', () => `id:${ann}`],
    ['identity: prefix', () => 'identity:ann-1'],
    ['email: prefix', () => 'email:ann@example.com'],
    ['phone: prefix', () => 'phone:+1 (415) 555-0100'],
    ['fbid: prefix', () => 'fbid:100004567'],
    ['gpid: prefix', () => 'gpid:112233445566'],
  ])('finds a profile by %s', async (_, key) => {
    expect(await found(key())).toBe(ann)
  })

  it('a prefix limits the kind: an identity is not found as an email, a custom value needs its name', async () => {
    expect((await h.fail('profiles.lookup', { key: 'email:ann-1' })).code).toBe('not_found')
    expect((await h.fail('profiles.lookup', { key: 'custom:other_id=A-17' })).code).toBe('not_found')
    expect((await h.fail('profiles.lookup', { key: 'fbid:112233445566' })).code).toBe('not_found')
  })

  it('says what it looked for when nothing matches', async () => {
    const error = await h.fail('profiles.lookup', { key: 'nobody' })
    expect(error.code).toBe('not_found')
    expect(error.message).toBe(
      'No profile has the profile id, Identity, Email, Phone, FBID, GPID or custom identifier "nobody".',
    )
  })

  it('refuses a malformed custom key with how to write it', async () => {
    const error = await h.fail('profiles.lookup', { key: 'custom:crm_id' })
    expect(error.code).toBe('validation')
    expect(error.message).toContain('custom:NAME=VALUE')
  })

  it('a phone two profiles share is ambiguous: conflict, with both candidates and what matched', async () => {
    await h.call('profiles.update', {
      id: bob,
      changes: [{ op: 'set', key: 'Phone', value: '+14155550100' }],
    })
    const error = await h.fail('profiles.lookup', { key: '+14155550100' })
    expect(error.code).toBe('conflict')
    expect(error.message).toContain('matches 2 profiles')
    const details = error.details as { key: string; total: number; candidates: LookupCandidate[] }
    expect(details.total).toBe(2)
    expect(details.candidates.map((c) => [c.id, c.name, c.matchedBy])).toEqual([
      [ann, 'Ann Example', ['Phone']],
      [bob, 'Bob Example', ['Phone']],
    ])
  })

  it('a value that is one profile identity and another one custom identifier is ambiguous too', async () => {
    await h.call('profiles.identifiers.add', {
      id: bob,
      identifier: { kind: 'custom', name: 'legacy_id', value: 'ann-1' },
    })
    const error = await h.fail('profiles.lookup', { key: 'ann-1' })
    expect(error.code).toBe('conflict')
    const details = error.details as { candidates: LookupCandidate[] }
    expect(details.candidates.map((c) => c.matchedBy)).toEqual([['Identity'], ['legacy_id']])
    // Naming the kind settles it.
    expect(await found('identity:ann-1')).toBe(ann)
    expect(await found('custom:legacy_id=ann-1')).toBe(bob)
  })
})
