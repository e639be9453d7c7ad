// An accepted change supersedes older refused (parked) ones (outbox-queue.ts, supersedeParked): the keys
// it carried are taken out of the profile's older parked entries, and an entry left with nothing is
// deleted, so a refused value is never sent again over a newer one. End to end through the backend's
// channels and the sandbox over real HTTP.
//
// The refusal is a real one: the sandbox, like CleverTap, skips a record whose FBID already belongs to
// another profile (555, CLEVERTAP-API.md §1 and sandbox/README.md). The app cannot know that, so it
// queues the change; invalid system values (514-520) cannot be used here because the app checks them with
// the same catalogue before anything is queued.
//
// How the parked entry and the newer change meet: a push first brings a profile's parked entries back
// when a newer change to it waits, and coalesces them with it when they are planned together (then the
// newer value simply wins; push.test.ts covers that). They are planned apart when the outbox holds more
// than one chunk of waiting entries between them (many changes made offline, an import): then the old
// entry goes again on its own, is refused again, and the newer change, accepted in the same run, must
// supersede it. That is the path tested here; the run's `rejected: 1` proves it was taken.
import { describe, expect, it } from 'vitest'
import { DEFAULT_CHUNK } from '../../electron/backend/core/sync/push'
import { type App, headers, type Sandbox, stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()

interface ParkedRow {
  id: number
  payload: string
  error_code: number
  error_message: string
  attempts: number
}

function parked(app: App): ParkedRow[] {
  return app.rows<ParkedRow>(
    "SELECT id, payload, error_code, error_message, attempts FROM outbox WHERE state = 'parked' ORDER BY id",
  )
}

function profileDataOf(row: ParkedRow | undefined): unknown {
  return (JSON.parse(row?.payload ?? '{}') as { profileData?: unknown }).profileData
}

/** Another device's profile on the server already holds FBID fb-1. */
async function fbidTakenOnServer(sandbox: Sandbox): Promise<void> {
  const reply = await sandbox.upload([
    { type: 'profile', identity: 'someone-else', profileData: { Name: 'Someone Else', FBID: 'fb-1' } },
  ])
  expect(reply).toMatchObject({ status: 'success', processed: 1 })
}

/** A chunk's worth of other waiting changes (events of a kiosk), so what comes next is planned apart. */
async function fillChunk(app: App): Promise<void> {
  for (let i = 0; i < DEFAULT_CHUNK; i += 1)
    await app.call('events.record', { deviceId: 'kiosk-1', name: 'Viewed Item', props: { n: i } })
}

/** The person replaces the refused FBID with a free one. */
async function replaceFbid(app: App, id: string): Promise<void> {
  await app.call('profiles.identifiers.remove', { id, identifier: { kind: 'fbid', value: 'fb-1' } })
  await app.call('profiles.identifiers.add', { id, identifier: { kind: 'fbid', value: 'fb-2' } })
}

async function remoteByIdentity(sandbox: Sandbox, identity: string) {
  return (await sandbox.profiles()).find((r) => r.identity === identity)
}

/** The sandbox's 555 text for an identifier of another profile (its wording, kind in lower case). */
const REFUSED_FB1 = 'fbid "fb-1" belongs to another profile; the sandbox does not merge profiles.'

describe('an accepted change supersedes older refused ones', () => {
  it('deletes a parked entry whose only key the accepted change carried', async () => {
    const sandbox = await sandboxWith()
    await fbidTakenOnServer(sandbox)
    const app = appWith()
    await app.configure(sandbox)
    const ann = await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'ann' }],
      changes: [{ op: 'set', key: 'Name', value: 'Ann Lee' }],
    })
    expect((await app.run('sync.push')).summary).toMatchObject({ status: 'succeeded', records: 1 })

    // The FBID is refused by the server and parked.
    await app.call('profiles.identifiers.add', { id: ann.id, identifier: { kind: 'fbid', value: 'fb-1' } })
    const refused = await app.run('sync.push')
    expect(refused.summary).toMatchObject({ status: 'partial', records: 0, rejected: 1 })
    const [entry, ...others] = parked(app)
    expect(others).toEqual([])
    expect(entry).toMatchObject({ error_code: 555, attempts: 1 })
    expect(entry?.error_message).toBe(REFUSED_FB1)
    expect(profileDataOf(entry)).toEqual({ FBID: 'fb-1' })
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, errors: 1 })

    await fillChunk(app)
    await replaceFbid(app, ann.id)
    const fixed = await app.run('sync.push')
    // The parked entry came back (a newer change to Ann waits), went on its own and was refused again;
    // the new FBID (one record for its two entries) and every kiosk event were accepted.
    expect(fixed.summary).toMatchObject({
      status: 'partial',
      records: DEFAULT_CHUNK + 1,
      entries: DEFAULT_CHUNK + 2,
      rejected: 1,
      remaining: 0,
    })
    expect(fixed.summary?.notes).toEqual([`${ann.id}: 555 ${REFUSED_FB1}`])

    // Superseded: the refused entry is gone, not parked again.
    expect(parked(app)).toEqual([])
    expect(app.rows('SELECT id FROM outbox WHERE id = ?', entry?.id)).toEqual([])
    expect(await app.call('sync.errors.list', {})).toEqual({ items: [], total: 0 })
    expect(await app.call('sync.profile', { id: ann.id })).toMatchObject({ pending: 0, errors: [] })
    expect(await app.call('sync.status', {})).toMatchObject({
      state: 'up-to-date',
      pending: 0,
      errors: 0,
      headline: 'Up to date',
    })

    // The server holds the new value; the other profile keeps its own.
    expect(await remoteByIdentity(sandbox, 'ann')).toMatchObject({
      name: 'Ann Lee',
      profileData: { FBID: 'fb-2' },
    })
    expect(await remoteByIdentity(sandbox, 'someone-else')).toMatchObject({ profileData: { FBID: 'fb-1' } })

    // Nothing is sent again: no parked entry comes back at the next push.
    const idle = await app.run('sync.push')
    expect(idle.summary).toMatchObject({ records: 0, rejected: 0 })
  })

  it('keeps only the other keys of a parked entry, and a retry never sends the superseded value', async () => {
    const sandbox = await sandboxWith()
    await fbidTakenOnServer(sandbox)
    const app = appWith()
    await app.configure(sandbox)
    // One entry with several keys: the new profile, its name, plan, identity and the taken FBID.
    const ann = await app.call('profiles.create', {
      identifiers: [
        { kind: 'identity', value: 'ann' },
        { kind: 'fbid', value: 'fb-1' },
      ],
      changes: [
        { op: 'set', key: 'Name', value: 'Ann Lee' },
        { op: 'set', key: 'Plan', value: 'pro', type: 'string' },
      ],
    })
    const refused = await app.run('sync.push')
    expect(refused.summary).toMatchObject({ status: 'partial', records: 0, rejected: 1 })
    const [entry, ...others] = parked(app)
    expect(others).toEqual([])
    expect(entry).toMatchObject({ error_code: 555, error_message: REFUSED_FB1, attempts: 1 })
    expect(profileDataOf(entry)).toEqual({ Name: 'Ann Lee', Plan: 'pro', Identity: 'ann', FBID: 'fb-1' })
    expect(await remoteByIdentity(sandbox, 'ann')).toBeUndefined()

    await fillChunk(app)
    await replaceFbid(app, ann.id)
    const fixed = await app.run('sync.push')
    expect(fixed.summary).toMatchObject({
      status: 'partial',
      records: DEFAULT_CHUNK + 1,
      rejected: 1,
      remaining: 0,
    })

    // The same entry is still parked with its other keys, without the FBID the accepted change replaced.
    const [kept, ...more] = parked(app)
    expect(more).toEqual([])
    expect(kept).toMatchObject({ id: entry?.id, error_code: 555, attempts: 2 })
    expect(profileDataOf(kept)).toEqual({ Name: 'Ann Lee', Plan: 'pro', Identity: 'ann' })
    expect(app.rows('SELECT base FROM outbox WHERE id = ?', entry?.id)).toEqual([{ base: '{}' }])
    const errors = await app.call('sync.errors.list', {})
    expect(errors.items).toEqual([
      expect.objectContaining({ ids: [entry?.id], profileId: ann.id, fields: ['Name', 'Plan', 'Identity'] }),
    ])
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0, errors: 1 })
    // The server has the new FBID only: the rest of Ann waits in the parked entry.
    const remote = await remoteByIdentity(sandbox, 'ann')
    expect(remote?.profileData).toEqual({ FBID: 'fb-2' })
    expect(remote?.name).toBeUndefined()

    // fb-1 becomes free on the server (the other profile is deleted): a stale FBID would now be accepted
    // and overwrite fb-2. Retrying the parked entry sends only what is left of it.
    const deleted = await fetch(`${sandbox.baseUrl}/1/delete/profiles.json`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ identity: 'someone-else' }),
    })
    expect(deleted.status).toBe(200)
    expect(await app.call('sync.errors.retry', { ids: [entry?.id as number] })).toEqual({ retried: 1 })
    const retried = await app.run('sync.push')
    expect(retried.summary).toMatchObject({ status: 'succeeded', records: 1, entries: 1, rejected: 0 })
    expect(await remoteByIdentity(sandbox, 'ann')).toMatchObject({
      name: 'Ann Lee',
      profileData: { FBID: 'fb-2', Plan: 'pro' },
    })
    expect(parked(app)).toEqual([])
    expect(await app.call('sync.errors.list', {})).toEqual({ items: [], total: 0 })
    expect(await app.call('sync.status', {})).toMatchObject({
      state: 'up-to-date',
      pending: 0,
      errors: 0,
      headline: 'Up to date',
    })
  })
})
