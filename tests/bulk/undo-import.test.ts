// Undo of an import run: exactly the profiles that run changed are reverted (the ones it created are
// removed, the ones it updated get their old values back), and a profile outside the run is untouched.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
beforeEach(() => {
  h = openImportHarness()
})
afterEach(async () => {
  await h.close()
})

function state() {
  return {
    profiles: h
      .rows<Record<string, unknown>>('SELECT * FROM profiles ORDER BY id')
      .map(({ updated_at: _u, ...rest }) => rest),
    identifiers: h.rows('SELECT * FROM identifiers ORDER BY profile_id, kind, name, value'),
    events: h.rows('SELECT * FROM events ORDER BY id'),
    counts: h.rows('SELECT * FROM profile_counts ORDER BY 1, 2, 3'),
  }
}

describe('undo of an import run', () => {
  it('reverts exactly the profiles the run changed', async () => {
    await h.call('profiles.create', {
      changes: [
        { op: 'set', key: 'Name', value: 'Ada Old' },
        { op: 'set', key: 'plan', value: 'basic', type: 'string' },
      ],
      identifiers: [{ kind: 'identity', value: 'u1' }],
    })
    await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Bystander' }],
      identifiers: [{ kind: 'identity', value: 'u9' }],
    })
    const before = state()
    const file = h.file('users.csv', 'Identity,Name,plan\nu1,Ada New,pro\nu2,Bo,basic\nu3,Cy,pro\n')
    const run = await h.run('imports.start', { file: h.grant(file) })
    expect(run.summary.status).toBe('succeeded')
    expect(h.count('profiles')).toBe(4)

    const { items } = await h.call('history.list', { kind: 'import' })
    expect(items).toHaveLength(1)
    const changeSet = items[0]!.id
    const preview = await h.call('undo.preview', { changeSet })
    expect(preview).toMatchObject({ refusal: null, profiles: 3, removes: 2, restores: 0, changedSince: 0 })

    const { jobId } = await h.call('undo.start', { changeSet })
    const finished = await h.finished(jobId)
    if (finished.kind !== 'undo' || !finished.summary) throw new Error(JSON.stringify(finished))
    expect(finished.summary).toMatchObject({ removed: 2, reverted: 1, skipped: 0 })
    expect(state()).toEqual(before)
    const undone = await h.call('history.get', { id: changeSet })
    expect(undone.undoneBy).toBe(finished.summary.changeSet)
    const undo = await h.call('history.get', { id: finished.summary.changeSet as number })
    expect(undo).toMatchObject({ kind: 'undo', undoes: changeSet, profiles: 3 })
  })

  it('restores last_seen exactly when it removes the events an import added', async () => {
    await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'u1' }] })
    const earlier = h.file('earlier.csv', 'identity,evtName,ts\nu1,App Opened,1700000000\n')
    expect(
      (await h.run('imports.start', { file: h.grant(earlier), kind: 'events' })).summary.counts,
    ).toMatchObject({
      imported: 1,
    })
    const before = {
      ...state(),
      summaries: h.rows('SELECT * FROM event_summaries ORDER BY profile_id, name'),
    }
    expect(before.profiles.map((p) => p.last_seen)).toEqual([1700000000])

    const later = h.file(
      'later.csv',
      'identity,evtName,ts\nu1,Charged,1700000900\nu1,App Opened,1700000500\n',
    )
    expect(
      (await h.run('imports.start', { file: h.grant(later), kind: 'events' })).summary.counts,
    ).toMatchObject({
      imported: 2,
    })
    expect(h.rows('SELECT last_seen FROM profiles')).toEqual([{ last_seen: 1700000900 }])
    const { items } = await h.call('history.list', { kind: 'import' })
    const { jobId } = await h.call('undo.start', { changeSet: items[0]!.id })
    const finished = await h.finished(jobId)
    if (finished.kind !== 'undo' || !finished.summary) throw new Error(JSON.stringify(finished))
    expect({
      ...state(),
      summaries: h.rows('SELECT * FROM event_summaries ORDER BY profile_id, name'),
    }).toEqual(before)
  })
})
