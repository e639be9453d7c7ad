// A batch the server refuses as a whole is halved until the record it objects to is alone (push.ts,
// sendRecords): against the sandbox over real HTTP. What makes the whole request fail is what CleverTap
// documents and the sandbox does: a body that is not JSON gets HTTP 400 "Malformed request"
// (CLEVERTAP-API.md §0). Outbox payloads go on the wire as they are stored, never parsed on the way out,
// so one damaged entry (its text cut short) makes every request it travels in malformed.
import { describe, expect, it } from 'vitest'
import { type App, headers, stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()

const PROFILES = 40
const BATCH = 16

/** Creates user-1…user-N, one outbox entry (one upload record) each; returns their ids in order. */
async function createProfiles(app: App, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 1; i <= count; i += 1) {
    const profile = await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: `user-${i}` }],
      changes: [{ op: 'set', key: 'Name', value: `User ${i}` }],
    })
    ids.push(profile.id)
  }
  return ids
}

/** Cuts the end off a profile's outbox entry, as an interrupted or buggy writer would leave it. */
function damage(app: App, objectId: string): number {
  const rows = app.rows<{ id: number; payload: string }>(
    'SELECT id, payload FROM outbox WHERE object_id = ?',
    objectId,
  )
  expect(rows).toHaveLength(1)
  const [row] = rows as [{ id: number; payload: string }]
  const cut = row.payload.slice(0, -12)
  expect(() => JSON.parse(cut) as unknown).toThrow()
  app.backend.context.db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run(cut, row.id)
  return row.id
}

/** Outbox entries still in the queue (not yet accepted), with their state. */
function queued(app: App): { id: number; state: string }[] {
  return app.rows('SELECT id, state FROM outbox WHERE id NOT IN (SELECT id FROM outbox_done) ORDER BY id')
}

describe('a batch refused as a whole', () => {
  it('is halved down to the malformed record, which is parked; the rest arrive exactly once', async () => {
    const sandbox = await sandboxWith()
    // No read-back before the push (precheck): every request of the run is an upload, so counts are exact.
    const app = appWith({ sync: { precheckLimit: 0 } })
    await app.configure(sandbox, { batchSize: BATCH })
    const ids = await createProfiles(app, PROFILES)
    // The 7th record of the first batch (index 6) is the one the server cannot read.
    const badId = ids[6] as string
    const badEntry = damage(app, badId)

    // The damaged text really does make a request malformed: the sandbox refuses it whole, applying nothing.
    const probe = await fetch(`${sandbox.baseUrl}/1/upload?dryRun=1`, {
      method: 'POST',
      headers,
      body: `{"d":[${app.rows<{ payload: string }>('SELECT payload FROM outbox WHERE id = ?', badEntry)[0]?.payload}]}`,
    })
    expect(probe.status).toBe(400)
    expect(await probe.json()).toEqual({ status: 'fail', error: 'Malformed request', code: 400 })
    const before = sandbox.server.stats()

    const finished = await app.run('sync.push')
    expect(finished.status).toBe('succeeded')
    // Batches of 16, 16 and 8 records. The first holds the bad record at index 6 and is halved:
    //   [0..15] 400 → [0..7] 400 → [0..3] 200, [4..7] 400 → [4,5] 200, [6,7] 400 → [6] 400, [7] 200
    //   and [8..15] 200.
    // That is 5 refused + 4 accepted requests for it (1 + 2·log2(16)), plus one request per other batch:
    // 11 in all, against 16 + 2 = 18 if the first batch had been sent one record at a time.
    expect(finished.summary).toMatchObject({
      status: 'partial',
      records: PROFILES - 1,
      entries: PROFILES - 1,
      rejected: 1,
      requests: 11,
      retries: 0,
      remaining: 0,
    })
    const stats = sandbox.server.stats()
    expect(stats.requests - before.requests).toBe(11)
    expect((stats.responses[400] ?? 0) - (before.responses[400] ?? 0)).toBe(5)
    expect((stats.responses[200] ?? 0) - (before.responses[200] ?? 0)).toBe(6)

    // Exactly once: every good record was processed in one accepted request (a resend would count again,
    // even where the server recognises it), the malformed requests applied nothing, nothing was refused
    // record by record, and the server holds exactly the 39 good profiles.
    expect(stats.recordsProcessed).toBe(PROFILES - 1)
    expect(stats.recordsUnprocessed).toBe(0)
    expect(stats.profiles).toBe(PROFILES - 1)
    const remote = await sandbox.profiles()
    const expected = ids
      .map((id, i) => ({ id, identity: `user-${i + 1}`, name: `User ${i + 1}` }))
      .filter(({ id }) => id !== badId)
    expect(
      remote
        .map((r) => ({ id: r.platformInfo[0]?.objectId, identity: r.identity, name: r.name }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    ).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)))

    // The bad record is parked with the server's reason; nothing else is left in the queue.
    expect(queued(app)).toEqual([{ id: badEntry, state: 'parked' }])
    const errors = await app.call('sync.errors.list', {})
    expect(errors.total).toBe(1)
    expect(errors.items).toEqual([
      expect.objectContaining({
        ids: [badEntry],
        profileId: badId,
        profileLabel: 'User 7',
        kind: 'profile',
        // The text cannot be read, so no fields are named.
        fields: [],
        code: 400,
        message: 'HTTP 400: Malformed request.',
        attempts: 1,
      }),
    ])
    expect(await app.call('sync.pending.list', {})).toMatchObject({ total: 0, items: [] })
    expect(await app.call('sync.status', {})).toMatchObject({
      pending: 0,
      errors: 1,
      state: 'up-to-date',
      headline: 'Up to date · 1 error',
    })

    // A push without a newer change to that profile does not send it again.
    const requestsBefore = sandbox.server.stats().requests
    const idle = await app.run('sync.push')
    expect(idle.summary).toMatchObject({ records: 0, rejected: 0, requests: 0 })
    expect(sandbox.server.stats().requests).toBe(requestsBefore)
    expect(queued(app)).toEqual([{ id: badEntry, state: 'parked' }])
  })

  it('finds two malformed records in the same batch, each alone, and nothing else is parked', async () => {
    const sandbox = await sandboxWith()
    const app = appWith({ sync: { precheckLimit: 0 } })
    await app.configure(sandbox, { batchSize: BATCH })
    const ids = await createProfiles(app, BATCH)
    // One in each half of the only batch.
    const bad = [damage(app, ids[2] as string), damage(app, ids[12] as string)]

    const finished = await app.run('sync.push')
    //   [0..15] 400 → [0..7] 400 → [0..3] 400 → [0,1] 200, [2,3] 400 → [2] 400, [3] 200; [4..7] 200
    //                 [8..15] 400 → [8..11] 200, [12..15] 400 → [12,13] 400 → [12] 400, [13] 200; [14,15] 200
    // 9 refused + 6 accepted requests.
    expect(finished.summary).toMatchObject({
      status: 'partial',
      records: BATCH - 2,
      rejected: 2,
      requests: 15,
    })
    const stats = sandbox.server.stats()
    expect(stats.responses).toEqual({ 200: 6, 400: 9 })
    expect(stats.recordsProcessed).toBe(BATCH - 2)
    expect(stats.profiles).toBe(BATCH - 2)

    expect(queued(app)).toEqual(bad.map((id) => ({ id, state: 'parked' })))
    const errors = await app.call('sync.errors.list', {})
    expect(errors.items.map((e) => [e.profileId, e.code, e.message]).sort()).toEqual(
      [ids[2], ids[12]].map((id) => [id, 400, 'HTTP 400: Malformed request.']).sort(),
    )
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, errors: 2 })
  })

  it('keeps the malformed record parked and lets a later change to its profile through', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    const ids = await createProfiles(app, 3)
    const badId = ids[1] as string
    const badEntry = damage(app, badId)
    expect((await app.run('sync.push')).summary).toMatchObject({ status: 'partial', records: 2, rejected: 1 })
    expect(queued(app)).toEqual([{ id: badEntry, state: 'parked' }])

    // The person edits that profile: the newer change brings the parked entry back, which cannot be merged
    // with it (its text cannot be read). It goes alone and is parked again; the new change is accepted.
    await app.call('profiles.update', {
      id: badId,
      changes: [{ op: 'set', key: 'Name', value: 'Fixed Two' }],
    })
    const refused400 = sandbox.server.stats().responses[400] ?? 0
    const again = await app.run('sync.push')
    expect(again.status).toBe('succeeded')
    expect(again.summary).toMatchObject({ status: 'partial', records: 1, entries: 1, rejected: 1 })
    // [damaged, new] refused whole, then [damaged] refused and [new] accepted.
    expect((sandbox.server.stats().responses[400] ?? 0) - refused400).toBe(2)
    expect((await sandbox.profiles()).find((r) => r.identity === 'user-2')?.name).toBe('Fixed Two')
    expect(queued(app)).toEqual([{ id: badEntry, state: 'parked' }])
    const errors = await app.call('sync.errors.list', {})
    expect(errors.items).toEqual([
      expect.objectContaining({ ids: [badEntry], profileId: badId, code: 400, attempts: 2 }),
    ])
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, errors: 1 })

    // A pull reads the profile's waiting and refused changes too; the unreadable one does not stop it.
    expect((await app.run('sync.pull')).status).toBe('succeeded')
    // Discarding it clears the error.
    expect(await app.call('sync.errors.discard', { ids: [badEntry] })).toEqual({ discarded: 1 })
    expect(await app.call('sync.status', {})).toMatchObject({
      pending: 0,
      errors: 0,
      headline: 'Up to date',
    })
  })
})
