// Where bulk edit meets the rest: a bulk job started during an import waits its turn and says so (its
// phase is `waiting`), then runs; a profile deleted on its own page comes back with its events by undo.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WAITING_PHASE } from '../../shared/bulk/types'
import type { JobProgressEvent } from '../../shared/ipc/events'
import { profilesCsv } from '../../test-support/csv-files'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
beforeEach(() => {
  h = openImportHarness()
})
afterEach(async () => {
  await h.close()
})

describe('a bulk job during an import', () => {
  it('waits its turn, shows that it is waiting, then applies', async () => {
    await h.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Early' }],
      identifiers: [{ kind: 'identity', value: 'early-1' }],
    })
    const phases: JobProgressEvent[] = []
    h.backend.on('job.progress', (e) => phases.push(e))
    const file = h.file('many.csv', profilesCsv('q', 20_000))
    const { jobId: importJob } = await h.call('imports.start', { file: h.grant(file) })
    const { jobId } = await h.call('bulk.start', {
      selection: {
        kind: 'ids',
        ids: [h.rows<{ object_id: string }>('SELECT object_id FROM profiles LIMIT 1')[0]!.object_id],
      },
      action: { action: 'test' },
    })
    const finished = await h.finished(jobId)
    const imported = await h.finished(importJob)
    expect(imported.status).toBe('succeeded')
    if (finished.kind !== 'bulk' || !finished.summary) throw new Error(JSON.stringify(finished))
    const own = phases.filter((e) => e.jobId === jobId).map((e) => e.phase)
    expect(own[0]).toBe(WAITING_PHASE)
    expect(own).toContain('applying')
    expect(finished.summary.changed).toBe(1)
    expect(finished.summary.waitedSeconds).toBeGreaterThan(0)
    // It applied after the import had finished: its change set comes after the import's.
    const sets = h.rows<{ id: number; kind: string }>('SELECT id, kind FROM change_sets ORDER BY id')
    expect(sets.map((s) => s.kind).slice(-2)).toEqual(['import', 'bulk'])
  }, 120_000)
})

describe('undo of a profile deleted on its page', () => {
  it('brings it back with its identifiers, properties and events', async () => {
    await h.call('events.record', { deviceId: 'dev-1', identity: 'del-1', name: 'Signed Up', props: {} })
    await h.call('events.record', {
      deviceId: 'dev-1',
      identity: 'del-1',
      name: 'Charged',
      props: { amount: 5 },
    })
    const profile = await h.call('profiles.lookup', { key: 'del-1' })
    await h.call('profiles.update', {
      id: profile.id,
      changes: [{ op: 'set', key: 'plan', value: 'gold', type: 'string' }],
    })
    const before = await h.call('profiles.get', { id: profile.id })
    const events = h.rows('SELECT * FROM events ORDER BY id')
    await h.call('profiles.delete', { id: profile.id })
    const { items } = await h.call('history.list', { kind: 'delete' })
    const { jobId } = await h.call('undo.start', { changeSet: items[0]!.id })
    expect((await h.finished(jobId)).status).toBe('succeeded')
    const after = await h.call('profiles.get', { id: profile.id })
    expect({ ...after, updatedAt: 0 }).toEqual({ ...before, updatedAt: 0 })
    expect(h.rows('SELECT * FROM events ORDER BY id')).toEqual(events)
  })
})
