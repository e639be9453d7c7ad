// The account's identity set decides what a profile row with a new identity is matched on: Identity
// alone; Identity then Email (the default); Identity, Email, then Phone. Both write paths (the batch
// writer and the store's own row path) place every row the same way; the setting has its channels.
import { describe, expect, it } from 'vitest'
import type { ImportSummary } from '../../shared/ipc/channels/imports'
import type { IdentitySetKey } from '../../shared/profile/identity-set'
import { ImportService } from '../../electron/backend/core/imports/import-service'
import { writePath } from '../../test-support/profile-row-writer'
import { fullPayloadText, ProfileViews } from '../../electron/backend/core/sync/keyed-outbox'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

/** Profiles already there: two without an Identity (known by email, by phone) and one that has one. */
async function seed(): Promise<{ walkIn: string; caller: string; owner: string }> {
  const walkIn = await h.call('profiles.create', {
    changes: [{ op: 'set', key: 'Email', value: 'walkin@example.com' }],
  })
  const caller = await h.call('profiles.create', {
    changes: [{ op: 'set', key: 'Phone', value: '+14155550123' }],
  })
  const owner = await h.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: 'owner' }],
    changes: [
      { op: 'set', key: 'Email', value: 'owned@example.com' },
      { op: 'set', key: 'Phone', value: '+14155550999' },
    ],
  })
  return { walkIn: walkIn.id, caller: caller.id, owner: owner.id }
}

const FILE = [
  'identity,Name,Email,Phone',
  'new-1,Walk In,WalkIn@example.com,', // the email of a profile without an identity
  'new-2,Phone Person,,+1 415 555 0123', // the phone of a profile without an identity
  'new-3,Intruder,owned@example.com,', // the email of a profile that has another identity
  'new-4,Shares Phone,,+14155550999', // the phone of a profile that has another identity
].join('\n')

async function importWith(
  keys: IdentitySetKey[],
  writer: 'batch' | 'store',
  content = FILE,
): Promise<ImportSummary> {
  await h.call('profiles.setIdentitySet', { keys })
  const service = new ImportService(h.backend.context, writePath(writer))
  const { jobId, runId } = await service.start(
    { path: h.file('people.csv', content), kind: 'profiles', mapping: 'auto', encoding: 'auto' },
    'import',
  )
  await h.backend.context.jobs.wait(jobId)
  const { summary } = await h.call('imports.run', { runId })
  if (!summary) throw new Error('the run has no summary')
  return summary
}

const identityOf = async (id: string) =>
  (await h.call('profiles.get', { id })).identifiers.filter((i) => i.kind === 'identity').map((i) => i.value)
const rejectedLines = (summary: ImportSummary) => summary.rejections.map((r) => r.line)

describe.each(['batch', 'store'] as const)('identity set (%s writer)', (writer) => {
  it('Identity only: a new identity is a new profile; an email held elsewhere is refused', async () => {
    const { walkIn, caller } = await seed()
    const summary = await importWith(['Identity'], writer)
    expect(summary.counts).toMatchObject({ new: 2, updated: 0, rejected: 2 })
    expect(rejectedLines(summary)).toEqual([2, 4])
    expect(summary.rejections[0]?.reason).toContain('already belongs to another profile')
    expect(await identityOf(walkIn)).toEqual([])
    expect(await identityOf(caller)).toEqual([])
    // new-2 got its own profile, sharing the phone (a Duplicate Platform ID, not a match).
    expect((await h.call('profiles.lookup', { key: 'new-2' })).id).not.toBe(caller)
    expect(summary.notices.join(' ')).not.toContain('identity set')
  })

  it('Identity and Email (the default): the row lands on the profile its email names, if it has no identity', async () => {
    const { walkIn, caller, owner } = await seed()
    const summary = await importWith(['Identity', 'Email'], writer)
    expect(summary.counts).toMatchObject({ new: 2, updated: 1, rejected: 1 })
    expect(rejectedLines(summary)).toEqual([4])
    // (The two paths word it differently; both name the holder.)
    expect(summary.rejections[0]?.reason).toMatch(
      /^Email "owned@example.com" already belongs to another profile/,
    )
    expect(summary.rejections[0]?.reason).toContain(owner)
    const matched = await h.call('profiles.get', { id: walkIn })
    expect(matched.system).toMatchObject({ Identity: 'new-1', Name: 'Walk In', Email: 'WalkIn@example.com' })
    expect(await identityOf(caller)).toEqual([])
    expect(await identityOf(owner)).toEqual(['owner'])
    expect(summary.notices).toContain(
      "1 row with a new identity matched an existing profile without an identity (1 by Email): the identity set (Identity, then Email; Settings) matches rows on those identifiers, so the profile took the row's identity.",
    )
  })

  it('Identity, Email and Phone: the phone of a profile without an identity places the row too', async () => {
    const { walkIn, caller, owner } = await seed()
    const summary = await importWith(['Identity', 'Email', 'Phone'], writer)
    expect(summary.counts).toMatchObject({ new: 1, updated: 2, rejected: 1 })
    expect(await identityOf(walkIn)).toEqual(['new-1'])
    const byPhone = await h.call('profiles.get', { id: caller })
    expect(byPhone).toMatchObject({ type: 'Identified', system: { Identity: 'new-2', Name: 'Phone Person' } })
    // The owner's phone does not place new-4 on the owner: it has an identity of its own.
    const shares = await h.call('profiles.lookup', { key: 'new-4' })
    expect(shares.id).not.toBe(owner)
    expect(shares.system.Phone).toBe('+14155550999')
    expect(summary.notices.join(' ')).toContain('(1 by Email, 1 by Phone)')
    // What is sent: the matched profile's record names its CleverTap ID and the new identity.
    const record = h
      .rows<{ payload: string }>(
        'SELECT payload FROM outbox WHERE object_id = ? ORDER BY id DESC LIMIT 1',
        caller,
      )
      // As sync sends it: the batch writer's keyed record built from the profile's current row.
      .map((r) => fullPayloadText(new ProfileViews(h.backend.context.db), caller, r.payload) ?? 'null')
      .map((text) => JSON.parse(text) as { objectId: string; profileData: Record<string, unknown> })[0]
    expect(record?.objectId).toBe(caller)
    expect(record?.profileData).toMatchObject({ Identity: 'new-2', Name: 'Phone Person' })
  })

  it('a phone on several profiles without an identity is refused with the reason, when Phone is in the set', async () => {
    const { caller } = await seed()
    const twin = await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Phone', value: '+14155550123' }],
    })
    const summary = await importWith(['Identity', 'Phone'], writer, 'identity,Phone\nnew-9,+14155550123\n')
    expect(summary.counts).toMatchObject({ new: 0, updated: 0, rejected: 1 })
    expect(summary.rejections[0]).toMatchObject({
      line: 2,
      column: 'Phone',
      reason: expect.stringContaining(`is on 2 profiles without an identity (${caller}, ${twin.id})`),
    })
    expect(await identityOf(caller)).toEqual([])
  })
})

describe('the identity set setting', () => {
  it('defaults to Identity and Email, saves in canonical order and refuses a set without Identity', async () => {
    expect(await h.call('profiles.identitySet', {})).toEqual({
      keys: ['Identity', 'Email'],
      defaults: ['Identity', 'Email'],
    })
    expect((await h.call('profiles.setIdentitySet', { keys: ['Phone', 'Identity'] })).keys).toEqual([
      'Identity',
      'Phone',
    ])
    const missing = await h.fail('profiles.setIdentitySet', { keys: ['Email'] })
    expect(missing.code).toBe('validation')
    expect(missing.message).toContain('must include Identity')
    const unknown = await h.fail('profiles.setIdentitySet', { keys: ['Identity', 'FBID'] })
    expect(unknown.message).toBe('"FBID" cannot be in the identity set: choose from Identity, Email, Phone.')
    expect((await h.call('profiles.identitySet', {})).keys).toEqual(['Identity', 'Phone'])
  })
})

describe('a large import (short batches, its trigram index caught up after the last one)', () => {
  it('places rows by Phone the same way', async () => {
    const { caller } = await seed()
    const rows = ['identity,Phone', 'bulk-0,+14155550123']
    for (let i = 1; i < 20_000; i++) rows.push(`bulk-${i},+4915100${String(i).padStart(6, '0')}`)
    const summary = await importWith(['Identity', 'Email', 'Phone'], 'batch', rows.join('\n'))
    expect(summary.notices.join(' ')).toContain('(1 by Phone)')
    expect(summary.counts).toMatchObject({ new: 19_999, updated: 1, rejected: 0 })
    expect(await identityOf(caller)).toEqual(['bulk-0'])
    // 20,000 rows on the test's own thread: 17 s at a load of 25 on 2 cores, past the 30 s default at times.
  }, 120_000)
})
