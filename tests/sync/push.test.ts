// Push against the sandbox over real HTTP: refused credentials stop at once, 429 and 5xx are retried with
// growing waits, a record the server refuses is parked with the server's code and message and goes again
// once the person fixes the profile, and a reply lost after the server applied a change does not make it
// count twice.
import { describe, expect, it, vi } from 'vitest'
import { writeEventOutbox } from '../../electron/backend/core/profiles/outbox'
import { backoffDelay } from '../../electron/backend/core/sync/backoff'
import { DEFAULT_RETRY } from '../../electron/backend/core/sync/options'
import { type App, headers, PASSCODE, stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()

/** A sleep that waits for real and records what it was asked to wait. */
function recordingSleep(waits: number[]) {
  return async (ms: number) => {
    waits.push(ms)
    await new Promise((resolve) => setTimeout(resolve, ms))
  }
}

/** Answers the given draws in turn, then `rest` forever. */
function draws(values: number[], rest: number): () => number {
  return () => values.shift() ?? rest
}

async function oneChange(app: App, identity = 'p-1'): Promise<string> {
  const profile = await app.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: identity }],
    changes: [{ op: 'set', key: 'Name', value: 'Ann Lee' }],
  })
  return profile.id
}

describe('backoff', () => {
  it('waits longer after each failure, with jitter, up to the cap', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, DEFAULT_RETRY, () => 0))
    const high = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, DEFAULT_RETRY, () => 0.999))
    expect(low).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000])
    expect(high[0]).toBeGreaterThan(low[0]!)
    // Below the cap, even the luckiest wait is not shorter than the previous unluckiest one.
    for (let i = 1; i < 6; i += 1) expect(low[i]).toBeGreaterThanOrEqual(high[i - 1]! - 1)
    expect(Math.max(...high)).toBeLessThanOrEqual(DEFAULT_RETRY.maxDelayMs)
  })
})

describe('credentials', () => {
  it('stops at the first 401, keeps every change and says credentials are needed', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox, { passcode: 'wrong-passcode' })
    await oneChange(app)
    const finished = await app.run('sync.push')
    expect(finished.status).toBe('failed')
    expect(finished.error?.code).toBe('unauthorized')
    expect(finished.error?.message).toContain('refused the account id or passcode')
    // No retry of a refused passcode.
    expect(sandbox.server.stats().responses[401]).toBe(1)
    const status = await app.call('sync.status', {})
    expect(status).toMatchObject({ state: 'unauthorized', connection: 'unauthorized', pending: 1 })
    expect(status.headline).toBe('Credentials refused: check the account id and passcode · 1 change waiting')

    await app.call('sync.settings.set', { passcode: PASSCODE })
    expect((await app.run('sync.push')).status).toBe('succeeded')
    expect(await app.call('sync.status', {})).toMatchObject({ state: 'up-to-date', pending: 0 })
    // Accepted entries leave the queue at once and their rows are deleted in the background.
    await vi.waitFor(() =>
      expect(app.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')).toEqual([{ n: 0 }]),
    )
  })
})

describe('retries', () => {
  it('retries 5xx with growing waits, then succeeds', async () => {
    // The sandbox draws once per request: two 503s, then successes.
    const sandbox = await sandboxWith({ failRate: 0.5, random: draws([0.1, 0.2], 0.9) })
    const waits: number[] = []
    const app = appWith({ sync: { sleep: recordingSleep(waits), precheckLimit: 0 } })
    await app.configure(sandbox)
    await oneChange(app)
    const finished = await app.run('sync.push')
    expect(finished.status).toBe('succeeded')
    expect(finished.summary).toMatchObject({ records: 1, requests: 3, retries: 2 })
    expect(sandbox.server.stats().injectedFailures).toBe(2)
    expect(waits).toHaveLength(2)
    expect(waits[1]).toBeGreaterThanOrEqual(waits[0]!)
    expect((await sandbox.profiles())[0]?.name).toBe('Ann Lee')
  })

  it('gives up after the bounded attempts, keeps the change and reports the failure', async () => {
    const sandbox = await sandboxWith({ failRate: 1 })
    const app = appWith({ sync: { precheckLimit: 0 } })
    await app.configure(sandbox)
    await oneChange(app)
    const finished = await app.run('sync.push')
    expect(finished.status).toBe('failed')
    expect(finished.error).toMatchObject({ code: 'network' })
    expect(finished.error?.message).toContain('503')
    expect(sandbox.server.stats().injectedFailures).toBe(8)
    const status = await app.call('sync.status', {})
    expect(status).toMatchObject({ state: 'error', pending: 1 })
    expect(status.headline).toBe('Sync failed · 1 change waiting')
    const runs = await app.call('sync.runs.list', {})
    expect(runs.items[0]).toMatchObject({ kind: 'push', status: 'failed', requests: 8, retries: 7 })
  })

  it('backs off on 429 (more than 15 uploads in flight) and gets through once the server has room', async () => {
    const sandbox = await sandboxWith({ latencyMs: 400 })
    const waits: number[] = []
    const app = appWith({
      sync: { sleep: recordingSleep(waits), precheckLimit: 0, retry: { baseDelayMs: 60, maxDelayMs: 400 } },
    })
    await app.configure(sandbox)
    await oneChange(app)
    // Another client fills the account's 15 upload slots for a while.
    const others = Array.from({ length: 15 }, (_, i) =>
      fetch(`${sandbox.baseUrl}/1/upload`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          d: [{ type: 'profile', identity: `other-${i}`, profileData: { Name: 'x' } }],
        }),
      }).then((r) => r.status),
    )
    // Once all 15 are in the server's hands (each held 400 ms), the push meets a full account.
    await vi.waitFor(() => expect(sandbox.server.stats().uploadsInFlight).toBe(15), {
      timeout: 5_000,
      interval: 5,
    })
    const finished = await app.run('sync.push')
    expect(await Promise.all(others)).toEqual(Array(15).fill(200))
    expect(finished.status).toBe('succeeded')
    expect(sandbox.server.stats().rejectedConcurrent).toBeGreaterThanOrEqual(1)
    expect(waits.length).toBeGreaterThanOrEqual(1)
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, state: 'up-to-date' })
  })

  it('reports Offline when the server cannot be reached, and keeps the change', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    await sandbox.server.close()
    await oneChange(app)
    const finished = await app.run('sync.push')
    expect(finished.status).toBe('failed')
    expect(finished.error?.code).toBe('network')
    const status = await app.call('sync.status', {})
    expect(status).toMatchObject({ state: 'offline', connection: 'offline', pending: 1 })
    expect(status.headline).toBe('Offline · 1 change waiting')
  })
})

describe('refused records', () => {
  it('parks a refused event with the server code and message, and pushes the rest', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    const id = await oneChange(app)
    // Recording a restricted system event is refused now; a database written by an older version can
    // still hold one in its outbox, and the server refuses it with 513.
    writeEventOutbox(
      app.backend.context.db,
      { type: 'event', objectId: id, evtName: 'App Launched', ts: 1_700_000_000, evtData: {} },
      1_700_000_000,
    )
    await app.call('events.record', { deviceId: id, name: 'Viewed Item', props: { sku: 'A1' } })
    const finished = await app.run('sync.push')
    expect(finished.status).toBe('succeeded')
    expect(finished.summary).toMatchObject({ status: 'partial', records: 2, rejected: 1 })
    const errors = await app.call('sync.errors.list', {})
    expect(errors.items).toEqual([
      expect.objectContaining({
        profileId: id,
        profileLabel: 'Ann Lee',
        kind: 'event',
        fields: ['App Launched'],
        code: 513,
        message: 'Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event.',
      }),
    ])
    expect(await app.call('sync.profile', { id })).toMatchObject({ pending: 0, errors: [{ code: 513 }] })
    expect(await app.call('sync.status', {})).toMatchObject({
      errors: 1,
      pending: 0,
      headline: 'Up to date · 1 error',
    })
    const [remote] = await sandbox.profiles()
    expect(Object.keys(remote?.events ?? {})).toEqual(['Viewed Item'])

    // Discarding gives up on it: the error list empties and it is never sent.
    expect(await app.call('sync.errors.discard', { ids: errors.items[0]!.ids })).toEqual({ discarded: 1 })
    expect((await app.call('sync.status', {})).errors).toBe(0)
  })

  it('sends a refused profile change again once the person fixes the profile', async () => {
    const sandbox = await sandboxWith()
    // Another device already gave FBID fb-1 to someone else on the server.
    await sandbox.upload([{ type: 'profile', identity: 'someone-else', profileData: { FBID: 'fb-1' } }])
    const app = appWith()
    await app.configure(sandbox)
    const id = await oneChange(app, 'ann')
    await app.call('profiles.identifiers.add', { id, identifier: { kind: 'fbid', value: 'fb-1' } })
    const first = await app.run('sync.push')
    expect(first.summary).toMatchObject({ status: 'partial', rejected: 2 })
    const [error] = (await app.call('sync.errors.list', {})).items
    expect(error).toMatchObject({ profileId: id, code: 555 })
    expect(error?.message).toContain('fb-1')
    expect(error?.message).toContain('belongs to another profile')

    // A push without a fix does not resend it.
    const idle = await app.run('sync.push')
    expect(idle.summary).toMatchObject({ records: 0, requests: expect.any(Number) })
    expect((await app.call('sync.status', {})).errors).toBe(1)

    // The fix: another FBID. The new change brings the parked one back, merged, and it goes through.
    await app.call('profiles.identifiers.remove', { id, identifier: { kind: 'fbid', value: 'fb-1' } })
    await app.call('profiles.identifiers.add', { id, identifier: { kind: 'fbid', value: 'fb-2' } })
    const fixed = await app.run('sync.push')
    expect(fixed.summary).toMatchObject({ status: 'succeeded', records: 1, entries: 4 })
    expect(await app.call('sync.status', {})).toMatchObject({ errors: 0, pending: 0 })
    const ann = (await sandbox.profiles()).find((r) => r.identity === 'ann')
    expect(ann).toMatchObject({ name: 'Ann Lee', profileData: { FBID: 'fb-2' } })
  })
})

describe('lost replies', () => {
  it('does not count an event twice when the reply to an applied upload was lost', async () => {
    const first = await sandboxWith({ dropConnections: 1 })
    const app = appWith({ sync: { precheckLimit: 0, retry: { maxAttempts: 2 } } })
    await app.configure(first)
    const id = await oneChange(app)
    for (let i = 0; i < 3; i += 1)
      await app.call('events.record', { deviceId: id, name: 'Charged', props: { Amount: i } })
    const lost = await app.run('sync.push')
    expect(lost.status).toBe('failed')
    // The server applied everything (twice asked), yet every change is still queued here.
    expect(first.server.stats()).toMatchObject({ droppedConnections: 2, events: 3 })
    expect((await app.call('sync.status', {})).pending).toBe(4)

    // The same server database behind a connection that no longer drops.
    const port = first.server.port
    await first.server.close()
    const second = await sandboxWith({ port, dataDir: first.dataDir })
    const again = await app.run('sync.push')
    expect(again.summary).toMatchObject({ status: 'succeeded', records: 4 })
    expect(second.server.stats()).toMatchObject({ events: 3, appliedKeys: 3 })
    const [remote] = await second.profiles()
    expect(remote?.events?.Charged?.count).toBe(3)
  })
})
