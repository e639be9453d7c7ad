// After a restore, nothing the server already accepted is sent again (an event, a $incr), new changes get
// ids after every id ever used, and the next sync pulls before it pushes. Real sandbox over HTTP.
import { describe, expect, it } from 'vitest'
import { stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()

describe('restore and sync', () => {
  it('sends nothing twice and pulls first', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    const profile = await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'walker' }],
    })
    await app.pushUntilDone()

    // Queued locally: an event and a counter increment (as an operation record).
    await app.call('events.record', { deviceId: 'dev-1', identity: 'walker', name: 'Walked', props: {} })
    app.backend.context.db
      .prepare(
        "INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, 'profile', ?, '{}', 1)",
      )
      .run(
        profile.id,
        JSON.stringify({ type: 'profile', objectId: profile.id, profileData: { Steps: { $incr: 5 } } }),
      )
    expect((await app.call('sync.status', {})).pending).toBe(2)
    const backup = await app.call('backup.create', {})

    // The server accepts both after the backup was made.
    await app.pushUntilDone()
    const serverState = async () => {
      const record = (await sandbox.profiles()).find((r) => r.identity === 'walker')
      return { walked: record?.events?.Walked?.count ?? 0, steps: record?.profileData.Steps }
    }
    expect(await serverState()).toEqual({ walked: 1, steps: 5 })
    const lastId =
      app.rows<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")[0]?.seq ?? 0

    const restored = await app.call('backup.restore', { backup: backup.name, confirm: true })
    expect(restored.alreadySent).toBe(2)
    expect((await app.call('sync.status', {})).pending).toBe(0)

    // A change made after the restore gets an id no earlier entry ever had.
    await app.call('profiles.update', {
      id: profile.id,
      changes: [{ op: 'set', key: 'Name', value: 'Walker' }],
    })
    const newIds = app.rows<{ id: number }>(
      'SELECT id FROM outbox WHERE id NOT IN (SELECT id FROM outbox_done)',
    )
    expect(newIds.map((r) => r.id)).toEqual([lastId + 1])

    const runsBefore = app.rows<{ id: number }>('SELECT id FROM sync_runs').length
    const pushed = await app.run('sync.push')
    expect(pushed.status).toBe('succeeded')
    const runs = app
      .rows<{ kind: string; trigger: string }>('SELECT kind, trigger FROM sync_runs ORDER BY id')
      .slice(runsBefore)
    expect(runs.map((r) => r.kind)).toEqual(['pull', 'push'])
    expect(await serverState()).toEqual({ walked: 1, steps: 5 })
    // The pull happened once: the next push goes straight out.
    await app.call('profiles.update', { id: profile.id, changes: [{ op: 'set', key: 'Name', value: 'W.' }] })
    await app.run('sync.push')
    const later = app.rows<{ kind: string }>('SELECT kind FROM sync_runs ORDER BY id').slice(runsBefore + 2)
    expect(later.map((r) => r.kind)).toEqual(['push'])
  }, 60_000)
})
