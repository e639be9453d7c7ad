// The import's set-based batch writer against the store's own path (one ProfileChange per row): the same
// file into the same starting data, both ways, must leave the same profiles, identifiers, types, outbox
// records (as sync reads them: the batch writer stores keyed records, expanded from the profile's current
// row at push time) and search index. Audit: both write one row per changed field of a changed profile;
// a new profile is ONE 'profile.create' row from the batch writer (the store's path also lists its
// initial fields, which the comparison leaves aside).
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { ImportService } from '../../electron/backend/core/imports/import-service'
import { fullPayloadText, ProfileViews } from '../../electron/backend/core/sync/keyed-outbox'
import { writePath } from '../../test-support/profile-row-writer'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let batch: ImportHarness
let store: ImportHarness
beforeAll(() => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
})
beforeEach(() => {
  batch = openImportHarness()
  store = openImportHarness()
})
afterEach(async () => {
  await batch.close()
  await store.close()
})

async function seed(h: ImportHarness): Promise<void> {
  await h.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: 'e1' }],
    changes: [
      { op: 'set', key: 'Name', value: 'Ann Old' },
      { op: 'set', key: 'Email', value: 'ann@example.com' },
      { op: 'set', key: 'tags', value: ['a', 'b'], type: 'multi' },
      { op: 'set', key: 'score', value: 4, type: 'number' },
      { op: 'set', key: 'Phone', value: '+4915112345678' },
    ],
  })
  await h.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: 'e2' }],
    changes: [
      { op: 'set', key: 'Name', value: 'Bo' },
      { op: 'set', key: 'Email', value: 'bo@example.com' },
    ],
  })
  await h.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: 'holder' }],
    changes: [{ op: 'set', key: 'Email', value: 'held@example.com' }],
  })
}

const FILE = [
  'identity,Name,Email,Phone,DOB,MSG-email,tags,tags.operation,score,FBID,ct_is_test_user,city',
  'e1,Ann New,ANN@example.com,,1990-05-17,true,c,$add,5,,Yes,Berlin', // update: name, email spelling, DOB, flag, tag, score, test
  'e2,Bo,bo@example.com,,,,,,,,,', // unchanged
  'n1,Neu Eins,neu1@example.com,+33612345678,,false,"x,y",,1.5,fb-1,,Paris', // new
  'n2,Zwei,held@example.com,,,,,,,,,', // rejected: email held by another profile
  'n3,Drei,drei@example.com,0612345678,,,,,,,,Rome', // new, phone without + (warning)
  'e1,,,,,,a,$remove,,,,', // repeated identity: merged with line 2
  'n4,Vier,bad-email,,,,,,,,,', // rejected: invalid email
  'e2,,bo2@example.com,,,,,,,,,Oslo', // repeated identity: email replaced
  'e2,,,,,,,,,,,', // repeated identity with nothing to change
  'n5,,,,,,,,,,,', // new profile with only an identity
  'e2,Bo,,+4917000000000,,,,,,,No,', // repeated, last one: phone set, test "No" (already)
].join('\n')

interface Snapshot {
  profiles: unknown[]
  identifiers: unknown[]
  types: unknown[]
  outbox: unknown[]
  audit: Record<string, { created: boolean; fields: Record<string, [unknown, unknown]> }>
  counts: unknown[]
  rejectedLines: number[]
}

/** The database as comparable values: profiles keyed by identity (CleverTap IDs are random). */
function snapshot(h: ImportHarness, at: number, rejectedLines: number[]): Snapshot {
  const idToKey = new Map<string, string>()
  for (const r of h.rows<{ object_id: string; identity: string | null; email: string | null }>(
    'SELECT object_id, identity, email FROM profiles',
  )) {
    idToKey.set(r.object_id, r.identity ?? r.email ?? r.object_id)
  }
  const key = (objectId: string) => idToKey.get(objectId) ?? objectId
  const profiles = h
    .rows<Record<string, unknown>>('SELECT * FROM profiles')
    .map(({ id: _id, object_id, ...rest }) => ({ key: key(object_id as string), ...rest }))
    .sort((a, b) => String(a.key).localeCompare(String(b.key)))
  const identifiers = h
    .rows<Record<string, unknown>>(
      'SELECT p.object_id, i.kind, i.name, i.value, i.value_key, i.added_at FROM identifiers i JOIN profiles p ON p.id = i.profile_id',
    )
    .map(({ object_id, ...rest }) => ({ key: key(object_id as string), ...rest }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
  const views = new ProfileViews(h.backend.context.db)
  const outbox = h
    .rows<{ object_id: string; kind: string; payload: string; base: string | null }>(
      'SELECT object_id, kind, payload, base FROM outbox WHERE created_at = ? ORDER BY id',
      Math.floor(at / 1000),
    )
    .map((r) => {
      const text = fullPayloadText(views, r.object_id, r.payload)
      const payload = JSON.parse(text ?? 'null') as Record<string, unknown>
      return {
        key: key(r.object_id),
        kind: r.kind,
        payload: { ...payload, objectId: key(String(payload.objectId)) },
        base: JSON.parse(r.base ?? 'null'),
      }
    })
    .sort((a, b) => a.key.localeCompare(b.key))
  const audit: Snapshot['audit'] = {}
  for (const r of h.rows<{
    object_id: string
    action: string
    field: string | null
    old_value: string | null
    new_value: string | null
  }>(
    'SELECT object_id, action, field, old_value, new_value FROM audit WHERE at = ? ORDER BY id',
    Math.floor(at / 1000),
  )) {
    const entry = (audit[key(r.object_id)] ??= { created: false, fields: {} })
    const old = r.old_value === null ? null : (JSON.parse(r.old_value) as unknown)
    const now = r.new_value === null ? null : (JSON.parse(r.new_value) as unknown)
    if (r.action === 'profile.create') entry.created = true
    else if (r.field !== null) entry.fields[r.field] = [old, now]
  }
  // A creation's initial values live in the profile row (compared above), not in the audit.
  for (const entry of Object.values(audit)) if (entry.created) entry.fields = {}
  return {
    profiles,
    identifiers,
    types: h.rows('SELECT key, type FROM custom_property_types ORDER BY key'),
    outbox,
    audit,
    counts: h.rows('SELECT * FROM profile_counts ORDER BY identified, is_test, named'),
    rejectedLines,
  }
}

/** Imports the same file through the batch writer and through ProfileChange; their run summaries. */
async function importThroughBoth(name: string, content: string) {
  const results = []
  for (const [h, writer] of [
    [batch, 'batch'],
    [store, 'store'],
  ] as const) {
    const service = new ImportService(h.backend.context, writePath(writer))
    const { jobId, runId } = await service.start(
      { path: h.file(name, content), kind: 'profiles', mapping: 'auto', encoding: 'auto' },
      'import',
    )
    await h.backend.context.jobs.wait(jobId)
    const { summary } = await h.call('imports.run', { runId })
    results.push(summary)
  }
  return results
}

it('writes the same data through the batch writer as through ProfileChange row by row', async () => {
  await seed(batch)
  await seed(store)
  const at = batch.backend.context.clock()
  const [fromBatch, fromStore] = await importThroughBoth('people.csv', FILE)
  expect(fromBatch?.counts).toEqual({
    rows: 11,
    new: 3,
    updated: 2,
    unchanged: 0,
    rejected: 2,
    duplicates: 4,
    warnings: 1,
  })
  expect(fromStore?.counts).toEqual(fromBatch?.counts)

  const a = snapshot(batch, at, fromBatch?.rejections.map((r) => r.line) ?? [])
  const b = snapshot(store, at, fromStore?.rejections.map((r) => r.line) ?? [])
  expect(a.rejectedLines).toEqual([5, 8])
  expect(a.profiles).toEqual(b.profiles)
  expect(a.identifiers).toEqual(b.identifiers)
  expect(a.types).toEqual(b.types)
  expect(a.outbox).toEqual(b.outbox)
  expect(a.audit).toEqual(b.audit)
  expect(a.counts).toEqual(b.counts)
  expect(a.rejectedLines).toEqual(b.rejectedLines)
  // The batch path wrote ONE row per new profile, and per-field rows only for the changed ones.
  // (Rows of the import's change set: the seed's edits share the harness's fixed clock.)
  const importRows = (h: ImportHarness) =>
    h.rows<{ created: number; action: string }>(
      `SELECT a.object_id IN (SELECT object_id FROM audit WHERE action = 'profile.create' AND change_set = @run) AS created,
         a.action
       FROM audit a WHERE a.change_set = @run ORDER BY a.id`,
      {
        run: h.rows<{ c: number }>('SELECT change_set AS c FROM import_runs ORDER BY id DESC LIMIT 1')[0]?.c,
      },
    )
  const fromBatchRows = importRows(batch)
  expect(fromBatchRows.filter((r) => r.created === 1)).toEqual([
    { created: 1, action: 'profile.create' },
    { created: 1, action: 'profile.create' },
    { created: 1, action: 'profile.create' },
  ])
  expect(fromBatchRows.filter((r) => r.created === 0).length).toBe(
    importRows(store).filter((r) => r.created === 0).length,
  )
  // Its outbox holds keys, not copies of the values: the 3 seeded profiles' records, then the import's
  // 5 in the order they were written (3 new: every key; 2 changed: the changed keys).
  const stored = batch
    .rows<{ payload: string }>("SELECT payload FROM outbox WHERE kind = 'profile' ORDER BY id")
    .map((r) => JSON.parse(r.payload) as Record<string, unknown>)
  expect(stored.slice(3).map((p) => [p.identity, p.keys, 'profileData' in p])).toEqual([
    ['n1', 'all', false],
    ['n3', 'all', false],
    ['e1', ['Name', 'DOB', 'MSG-email', 'tags', 'score', 'city', 'Email', 'ct_is_test_user'], false],
    ['n5', 'all', false],
    ['e2', ['Phone', 'city', 'Email'], false],
  ])
  // Spot checks that the shared result is the intended one.
  const e1 = await batch.call('profiles.lookup', { key: 'e1' })
  expect(e1).toMatchObject({
    isTest: true,
    system: { Name: 'Ann New', Email: 'ANN@example.com', 'MSG-email': true },
  })
  expect(e1.custom).toEqual([
    { key: 'tags', type: 'multi', value: ['b', 'c'] },
    { key: 'score', type: 'number', value: 5 },
    { key: 'city', type: 'string', value: 'Berlin' },
  ])
  const n1 = await batch.call('profiles.lookup', { key: 'n1' })
  expect(n1.identifiers).toEqual([
    { kind: 'identity', value: 'n1' },
    { kind: 'email', value: 'neu1@example.com' },
    { kind: 'fbid', value: 'fb-1' },
  ])
  // Both search indexes agree with their tables.
  for (const h of [batch, store])
    h.backend.context.db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('integrity-check')")
})

it('writes a new profile before a later row of its batch moves its email to another profile', async () => {
  // The batch writer queues a new profile's identifiers (created-profiles.ts) and must write them before
  // the update that releases its email, or the next profile could not take it.
  const MOVES = [
    'identity,objectId,Email',
    'n1,obj-n1,moving@example.com', // new profile with its own CleverTap ID, takes the email
    ',obj-n1,other@example.com', // the same profile by its objectId: its email replaced (released)
    'e2,,moving@example.com', // an existing profile takes the released email
  ].join('\n')
  await seed(batch)
  await seed(store)
  const at = batch.backend.context.clock()
  const [fromBatch, fromStore] = await importThroughBoth('moves.csv', MOVES)
  expect(fromBatch?.status).toBe('succeeded')
  expect(fromBatch?.counts).toMatchObject({ rows: 3, new: 1, updated: 2, rejected: 0 })
  expect(fromStore?.counts).toEqual(fromBatch?.counts)
  const a = snapshot(batch, at, [])
  const b = snapshot(store, at, [])
  expect(a.identifiers).toEqual(b.identifiers)
  expect(a.profiles).toEqual(b.profiles)
  // (Outboxes are not compared here: the batch writer's keyed record of n1's creation is read from its
  // current row at push time, so it already carries the later email; the store's path kept a copy.)
  expect(a.audit).toEqual(b.audit)
  expect(batch.rows("SELECT identity FROM profiles WHERE email = 'moving@example.com'")).toEqual([
    { identity: 'e2' },
  ])
  expect(batch.rows("SELECT identity FROM profiles WHERE email = 'other@example.com'")).toEqual([
    { identity: 'n1' },
  ])
})
