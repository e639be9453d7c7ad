// Pull: profiles uploaded by someone else come into the local cache through the store's rules (typed
// values, identifiers, test flag) without creating anything to push back; a profile deleted here is not
// brought back; a download cancelled half-way resumes from its saved cursor.
import { afterEach, describe, expect, it } from 'vitest'
import { openApp, startSandbox, type App, type Sandbox } from '../../test-support/sync-harness'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(
  options: Parameters<typeof startSandbox>[0] = {},
): Promise<{ app: App; sandbox: Sandbox }> {
  const sandbox = await startSandbox(options)
  cleanups.push(() => sandbox.stop())
  const app = openApp()
  cleanups.push(() => app.close())
  await app.configure(sandbox)
  return { app, sandbox }
}

describe('pull', () => {
  it("brings another device's profiles in, typed, with nothing queued to send back", async () => {
    const { app, sandbox } = await setup()
    await sandbox.upload([
      {
        type: 'profile',
        identity: 'remote-1',
        objectId: '__hremote1',
        profileData: {
          Name: 'Rémi Roux',
          Email: 'remi@example.com',
          Phone: '+33612345678',
          Gender: 'male',
          DOB: '$D_631152000',
          'MSG-email': false,
          ct_is_test_user: 'Yes',
          Plan: 'pro',
          Visits: 12,
          Interests: ['golf', 'wine'],
          Renewal: '$D_1893456000',
          FBID: 'fb-remi',
        },
      },
      { type: 'event', identity: 'remote-1', evtName: 'Charged', ts: 1_700_000_000, evtData: { Amount: 10 } },
    ])
    const finished = await app.run('sync.pull')
    expect(finished.summary).toMatchObject({ status: 'succeeded', records: 1, created: 1, conflicts: 0 })
    const profile = await app.call('profiles.lookup', { key: 'remote-1' })
    expect(profile).toMatchObject({ id: '__hremote1', type: 'Identified', isTest: true })
    expect(profile.system).toMatchObject({
      Name: 'Rémi Roux',
      Email: 'remi@example.com',
      Phone: '+33612345678',
      Gender: 'M',
      DOB: 631152000,
      'MSG-email': false,
      FBID: 'fb-remi',
    })
    const custom = Object.fromEntries(profile.custom.map((c) => [c.key, [c.type, c.value]]))
    expect(custom).toEqual({
      Plan: ['string', 'pro'],
      Visits: ['number', 12],
      Interests: ['multi', ['golf', 'wine']],
      Renewal: ['date', 1893456000],
    })
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, lastPullAt: expect.any(Number) })
    // The history names the server as the author of those values.
    const history = await app.call('profiles.history', { id: profile.id })
    expect(history.items.every((entry) => entry.actor === 'sync (from server)')).toBe(true)

    // A second pull changes nothing; a server-side edit comes in as an update.
    expect((await app.run('sync.pull')).summary).toMatchObject({ unchanged: 1, created: 0, updated: 0 })
    await sandbox.upload([
      { type: 'profile', identity: 'remote-1', profileData: { Plan: { $delete: true }, Visits: 13 } },
    ])
    expect((await app.run('sync.pull')).summary).toMatchObject({ updated: 1 })
    const after = await app.call('profiles.get', { id: profile.id })
    expect(after.custom.find((c) => c.key === 'Plan')).toBeUndefined()
    expect(after.custom.find((c) => c.key === 'Visits')?.value).toBe(13)
    expect((await app.call('sync.status', {})).pending).toBe(0)
  })

  it('does not bring back a profile deleted here (the server deletes later)', async () => {
    const { app, sandbox } = await setup()
    await sandbox.upload([{ type: 'profile', identity: 'gone-1', profileData: { Name: 'Gone' } }])
    await app.run('sync.pull')
    const profile = await app.call('profiles.lookup', { key: 'gone-1' })
    await app.call('profiles.delete', { id: profile.id })
    // Pulled before the delete went out: still not back.
    expect((await app.run('sync.pull')).summary).toMatchObject({ created: 0, skipped: 1 })
    expect((await app.run('sync.push')).summary).toMatchObject({ deleted: 1 })
    // Re-upload as if the server were still processing the delete: the tombstone keeps it out.
    await sandbox.upload([
      { type: 'profile', identity: 'gone-1', objectId: profile.id, profileData: { Name: 'Gone' } },
    ])
    expect((await app.run('sync.pull')).summary).toMatchObject({ created: 0, skipped: 1 })
    expect((await app.fail('profiles.lookup', { key: 'gone-1' })).code).toBe('not_found')
  })

  it('resumes a cancelled download from its saved cursor', async () => {
    const { app, sandbox } = await setup({ latencyMs: 20 })
    const records = Array.from({ length: 2000 }, (_, i) => ({
      type: 'profile',
      identity: `bulk-${i}`,
      profileData: { Name: `Bulk ${i}` },
    }))
    for (let i = 0; i < records.length; i += 1000) await sandbox.upload(records.slice(i, i + 1000))

    let cancelled = false
    const off = app.backend.on('job.progress', (event) => {
      if (event.kind === 'sync.pull' && event.done > 0 && !cancelled) {
        cancelled = true
        void app.call('jobs.cancel', { jobId: event.jobId })
      }
    })
    const first = await app.run('sync.pull')
    off()
    expect(first.status).toBe('cancelled')
    const partial = (await app.call('profiles.list', { limit: 1 })).total
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(2000)

    const second = await app.run('sync.pull')
    expect(second.summary).toMatchObject({ status: 'succeeded', resumed: true, created: 2000 - partial })
    expect((await app.call('profiles.list', { limit: 1 })).total).toBe(2000)
    const runs = (await app.call('sync.runs.list', {})).items.map((r) => [r.kind, r.status])
    expect(runs).toEqual([
      ['pull', 'succeeded'],
      ['pull', 'cancelled'],
    ])
  })

  it('"sync now" downloads first, then uploads, as one job', async () => {
    const { app, sandbox } = await setup()
    await sandbox.upload([
      { type: 'profile', identity: 'now-remote', profileData: { Name: 'From the server' } },
    ])
    await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'now-local' }],
      changes: [{ op: 'set', key: 'Name', value: 'From here' }],
    })
    const finished = await app.run('sync.now')
    expect(finished.status).toBe('succeeded')
    expect(finished.summary).toMatchObject({
      pull: { kind: 'pull', created: 1 },
      push: { kind: 'push', records: 1, status: 'succeeded' },
    })
    expect((await app.call('profiles.lookup', { key: 'now-remote' })).system.Name).toBe('From the server')
    expect((await sandbox.profiles()).map((r) => r.name).sort()).toEqual(['From here', 'From the server'])
    expect(await app.call('sync.status', {})).toMatchObject({ state: 'up-to-date', pending: 0 })
  })
})
