// Change sets of sync (over real HTTP against the sandbox server): a pull that takes remote values is a
// 'pull' change set of the sync; a pull that takes nothing leaves none; a conflict resolved as "take
// theirs" is a 'conflict' change set of the person who chose, "keep mine" changes nothing here.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { ChangeSetInfo } from '../../shared/changes/types'
import { listChangeSets } from '../../electron/backend/core/changes/change-set-reads'
import { startTwoApps, type App, type TwoApps } from '../../test-support/sync-harness'

let two: TwoApps
let a: App
let b: App

beforeAll(async () => {
  two = await startTwoApps()
  ;({ a, b } = two)
})
afterAll(() => two.stop())

function changeSets(app: App): ChangeSetInfo[] {
  return listChangeSets(app.backend.context.db, {}, { offset: 0, limit: 100 }).items
}

it('a pull taking remote values is one change set per page; a pull taking nothing leaves none', async () => {
  for (const n of [1, 2]) {
    await a.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: `sync-${n}` }],
      changes: [{ op: 'set', key: 'Name', value: `Person ${n}` }],
    })
  }
  expect((await a.run('sync.push')).status).toBe('succeeded')
  expect((await b.run('sync.pull')).summary).toMatchObject({ created: 2 })
  const [pull, ...rest] = changeSets(b)
  expect(rest).toEqual([])
  expect(pull).toMatchObject({ kind: 'pull', actor: 'sync (from server)', profiles: 2, state: 'done' })
  const entries = b.rows<{ object_id: string; action: string }>(
    'SELECT DISTINCT object_id, action FROM audit WHERE change_set = ? ORDER BY object_id',
    pull?.id,
  )
  expect(entries.filter((e) => e.action === 'profile.create')).toHaveLength(2)

  // Nothing new on the server: the next pull takes nothing and leaves no change set.
  expect((await b.run('sync.pull')).summary).toMatchObject({ created: 0, updated: 0 })
  expect(changeSets(b).map((c) => c.id)).toEqual([pull?.id])
  expect(b.rows('SELECT id FROM audit WHERE change_set IS NULL')).toEqual([])
})

it('a conflict taken from the server is a change set of the person who chose', async () => {
  const [profile] = (await b.call('profiles.search', { query: 'sync-1' })).items
  const id = profile?.id as string
  await a.call('profiles.update', { id, changes: [{ op: 'set', key: 'Name', value: 'From A' }] })
  await b.call('profiles.update', { id, changes: [{ op: 'set', key: 'Name', value: 'From B' }] })
  expect((await a.run('sync.push')).status).toBe('succeeded')
  await b.run('sync.pull')
  const [conflict] = (await b.call('sync.conflicts.list', { offset: 0, limit: 10 })).items
  expect(conflict).toMatchObject({ field: 'Name' })
  const before = changeSets(b)[0]?.id ?? 0

  await b.call('sync.conflicts.resolve', { id: conflict?.id as number, choice: 'theirs' })
  const fresh = changeSets(b).filter((c) => c.id > before)
  expect(fresh).toHaveLength(1)
  expect(fresh[0]).toMatchObject({ kind: 'conflict', profiles: 1, actor: b.backend.context.actor })
  expect(fresh[0]?.label).toContain('Name')
  expect((await b.call('profiles.get', { id })).system.Name).toBe('From A')
})
