// What the sync lists show: a waiting change's time in epoch ms like every other sync time, and an open
// conflict's "mine" as the value "Keep mine" would really send, even after the field was edited again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openApp, startTwoApps, type App, type Sandbox, type TwoApps } from '../../test-support/sync-harness'

describe('waiting changes', () => {
  let app: App | null = null
  afterEach(async () => {
    await app?.close()
    app = null
  })

  it('are stamped in epoch milliseconds, like runs and conflicts', async () => {
    const now = Date.UTC(2025, 5, 1, 9, 30, 15, 250)
    app = openApp({ clock: () => now })
    await app.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Stamped' }] })
    const pending = await app.call('sync.pending.list', {})
    expect(pending.items).toHaveLength(1)
    // The change's own time (kept to the second): the same instant, not a date in 1970.
    expect(pending.items[0]?.createdAt).toBe(Date.UTC(2025, 5, 1, 9, 30, 15))
  })
})

describe('a conflict on a field edited again here', () => {
  let two: TwoApps
  let sandbox: Sandbox
  let a: App
  let b: App
  let id: string

  beforeAll(async () => {
    two = await startTwoApps()
    ;({ sandbox, a, b } = two)
    id = (
      await a.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: 'mine-later' }],
        changes: [{ op: 'set', key: 'Plan', value: 'basic', type: 'string' }],
      })
    ).id
    expect((await a.run('sync.push')).status).toBe('succeeded')
    expect((await b.run('sync.pull')).summary).toMatchObject({ created: 1 })
  })

  afterAll(() => two.stop())

  const plan = (value: string) => [{ op: 'set' as const, key: 'Plan', value, type: 'string' as const }]

  it('shows the latest local value as "mine", and that is what "Keep mine" sends', async () => {
    await a.call('profiles.update', { id, changes: plan('gold') })
    expect((await a.run('sync.push')).status).toBe('succeeded')
    await b.call('profiles.update', { id, changes: plan('silver') })
    expect((await b.run('sync.pull')).summary).toMatchObject({ conflicts: 1 })
    expect((await b.call('sync.conflicts.list', {})).items[0]).toMatchObject({
      mine: 'silver',
      theirs: 'gold',
    })

    // Edited again while the conflict is open: the new value is queued, and the conflict shows it.
    await b.call('profiles.update', { id, changes: plan('platinum') })
    const listed = (await b.call('sync.conflicts.list', {})).items
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ field: 'Plan', mine: 'platinum', theirs: 'gold', base: 'basic' })
    expect((await b.call('sync.profile', { id })).conflicts[0]?.mine).toBe('platinum')

    const kept = await b.call('sync.conflicts.resolve', { id: listed[0]!.id, choice: 'mine' })
    expect(kept).toMatchObject({ resolution: 'mine', mine: 'platinum' })
    expect((await b.run('sync.push')).summary).toMatchObject({ status: 'succeeded', remaining: 0 })
    const remote = (await sandbox.profiles()).find((r) => r.identity === 'mine-later')
    expect(remote?.profileData.Plan).toBe('platinum')
    // The history shows the value that was kept.
    const history = (await b.call('sync.conflicts.list', { includeResolved: true })).items
    expect(history[0]).toMatchObject({ resolution: 'mine', mine: 'platinum' })
  })
})
