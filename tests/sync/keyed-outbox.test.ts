// An import's outbox records hold the changed keys only (profiles/outbox.ts KeyedProfileRecord); the push
// builds each record from the profile's current row (sync/keyed-outbox.ts). Over real HTTP against the
// sandbox: the server ends with exactly the profiles' fields (dates, multi-values, removed fields), a
// profile edited after the import goes as ONE record with its current values, and a profile deleted here
// after the import sends only its delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planUnits } from '../../electron/backend/core/sync/outbox-coalesce'
import { readPendingChunk } from '../../electron/backend/core/sync/outbox-queue'
import { expectServerMatches, stoppedAfterEach, type App } from '../../test-support/sync-harness'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const { sandboxWith, appWith } = stoppedAfterEach()
let dir: string

beforeAll(() => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-keyed-'))
})
afterAll(() => {
  delete process.env.PROFILE_DESK_IMPORT_THREADING
  rmSync(dir, { recursive: true, force: true })
})

async function importCsv(app: App, name: string, lines: string[]): Promise<void> {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  const { jobId } = await app.call('imports.start', { file: app.backend.grantFile(path, 'dialog').handle })
  expect((await app.finished(jobId)).status).toBe('succeeded')
}

/** The records the next push would send, as JSON objects (one chunk: every entry waiting). */
function nextRecords(app: App): Record<string, unknown>[] {
  const rows = readPendingChunk(app.backend.context.db, 0, 10_000)
  return planUnits(rows, { installId: 'test', idempotencyKeys: false }).flatMap((unit) =>
    unit.kind === 'records' ? unit.records.map((r) => JSON.parse(r.json) as Record<string, unknown>) : [],
  )
}

describe('keyed outbox records of an import', () => {
  it('arrive with exactly the profile’s values: dates, multi-values, deletes', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    // Synced before the import: a profile with a multi-value and a custom string the import removes.
    const known = await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'k1' }],
      changes: [
        { op: 'set', key: 'Name', value: 'Kim Before' },
        { op: 'set', key: 'tags', value: ['a', 'b'], type: 'multi' },
        { op: 'set', key: 'city', value: 'Oslo', type: 'string' },
        { op: 'set', key: 'Plan', value: 'free', type: 'string' },
      ],
    })
    await app.pushUntilDone()

    await importCsv(app, 'people.csv', [
      'identity,Name,DOB,tags,tags.operation,city,city.operation,Plan,Email',
      'k1,Kim After,1990-05-17,c,$add,,$delete,free,kim@example.com',
      'n1,Neu Eins,1985-01-02,"x,y",,Paris,,gold,neu1@example.com',
      'n2,Neu Zwei,,z,,,,,',
    ])
    // Stored: keys, never a copy of the values.
    const stored = app
      .rows<{ object_id: string; payload: string; base: string | null }>(
        "SELECT object_id, payload, base FROM outbox WHERE kind = 'profile' AND state = 'pending' ORDER BY id",
      )
      .map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }))
    expect(stored.map((s) => s.payload.keys)).toEqual([
      ['Name', 'DOB', 'tags', 'city', 'Email'],
      'all',
      'all',
    ])
    expect(stored.every((s) => !('profileData' in s.payload))).toBe(true)
    // The changed profile's base keeps the old values (conflict detection); a new one has none.
    expect(JSON.parse(stored[0]?.base ?? 'null')).toEqual({
      Name: 'Kim Before',
      city: 'Oslo',
      tags: ['a', 'b'],
    })
    expect(stored[1]?.base).toBeNull()

    const records = nextRecords(app)
    const k1 = records.find((r) => r.objectId === known.id)
    expect(k1).toEqual({
      type: 'profile',
      objectId: known.id,
      identity: 'k1',
      profileData: {
        Name: 'Kim After',
        DOB: `$D_${Date.UTC(1990, 4, 17) / 1000}`,
        city: { $delete: true },
        tags: ['a', 'b', 'c'],
        Email: 'kim@example.com',
      },
    })
    const n1 = records.find((r) => r.identity === 'n1')
    expect(n1?.profileData).toEqual({
      Name: 'Neu Eins',
      DOB: `$D_${Date.UTC(1985, 0, 2) / 1000}`,
      tags: ['x', 'y'],
      city: 'Paris',
      Plan: 'gold',
      Email: 'neu1@example.com',
      Identity: 'n1',
    })

    const pushed = (await app.pushUntilDone()).at(-1)
    expect(pushed?.status).toBe('succeeded')
    await expectServerMatches(app, sandbox)
    const remote = await sandbox.profileByIdentity('k1')
    expect(remote.profileData).not.toHaveProperty('city')
    expect(remote.profileData.tags).toEqual(['a', 'b', 'c'])
  })

  it('a profile edited after the import goes once, with its current values; a deleted one only as its delete', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    await importCsv(app, 'new.csv', ['identity,Name,Plan', 'e1,Eve,free', 'e2,Ed,free', 'e3,Em,free'])
    const eve = await app.call('profiles.lookup', { key: 'e1' })
    await app.call('profiles.update', {
      id: eve.id,
      changes: [
        { op: 'set', key: 'Plan', value: 'gold', type: 'string' },
        { op: 'set', key: 'Name', value: 'Eve Edited' },
      ],
    })
    const em = await app.call('profiles.lookup', { key: 'e3' })
    await app.call('profiles.delete', { id: em.id })
    // Sent again later, from the current row: a change after the edit is included, not an old copy.
    await importCsv(app, 'again.csv', ['identity,Plan', 'e1,pro'])

    const records = nextRecords(app)
    const forEve = records.filter((r) => r.objectId === eve.id)
    expect(forEve).toHaveLength(1)
    expect(forEve[0]?.profileData).toEqual({ Name: 'Eve Edited', Plan: 'pro', Identity: 'e1' })
    expect(records.some((r) => r.objectId === em.id)).toBe(false)

    const [push] = await app.pushUntilDone()
    // One record per profile (e1, e2), whatever number of outbox entries they had; e3 only as a delete.
    expect(push?.summary).toMatchObject({ records: 2 })
    expect(push?.summary?.entries).toBeGreaterThanOrEqual(4)
    await expectServerMatches(app, sandbox)
    expect((await sandbox.profiles()).map((r) => r.identity).sort()).toEqual(['e1', 'e2'])
  })

  it('an imported change the server also changed is a conflict; "take theirs" drops the key, "keep mine" rebases it', async () => {
    const sandbox = await sandboxWith()
    const a = appWith()
    const b = appWith()
    await a.configure(sandbox)
    await b.configure(sandbox)
    await importCsv(a, 'start.csv', ['identity,Name,Plan', 'c1,Cat,free'])
    await a.pushUntilDone()
    expect((await b.run('sync.pull')).summary).toMatchObject({ created: 1 })
    const onB = await b.call('profiles.lookup', { key: 'c1' })
    await b.call('profiles.update', {
      id: onB.id,
      changes: [
        { op: 'set', key: 'Name', value: 'Cat from B' },
        { op: 'set', key: 'Plan', value: 'team', type: 'string' },
      ],
    })
    await b.pushUntilDone()

    // A imports other values for both fields before pulling: keyed entries based on the old values.
    await importCsv(a, 'change.csv', ['identity,Name,Plan', 'c1,Cat from A,pro'])
    expect((await a.run('sync.pull')).summary).toMatchObject({ conflicts: 2 })
    const conflicts = (await a.call('sync.conflicts.list', { offset: 0, limit: 10 })).items
    expect(conflicts.map((c) => [c.field, c.mine, c.theirs]).sort()).toEqual([
      ['Name', 'Cat from A', 'Cat from B'],
      ['Plan', 'pro', 'team'],
    ])
    const name = conflicts.find((c) => c.field === 'Name')
    const plan = conflicts.find((c) => c.field === 'Plan')
    await a.call('sync.conflicts.resolve', { id: name?.id as number, choice: 'theirs' })
    await a.call('sync.conflicts.resolve', { id: plan?.id as number, choice: 'mine' })
    const [entry] = a.rows<{ payload: string; base: string }>(
      "SELECT payload, base FROM outbox WHERE kind = 'profile' AND state = 'pending'",
    )
    expect(JSON.parse(entry?.payload ?? '{}')).toMatchObject({ keys: ['Plan'] })
    expect(JSON.parse(entry?.base ?? '{}')).toEqual({ Plan: 'team' })
    await a.pushUntilDone()
    const remote = await sandbox.profileByIdentity('c1')
    expect([remote.name ?? remote.profileData.Name, remote.profileData.Plan]).toEqual(['Cat from B', 'pro'])
    await expectServerMatches(a, sandbox)
  })
})
