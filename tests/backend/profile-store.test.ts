// Profile operations through dispatch: create, update with the shared validators, identifiers (unique,
// type derivation), Email as an identifier, Age from the clock, test marking and delete.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

const YEAR_MS = 365.25 * 24 * 3600 * 1000

describe('create, get and update', () => {
  it('stores system and custom properties, normalised by the catalogue', async () => {
    const created = await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: 'Zoë Müller' },
        { op: 'set', key: 'gender', value: 'female' },
        { op: 'set', key: 'Phone', value: '+49 151 2345 6789' },
        { op: 'set', key: 'MSG-email', value: 'false' },
        { op: 'set', key: 'Timezone', value: 'Europe/Berlin' },
        { op: 'set', key: 'plan', value: 'pro', type: 'string' },
        { op: 'set', key: 'loyalty_points', value: 120, type: 'number' },
        { op: 'set', key: 'interests', value: ['music', 'travel'], type: 'multi' },
      ],
    })
    const profile = await h.call('profiles.get', { id: created.id })
    expect(profile.system).toMatchObject({
      Name: 'Zoë Müller',
      Gender: 'F',
      Phone: '+4915123456789',
      'MSG-email': false,
      Timezone: 'Europe/Berlin',
    })
    expect(profile.custom).toEqual([
      { key: 'plan', type: 'string', value: 'pro' },
      { key: 'loyalty_points', type: 'number', value: 120 },
      { key: 'interests', type: 'multi', value: ['music', 'travel'] },
    ])
    expect(profile.type).toBe('Anonymous')
    const updated = await h.call('profiles.update', {
      id: created.id,
      changes: [
        { op: 'unset', key: 'plan' },
        { op: 'set', key: 'loyalty_points', value: '125' },
      ],
    })
    expect(updated.custom).toEqual([
      { key: 'loyalty_points', type: 'number', value: 125 },
      { key: 'interests', type: 'multi', value: ['music', 'travel'] },
    ])
  })

  it('rejects invalid values with an error naming the key, the value and the rule, and writes nothing', async () => {
    const created = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Ann' }] })
    const email = await h.fail('profiles.update', {
      id: created.id,
      changes: [{ op: 'set', key: 'Email', value: 'bob@' }],
    })
    expect(email.code).toBe('validation')
    expect(email.message).toContain('Email')
    expect(email.message).toContain('"bob@"')
    expect(email.details).toMatchObject({
      key: 'Email',
      value: 'bob@',
      rule: 'expected name@domain.tld',
      code: 515,
    })

    const phone = await h.fail('profiles.update', {
      id: created.id,
      changes: [
        { op: 'set', key: 'Name', value: 'Changed' },
        { op: 'set', key: 'Phone', value: '0151 234567' },
      ],
    })
    expect(phone).toMatchObject({
      code: 'validation',
      details: { key: 'Phone', value: '0151 234567', code: 516 },
    })
    expect(phone.message).toMatch(/E\.164/)
    // The whole request is refused: the valid Name change before it did not happen either.
    expect((await h.call('profiles.get', { id: created.id })).system.Name).toBe('Ann')

    const key = await h.fail('profiles.update', {
      id: created.id,
      changes: [{ op: 'set', key: 'bad.key', value: 'x' }],
    })
    expect(key).toMatchObject({ code: 'validation', details: { value: 'bad.key' } })
    const identity = await h.fail('profiles.update', {
      id: created.id,
      changes: [{ op: 'set', key: 'Identity', value: 'u1' }],
    })
    expect(identity.message).toMatch(/Identifiers/)
  })

  it('keeps custom property types per account: another type for a known key is refused, naming both', async () => {
    const a = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'plan', value: 'gold', type: 'string' }],
    })
    const b = await h.call('profiles.create', {})
    const error = await h.fail('profiles.update', {
      id: b.id,
      changes: [{ op: 'set', key: 'plan', value: 3, type: 'number' }],
    })
    expect(error.code).toBe('validation')
    expect(error.message).toContain('"plan"')
    expect(error.message).toContain('string')
    expect(error.message).toContain('number')
    // Without a type, the account's type applies (and validates).
    const ok = await h.call('profiles.update', {
      id: b.id,
      changes: [{ op: 'set', key: 'plan', value: 'silver' }],
    })
    expect(ok.custom).toEqual([{ key: 'plan', type: 'string', value: 'silver' }])
    expect((await h.call('profiles.get', { id: a.id })).custom[0]?.value).toBe('gold')
  })

  it('refuses more than 256 custom keys on a profile', async () => {
    const changes = Array.from({ length: 256 }, (_, i) => ({ op: 'set' as const, key: `k${i}`, value: 'v' }))
    const p = await h.call('profiles.create', { changes })
    expect(p.custom).toHaveLength(256)
    const error = await h.fail('profiles.update', {
      id: p.id,
      changes: [{ op: 'set', key: 'one_more', value: 'v' }],
    })
    expect(error.code).toBe('validation')
    expect(error.message).toContain('256')
  })

  it('answers not_found for an unknown profile id', async () => {
    expect((await h.fail('profiles.get', { id: 'nope' })).code).toBe('not_found')
    expect(
      (await h.fail('profiles.update', { id: 'nope', changes: [{ op: 'set', key: 'Name', value: 'x' }] }))
        .code,
    ).toBe('not_found')
  })
})

describe('identifiers and the derived type', () => {
  it('derives Identified from an Identity or an Email, and back to Anonymous when they go', async () => {
    const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Eve' }] })
    expect(p.type).toBe('Anonymous')
    const withIdentity = await h.call('profiles.identifiers.add', {
      id: p.id,
      identifier: { kind: 'identity', value: 'eve-1' },
    })
    expect(withIdentity.type).toBe('Identified')
    expect(withIdentity.system.Identity).toBe('eve-1')
    const withEmail = await h.call('profiles.update', {
      id: p.id,
      changes: [{ op: 'set', key: 'Email', value: 'Eve@Example.org' }],
    })
    expect(withEmail.identifiers).toEqual([
      { kind: 'identity', value: 'eve-1' },
      { kind: 'email', value: 'Eve@Example.org' },
    ])
    const noIdentity = await h.call('profiles.identifiers.remove', {
      id: p.id,
      identifier: { kind: 'identity', value: 'eve-1' },
    })
    expect(noIdentity.type).toBe('Identified')
    const none = await h.call('profiles.update', { id: p.id, changes: [{ op: 'unset', key: 'Email' }] })
    expect(none.type).toBe('Anonymous')
    expect(none.identifiers).toEqual([])
    expect(
      (await h.call('profiles.list', { filters: { type: 'Anonymous' } })).items.map((i) => i.id),
    ).toEqual([p.id])
  })

  it('setting Email replaces the email identifier; a profile has one Email', async () => {
    const p = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Email', value: 'old@example.com' }],
    })
    const updated = await h.call('profiles.identifiers.add', {
      id: p.id,
      identifier: { kind: 'email', value: 'new@example.com' },
    })
    expect(updated.identifiers).toEqual([{ kind: 'email', value: 'new@example.com' }])
    expect(updated.system.Email).toBe('new@example.com')
    // The old address is free again.
    const other = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Email', value: 'old@example.com' }],
    })
    expect(other.system.Email).toBe('old@example.com')
  })

  it('refuses an identifier another profile holds, naming the holder (emails case-insensitively)', async () => {
    const holder = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Holder Person' }],
      identifiers: [
        { kind: 'identity', value: 'U-1' },
        { kind: 'email', value: 'taken@example.com' },
      ],
    })
    const other = await h.call('profiles.create', {})
    const identity = await h.fail('profiles.identifiers.add', {
      id: other.id,
      identifier: { kind: 'identity', value: 'U-1' },
    })
    expect(identity.code).toBe('conflict')
    expect(identity.message).toContain('Holder Person')
    expect(identity.details).toMatchObject({ holder: { id: holder.id, name: 'Holder Person' } })
    const email = await h.fail('profiles.update', {
      id: other.id,
      changes: [{ op: 'set', key: 'Email', value: 'TAKEN@example.com' }],
    })
    expect(email.code).toBe('conflict')
    const created = await h.fail('profiles.create', { identifiers: [{ kind: 'identity', value: 'U-1' }] })
    expect(created.code).toBe('conflict')
    expect((await h.call('app.info', {})).profileCount).toBe(2)
    // Identity is case-sensitive: 'u-1' is another user.
    expect(
      (
        await h.call('profiles.identifiers.add', {
          id: other.id,
          identifier: { kind: 'identity', value: 'u-1' },
        })
      ).type,
    ).toBe('Identified')
  })

  it('allows the same phone on two profiles (a Duplicate Platform ID case, listed, not refused)', async () => {
    await h.call('profiles.create', { changes: [{ op: 'set', key: 'Phone', value: '+14155550100' }] })
    const second = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Phone', value: '+14155550100' }],
    })
    expect(second.system.Phone).toBe('+14155550100')
  })

  it('flags a second Identity pushed without a login as a bad merge', async () => {
    const p = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'first' }] })
    expect(p.badMerge).toBe(false)
    const merged = await h.call('profiles.identifiers.add', {
      id: p.id,
      identifier: { kind: 'identity', value: 'second' },
    })
    expect(merged.badMerge).toBe(true)
    expect(merged.system.Identity).toBe('first')
  })

  it('needs a name for a custom identifier and refuses placeholders', async () => {
    const p = await h.call('profiles.create', {})
    expect(
      (await h.fail('profiles.identifiers.add', { id: p.id, identifier: { kind: 'custom', value: 'x1' } }))
        .code,
    ).toBe('validation')
    const crm = await h.call('profiles.identifiers.add', {
      id: p.id,
      identifier: { kind: 'custom', name: 'crm_id', value: 'C-9' },
    })
    expect(crm.identifiers).toEqual([{ kind: 'custom', name: 'crm_id', value: 'C-9' }])
    const placeholder = await h.fail('profiles.identifiers.add', {
      id: p.id,
      identifier: { kind: 'identity', value: 'N/A' },
    })
    expect(placeholder.code).toBe('validation')
    expect(placeholder.message).toContain('placeholder')
    const missing = await h.fail('profiles.identifiers.remove', {
      id: p.id,
      identifier: { kind: 'identity', value: 'absent' },
    })
    expect(missing.code).toBe('not_found')
  })
})

describe('Age', () => {
  it('is computed from DOB at read time and moves with the clock', async () => {
    // Born 2000-06-20; the clock starts 2026-06-15.
    const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'DOB', value: '2000-06-20' }] })
    expect(p.system.DOB).toBe(Date.UTC(2000, 5, 20) / 1000)
    expect(p.age).toBe(25)
    h.advance(5 * 24 * 3600 * 1000) // 2026-06-20: the birthday itself
    expect((await h.call('profiles.get', { id: p.id })).age).toBe(26)
    h.advance(10 * YEAR_MS)
    expect((await h.call('profiles.get', { id: p.id })).age).toBe(36)
  })

  it('falls back to a custom birthday date, then an explicit Age, else null', async () => {
    const birthday = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'birthday', value: '1990-01-01', type: 'date' }],
    })
    expect(birthday.age).toBe(36)
    const explicit = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Age', value: '41' }] })
    expect(explicit.age).toBe(41)
    expect((await h.call('profiles.create', {})).age).toBeNull()
  })
})

describe('test profiles and delete', () => {
  it('marks ct_is_test_user = "Yes" and unmarks it, round trip', async () => {
    const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'QA' }] })
    const marked = await h.call('profiles.setTest', { id: p.id, test: true })
    expect(marked.isTest).toBe(true)
    expect(marked.system.ct_is_test_user).toBe('Yes')
    expect((await h.call('profiles.list', { filters: { test: true } })).items.map((i) => i.id)).toEqual([
      p.id,
    ])
    const unmarked = await h.call('profiles.setTest', { id: p.id, test: false })
    expect(unmarked.isTest).toBe(false)
    expect(unmarked.system.ct_is_test_user).toBeUndefined()
    expect((await h.call('profiles.list', { filters: { test: true } })).total).toBe(0)
    const payloads = h
      .rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'profile' ORDER BY id")
      .map((r) => JSON.parse(r.payload))
    expect(payloads.slice(-2).map((p) => p.profileData)).toEqual([
      { ct_is_test_user: 'Yes' },
      { ct_is_test_user: { $delete: true } },
    ])
    // Setting it as a plain property is refused: marking is the way.
    expect(
      (
        await h.fail('profiles.update', {
          id: p.id,
          changes: [{ op: 'set', key: 'ct_is_test_user', value: 'Yes' }],
        })
      ).code,
    ).toBe('validation')
  })

  it('deletes a profile with its identifiers and events, keeps its history, queues a delete', async () => {
    const p = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'gone' }] })
    await h.call('events.record', { deviceId: 'dev-gone', identity: 'gone', name: 'App Opened' })
    expect(await h.call('profiles.delete', { id: p.id })).toEqual({ deleted: true })
    expect((await h.fail('profiles.get', { id: p.id })).code).toBe('not_found')
    expect(h.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }])
    expect((await h.call('profiles.search', { query: 'gone' })).total).toBe(0)
    const history = await h.call('profiles.history', { id: p.id })
    expect(history.items[0]).toMatchObject({ action: 'profile.delete', actor: 'tester' })
    const outbox = h.rows<{ kind: string; payload: string }>(
      "SELECT kind, payload FROM outbox WHERE kind = 'delete'",
    )
    expect(outbox.map((r) => JSON.parse(r.payload))).toEqual([
      { type: 'delete', objectId: p.id, identity: 'gone' },
    ])
    // The identity is free for a new profile.
    expect(
      (await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'gone' }] })).type,
    ).toBe('Identified')
  })
})
