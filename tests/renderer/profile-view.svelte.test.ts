// ProfileView, the profile page's state: it loads the profile with the first pages of its timeline and
// history, sends each edit the page makes as the backend's request, shows what the backend answers and
// brings the history up to date, and passes a refusal on to the field that asked.
import { beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/ipc/envelope'
import type { AuditEntry, ProfileDetail, ProfileEvent } from '../../shared/profile/types'
import { api } from '../../renderer/src/lib/api/client'
import {
  HISTORY_PAGE_SIZE,
  ProfileView,
  TIMELINE_PAGE_SIZE,
} from '../../renderer/src/lib/state/profile-view.svelte'
import { deferred, FakeTransport } from '../../test-support/fake-transport'

const ID = '__g1'

function detail(changes: Partial<ProfileDetail> = {}): ProfileDetail {
  return {
    id: ID,
    type: 'Identified',
    isTest: false,
    excludedFromControlGroups: false,
    identifiers: [{ kind: 'identity', value: 'ann-1' }],
    system: { Name: 'Ann' },
    custom: [],
    age: null,
    eventSummaries: [],
    badMerge: false,
    createdAt: 1,
    updatedAt: 1,
    ...changes,
  }
}

function event(id: number): ProfileEvent {
  return { id, name: 'Charged', ts: id, props: {}, anonymous: false, profileId: ID, deviceId: null }
}

function audit(id: number): AuditEntry {
  return {
    id,
    at: id,
    actor: 'user',
    action: 'update',
    field: 'Name',
    oldValue: null,
    newValue: 'Ann',
    changeSet: id,
    changeSetKind: 'edit',
    changeSetLabel: 'Edit of Ann',
  }
}

let transport: FakeTransport
/** What the backend holds: the profile and its history (newest first). */
let stored: ProfileDetail
let history: AuditEntry[]

beforeEach(() => {
  stored = detail()
  history = [audit(2), audit(1)]
  transport = new FakeTransport()
    .handle('profiles.get', () => stored)
    .handle('profiles.events', ({ offset = 0, limit = 25 }) => {
      const all = Array.from({ length: 30 }, (_, index) => event(30 - index))
      return { items: all.slice(offset, offset + limit), total: all.length }
    })
    .handle('profiles.history', ({ offset = 0, limit = 25 }) => ({
      items: history.slice(offset, offset + limit),
      total: history.length,
    }))
    .handle('profiles.update', ({ changes }) => {
      history = [audit(history.length + 1), ...history]
      stored = detail({
        system: { ...stored.system, ...Object.fromEntries(changes.map((c) => [c.key, 'changed'])) },
      })
      return stored
    })
    .handle('profiles.setTest', ({ test }) => (stored = detail({ isTest: test })))
  api.attach(transport)
})

/** Lets the reloads an edit starts finish. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve()
}

describe('ProfileView', () => {
  it('loads the profile with the first page of its timeline and of its history', async () => {
    const view = new ProfileView(ID)
    expect(view.loading).toBe(true)
    await view.refresh()
    expect(view.loading).toBe(false)
    expect(view.detail?.system).toEqual({ Name: 'Ann' })
    expect(view.events.items).toHaveLength(TIMELINE_PAGE_SIZE)
    expect(view.events.total).toBe(30)
    expect(view.events.hasMore).toBe(true)
    expect(view.history.items.map((entry) => entry.id)).toEqual([2, 1])
    expect(transport.requestsOf('profiles.history')).toEqual([
      { id: ID, offset: 0, limit: HISTORY_PAGE_SIZE },
    ])
  })

  it('sends a property edit as one change, shows the answer and reloads the history', async () => {
    const view = new ProfileView(ID)
    await view.refresh()
    await view.setProperty('Name', 'Bea')
    expect(transport.requestsOf('profiles.update')).toEqual([
      { id: ID, changes: [{ op: 'set', key: 'Name', value: 'Bea' }] },
    ])
    expect(view.detail?.system['Name']).toBe('changed')
    await settle()
    expect(view.history.items.map((entry) => entry.id)).toEqual([3, 2, 1])
  })

  it('unsets a property given null, and says the type of a custom one', async () => {
    const view = new ProfileView(ID)
    await view.refresh()
    await view.setProperty('plan', null)
    await view.setProperty('score', 7, 'number')
    await view.setPreferences({ 'MSG-email': true, 'MSG-sms': false })
    expect(transport.requestsOf('profiles.update').map((request) => request.changes)).toEqual([
      [{ op: 'unset', key: 'plan' }],
      [{ op: 'set', key: 'score', value: 7, type: 'number' }],
      [
        { op: 'set', key: 'MSG-email', value: true },
        { op: 'set', key: 'MSG-sms', value: false },
      ],
    ])
  })

  it('throws a refused edit for the field that asked, and keeps what is shown', async () => {
    transport.handle('profiles.identifiers.add', () => {
      throw new AppError('conflict', 'That email already belongs to another profile.')
    })
    const view = new ProfileView(ID)
    await view.refresh()
    const before = view.detail
    await expect(view.addIdentifier({ kind: 'email', value: 'x@example.com' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'That email already belongs to another profile.',
    })
    expect(view.detail).toBe(before)
  })

  it('keeps the shown timeline rows when an edit reloads it', async () => {
    const view = new ProfileView(ID)
    await view.refresh()
    await view.events.loadMore()
    expect(view.events.items).toHaveLength(30)
    await view.setTest(true)
    expect(view.detail?.isTest).toBe(true)
    await settle()
    expect(transport.requestsOf('profiles.events').at(-1)).toEqual({ id: ID, offset: 0, limit: 30 })
    expect(view.events.items).toHaveLength(30)
  })

  it('ignores a refresh reply that an edit overtook', async () => {
    const slow = deferred<ProfileDetail>()
    transport.handle('profiles.get', () => slow.promise)
    const view = new ProfileView(ID)
    const refreshing = view.refresh()
    await view.setTest(true)
    slow.resolve(detail({ isTest: false }))
    await refreshing
    expect(view.detail?.isTest).toBe(true)
  })
})
