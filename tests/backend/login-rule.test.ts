// The login rule of PRODUCT.md §2 through events.record: Scenario 1, Scenario 2 (greyed, never counted),
// the same user again, and a different user logging in on an identified device.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

const countOf = (summaries: { name: string; count: number }[], name: string) =>
  summaries.find((s) => s.name === name)?.count ?? 0

describe('events.record and the login rule', () => {
  it('creates an anonymous profile for an unknown device, whose id is the device id', async () => {
    const result = await h.call('events.record', {
      deviceId: 'device-A',
      name: 'App Opened',
      ts: 1_700_000_000,
    })
    expect(result).toMatchObject({ profileId: 'device-A', login: 'none' })
    const profile = await h.call('profiles.get', { id: 'device-A' })
    expect(profile.type).toBe('Anonymous')
    expect(profile.eventSummaries).toEqual([
      { name: 'App Opened', count: 1, firstSeen: 1_700_000_000, lastSeen: 1_700_000_000 },
    ])
  })

  it('Scenario 1: the anonymous device profile becomes the new identity’s, and both events count', async () => {
    await h.call('events.record', { deviceId: 'P', name: 'Product Viewed', ts: 1_700_000_000 })
    const login = await h.call('events.record', {
      deviceId: 'P',
      identity: 'alice',
      name: 'Charged',
      ts: 1_700_000_100,
      props: { Amount: 20 },
    })
    expect(login).toMatchObject({ profileId: 'P', login: 'became' })

    const profile = await h.call('profiles.get', { id: 'P' })
    expect(profile.type).toBe('Identified')
    expect(profile.identifiers).toContainEqual({ kind: 'identity', value: 'alice' })
    expect(countOf(profile.eventSummaries, 'Product Viewed')).toBe(1)
    expect(countOf(profile.eventSummaries, 'Charged')).toBe(1)
    const events = await h.call('profiles.events', { id: 'P' })
    expect(events.items.map((e) => [e.name, e.anonymous])).toEqual([
      ['Charged', false],
      ['Product Viewed', false],
    ])
    // Later events from the same device with the same identity: a plain push.
    const again = await h.call('events.record', { deviceId: 'P', identity: 'alice', name: 'App Opened' })
    expect(again.login).toBe('same')
    // The identity attached by the login is audited and queued for sync.
    const history = await h.call('profiles.history', { id: 'P' })
    expect(
      history.items.some(
        (a) => a.action === 'login.became' && a.field === 'Identity' && a.newValue === 'alice',
      ),
    ).toBe(true)
  })

  it('Scenario 2: a device logging in as an existing user keeps its anonymous events on Q, greyed on X, never counted', async () => {
    const x = await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'bob' }] })
    await h.call('events.record', {
      deviceId: 'phone-1',
      identity: 'bob',
      name: 'App Opened',
      ts: 1_700_000_000,
    })

    await h.call('events.record', { deviceId: 'laptop-Q', name: 'Product Viewed', ts: 1_700_001_000 })
    const login = await h.call('events.record', {
      deviceId: 'laptop-Q',
      identity: 'bob',
      name: 'Charged',
      ts: 1_700_001_100,
    })
    expect(login).toMatchObject({ profileId: x.id, login: 'switched' })

    // B landed on X; A stayed on Q, which stays a separate anonymous profile with its own count.
    const q = await h.call('profiles.get', { id: 'laptop-Q' })
    expect(q.type).toBe('Anonymous')
    expect(countOf(q.eventSummaries, 'Product Viewed')).toBe(1)
    const profileX = await h.call('profiles.get', { id: x.id })
    expect(countOf(profileX.eventSummaries, 'Product Viewed')).toBe(0)
    expect(countOf(profileX.eventSummaries, 'Charged')).toBe(1)

    // X's timeline shows A greyed, as done in anonymous mode on Q.
    const timeline = await h.call('profiles.events', { id: x.id })
    expect(timeline.total).toBe(3)
    expect(timeline.items.map((e) => ({ name: e.name, anonymous: e.anonymous, on: e.profileId }))).toEqual([
      { name: 'Charged', anonymous: false, on: x.id },
      { name: 'Product Viewed', anonymous: true, on: 'laptop-Q' },
      { name: 'App Opened', anonymous: false, on: x.id },
    ])
    expect(h.rows('SELECT count(*) AS n FROM anonymous_links')).toEqual([{ n: 1 }])

    // The device now belongs to X: a later event without identity lands on X.
    const later = await h.call('events.record', { deviceId: 'laptop-Q', name: 'App Opened' })
    expect(later).toMatchObject({ profileId: x.id, login: 'none' })
  })

  it('a different identity on an identified device switches to that user, or to a new profile for a new one', async () => {
    await h.call('events.record', { deviceId: 'shared-tablet', identity: 'carol', name: 'App Opened' })
    const dave = await h.call('events.record', {
      deviceId: 'shared-tablet',
      identity: 'dave',
      name: 'App Opened',
    })
    expect(dave.login).toBe('switched')
    expect(dave.profileId).not.toBe('shared-tablet')
    const carol = await h.call('profiles.get', { id: 'shared-tablet' })
    expect(carol.identifiers).toEqual([{ kind: 'identity', value: 'carol' }])
    const daveProfile = await h.call('profiles.get', { id: dave.profileId })
    expect(daveProfile.identifiers).toEqual([{ kind: 'identity', value: 'dave' }])
    // Back to carol: her existing profile, no anonymous link (nothing was anonymous).
    const back = await h.call('events.record', {
      deviceId: 'shared-tablet',
      identity: 'carol',
      name: 'App Opened',
    })
    expect(back).toMatchObject({ profileId: 'shared-tablet', login: 'switched' })
    expect(h.rows('SELECT count(*) AS n FROM anonymous_links')).toEqual([{ n: 0 }])
    expect((await h.call('profiles.events', { id: 'shared-tablet' })).items.every((e) => !e.anonymous)).toBe(
      true,
    )
  })

  it('summaries keep count, first seen and last seen whatever the arrival order, and last seen goes on the profile', async () => {
    for (const ts of [1_700_000_500, 1_700_000_100, 1_700_000_900]) {
      await h.call('events.record', { deviceId: 'D', name: 'App Opened', ts })
    }
    const profile = await h.call('profiles.get', { id: 'D' })
    expect(profile.eventSummaries).toEqual([
      { name: 'App Opened', count: 3, firstSeen: 1_700_000_100, lastSeen: 1_700_000_900 },
    ])
    const listed = await h.call('profiles.search', { query: 'D' })
    expect(listed.items[0]).toMatchObject({ id: 'D', lastSeen: 1_700_000_900 })
  })

  it('queues every event for sync with its CleverTap record shape', async () => {
    await h.call('events.record', {
      deviceId: 'E',
      name: 'Charged',
      ts: 1_700_000_000,
      props: { Amount: 12.5, Currency: 'EUR' },
    })
    const outbox = h.rows<{ kind: string; payload: string }>(
      "SELECT kind, payload FROM outbox WHERE kind = 'event'",
    )
    expect(outbox.map((r) => JSON.parse(r.payload))).toEqual([
      {
        type: 'event',
        objectId: 'E',
        evtName: 'Charged',
        ts: 1_700_000_000,
        evtData: { Amount: 12.5, Currency: 'EUR' },
      },
    ])
  })

  it('refuses a placeholder identity, a millisecond timestamp and a bad property key with validation errors', async () => {
    const placeholder = await h.fail('events.record', {
      deviceId: 'F',
      identity: 'null',
      name: 'App Opened',
    })
    expect(placeholder.code).toBe('validation')
    expect(placeholder.message).toContain('"null"')
    const millis = await h.fail('events.record', {
      deviceId: 'F',
      name: 'App Opened',
      ts: 1_700_000_000_000,
    })
    expect(millis).toMatchObject({ code: 'validation', details: { key: 'ts' } })
    const key = await h.fail('events.record', { deviceId: 'F', name: 'App Opened', props: { 'a.b': 1 } })
    expect(key.code).toBe('validation')
    expect(h.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }])
  })
})
