// Two app instances (two data folders) against one sandbox edit the same profiles while offline. When
// both sync, a field changed on both sides is listed as a conflict with both values, nothing is
// overwritten silently, and each resolution (keep mine / take theirs) ends with the same values everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expectServerMatches,
  startTwoApps,
  type App,
  type Sandbox,
  type TwoApps,
} from '../../test-support/sync-harness'

let two: TwoApps
let sandbox: Sandbox
let a: App
let b: App
let p: string
let q: string

beforeAll(async () => {
  two = await startTwoApps()
  ;({ sandbox, a, b } = two)
})

afterAll(() => two.stop())

async function remoteOf(identity: string) {
  const record = (await sandbox.profiles()).find((r) => r.identity === identity)
  if (!record) throw new Error(`no ${identity} on the server`)
  return record
}

describe('the same profiles edited offline in two places', () => {
  it('starts from one shared state', async () => {
    p = (
      await a.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: 'shared-p' }],
        changes: [
          { op: 'set', key: 'Name', value: 'Original P' },
          { op: 'set', key: 'Plan', value: 'basic', type: 'string' },
        ],
      })
    ).id
    q = (
      await a.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: 'shared-q' }],
        changes: [{ op: 'set', key: 'Plan', value: 'basic', type: 'string' }],
      })
    ).id
    expect((await a.run('sync.push')).status).toBe('succeeded')
    const pulled = await b.run('sync.pull')
    expect(pulled.summary).toMatchObject({ created: 2, conflicts: 0 })
    // A pull writes the cache only: nothing to send back.
    expect(await b.call('sync.status', {})).toMatchObject({ pending: 0 })
    expect((await b.call('profiles.get', { id: p })).system.Name).toBe('Original P')
  })

  it('finds the conflicts on pull, keeps both values and holds the push back', async () => {
    // Offline edits on both sides: Name of P and Plan of Q on both; one field each only on one side.
    await a.call('profiles.update', {
      id: p,
      changes: [
        { op: 'set', key: 'Name', value: 'P from A' },
        { op: 'set', key: 'Score', value: 7, type: 'number' },
      ],
    })
    await a.call('profiles.update', {
      id: q,
      changes: [{ op: 'set', key: 'Plan', value: 'gold', type: 'string' }],
    })
    await b.call('profiles.update', {
      id: p,
      changes: [
        { op: 'set', key: 'Name', value: 'P from B' },
        { op: 'set', key: 'City', value: 'Paris', type: 'string' },
      ],
    })
    await b.call('profiles.update', {
      id: q,
      changes: [{ op: 'set', key: 'Plan', value: 'silver', type: 'string' }],
    })

    expect((await a.run('sync.push')).status).toBe('succeeded')
    const pulled = await b.run('sync.pull')
    expect(pulled.summary).toMatchObject({ conflicts: 2 })

    const conflicts = await b.call('sync.conflicts.list', {})
    expect(conflicts.total).toBe(2)
    const byField = Object.fromEntries(conflicts.items.map((c) => [`${c.profileId}:${c.field}`, c]))
    expect(byField[`${p}:Name`]).toMatchObject({ mine: 'P from B', theirs: 'P from A', base: 'Original P' })
    expect(byField[`${q}:Plan`]).toMatchObject({ mine: 'silver', theirs: 'gold', base: 'basic' })
    // The field changed only on the server came in; the one changed only here is still waiting.
    const bp = await b.call('profiles.get', { id: p })
    expect(bp.system.Name).toBe('P from B')
    expect(bp.custom.find((c) => c.key === 'Score')?.value).toBe(7)
    expect(bp.custom.find((c) => c.key === 'City')?.value).toBe('Paris')

    // The push holds both profiles' changes back: the server keeps A's values meanwhile.
    const pushed = await b.run('sync.push')
    expect(pushed.summary).toMatchObject({ status: 'partial', held: 2 })
    expect((await remoteOf('shared-p')).name).toBe('P from A')
    expect((await remoteOf('shared-q')).profileData.Plan).toBe('gold')
    const status = await b.call('sync.status', {})
    expect(status).toMatchObject({ conflicts: 2, held: 2, pending: 2 })
    expect(status.headline).toBe('2 changes waiting · 2 conflicts')
    expect((await b.call('sync.profile', { id: p })).conflicts).toHaveLength(1)
  })

  it('resolves one as "take theirs" and one as "keep mine", then both sides agree with the server', async () => {
    const conflicts = (await b.call('sync.conflicts.list', {})).items
    const nameConflict = conflicts.find((c) => c.field === 'Name')!
    const planConflict = conflicts.find((c) => c.field === 'Plan')!

    const theirs = await b.call('sync.conflicts.resolve', { id: nameConflict.id, choice: 'theirs' })
    expect(theirs).toMatchObject({ resolution: 'theirs', resolvedAt: expect.any(Number) })
    expect((await b.call('profiles.get', { id: p })).system.Name).toBe('P from A')
    const mine = await b.call('sync.conflicts.resolve', { id: planConflict.id, choice: 'mine' })
    expect(mine.resolution).toBe('mine')
    const again = await b.fail('sync.conflicts.resolve', { id: planConflict.id, choice: 'theirs' })
    expect(again.code).toBe('conflict')
    expect((await b.call('sync.conflicts.list', {})).total).toBe(0)

    const pushed = await b.run('sync.push')
    expect(pushed.summary).toMatchObject({ status: 'succeeded', held: 0, remaining: 0 })
    const remoteP = await remoteOf('shared-p')
    expect(remoteP).toMatchObject({ name: 'P from A', profileData: { Score: 7, City: 'Paris' } })
    expect((await remoteOf('shared-q')).profileData.Plan).toBe('silver')

    // A pull on the other side brings B's choices in, without conflicts.
    expect((await a.run('sync.pull')).summary).toMatchObject({ conflicts: 0 })
    expect((await a.call('profiles.get', { id: q })).custom.find((c) => c.key === 'Plan')?.value).toBe(
      'silver',
    )
    await expectServerMatches(a, sandbox)
    await expectServerMatches(b, sandbox)
  })

  it('also finds a conflict when pushing without a pull first, and overwrites nothing', async () => {
    await a.call('profiles.update', { id: p, changes: [{ op: 'set', key: 'Name', value: 'A again' }] })
    await b.call('profiles.update', { id: p, changes: [{ op: 'set', key: 'Name', value: 'B again' }] })
    expect((await a.run('sync.push')).status).toBe('succeeded')
    // B pushes straight away: the profile is read back first, and the conflict is found then.
    const pushed = await b.run('sync.push')
    expect(pushed.summary).toMatchObject({ status: 'partial', conflicts: 1, held: 1, checked: 1 })
    expect((await remoteOf('shared-p')).name).toBe('A again')
    const [conflict] = (await b.call('sync.conflicts.list', {})).items
    expect(conflict).toMatchObject({ field: 'Name', mine: 'B again', theirs: 'A again', base: 'P from A' })

    await b.call('sync.conflicts.resolve', { id: conflict!.id, choice: 'mine' })
    expect((await b.run('sync.push')).summary).toMatchObject({ status: 'succeeded' })
    expect((await remoteOf('shared-p')).name).toBe('B again')
    const history = await b.call('sync.conflicts.list', { includeResolved: true })
    expect(history.items.map((c) => c.resolution)).toEqual(['mine', 'mine', 'theirs'])
  })
})
