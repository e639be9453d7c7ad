// CleverTap's restricted system events (App Launched, Stayed, UTM Visited, Notification Sent/Viewed/
// Clicked) are refused when recorded here, with the service's 513 text, instead of being parked at sync.
// Such events that arrive another way (a pull, sample data made to look pulled) are stored and shown but
// never queued for upload. The app, the imports and the sandbox share one list (shared/profile).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  isRestrictedEventName,
  RESTRICTED_EVENT_NAMES,
  RESTRICTED_EVENT_TEXT,
} from '../../shared/profile/restricted-events'
import { openChangeSet } from '../../electron/backend/core/changes/change-sets'
import { applyEvent } from '../../electron/backend/core/profiles/login'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness
beforeEach(() => {
  h = openHarness()
})
afterEach(async () => {
  await h.close()
})

describe('restricted system events', () => {
  it.each([...RESTRICTED_EVENT_NAMES, 'app launched', 'NOTIFICATION SENT'])(
    'events.record refuses "%s" with the 513 text and stores nothing',
    async (name) => {
      const error = await h.fail('events.record', { deviceId: 'dev-1', identity: 'u-1', name })
      expect(error.code).toBe('validation')
      expect(
        error.message.startsWith(`${RESTRICTED_EVENT_TEXT} "${name}" is raised by CleverTap's own SDKs`),
      ).toBe(true)
      expect(error.details).toMatchObject({ key: 'evtName', value: name, code: 513 })
      expect(h.rows('SELECT count(*) AS n FROM profiles')).toEqual([{ n: 0 }])
      expect(h.rows('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }])
    },
  )

  it('other names are recorded and queued as before', async () => {
    await h.call('events.record', { deviceId: 'dev-1', name: 'App Opened' })
    expect(h.rows<{ kind: string }>('SELECT kind FROM outbox')).toEqual([{ kind: 'event' }])
    expect(isRestrictedEventName('Launched App')).toBe(false)
  })

  it('a restricted event that arrives from elsewhere (a pull) is stored and shown, never queued', async () => {
    const db = h.backend.context.db
    const changeSet = openChangeSet(db, { kind: 'pull', actor: 'sync (from server)', label: 'test' })
    const options = { at: 1_700_000_000, actor: 'sync (from server)', outbox: true, changeSet }
    db.transaction(() => {
      applyEvent(db, { deviceId: 'dev-2', name: 'App Launched', props: {}, ts: 1_700_000_000 }, options)
      applyEvent(db, { deviceId: 'dev-2', name: 'Charged', props: { Amount: 3 }, ts: 1_700_000_100 }, options)
    })()
    const timeline = await h.call('profiles.events', { id: 'dev-2' })
    expect(timeline.items.map((e) => e.name)).toEqual(['Charged', 'App Launched'])
    const detail = await h.call('profiles.get', { id: 'dev-2' })
    expect(detail.eventSummaries.map((s) => s.name).sort()).toEqual(['App Launched', 'Charged'])
    const queued = h
      .rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'event'")
      .map((r) => (JSON.parse(r.payload) as { evtName: string }).evtName)
    expect(queued).toEqual(['Charged'])
  })

  it('sample data shows App Launched events and queues nothing', async () => {
    const done = new Promise<void>((resolve) => {
      const off = h.backend.on('job.finished', () => {
        off()
        resolve()
      })
    })
    await h.call('sample.load', { profiles: 50 })
    await done
    expect(
      h.rows<{ n: number }>("SELECT count(*) AS n FROM events WHERE name = 'App Launched'")[0]?.n,
    ).toBeGreaterThan(0)
    expect(h.rows('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }])
  })
})
