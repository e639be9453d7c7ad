// Bulk edit and undo on a real backend and SQLite file: a bulk change then its undo returns the database
// exactly (profiles but updated_at, identifiers, events, custom properties) while the audit trail and the
// outbox grow; the person's choice for profiles changed since; a deleted profile comes back with its
// events; the 21st control-group exclusion is refused all or nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BulkAction, BulkSelection } from '../../shared/bulk/types'
import { openBackendHarness, type BackendHarness } from '../../test-support/backend'
import { loadSample as loadSampleInto, bulkJob, undoJob } from '../../test-support/bulk-jobs'

let h: BackendHarness
beforeEach(() => {
  h = openBackendHarness({ prefix: 'profile-desk-bulk-' })
})
afterEach(async () => {
  await h.close()
})

const ALL: BulkSelection = { kind: 'search', query: '', filters: {} }

const loadSample = (profiles: number) => loadSampleInto(h, profiles)

/** The state an undo must give back: every table a bulk change or its undo writes, but updated_at. */
function state() {
  const profiles = h
    .rows<Record<string, unknown>>('SELECT * FROM profiles ORDER BY id')
    .map(({ updated_at: _u, ...rest }) => rest)
  return {
    profiles,
    custom: profiles.map((p) => JSON.parse(p.custom as string) as unknown),
    identifiers: h.rows('SELECT * FROM identifiers ORDER BY profile_id, kind, name, value'),
    events: h.rows('SELECT * FROM events ORDER BY id'),
    summaries: h.rows('SELECT * FROM event_summaries ORDER BY profile_id, name'),
    devices: h.rows('SELECT * FROM devices ORDER BY device_id'),
    counts: h.rows('SELECT * FROM profile_counts ORDER BY 1, 2, 3'),
  }
}

const bulk = (selection: BulkSelection, action: BulkAction) => bulkJob(h, selection, action)
const undo = (changeSet: number, onChanged?: 'overwrite' | 'skip-changed') => undoJob(h, changeSet, onChanged)

describe('bulk set then undo', () => {
  it('returns the database exactly to its earlier state, while the audit trail and the outbox grow', async () => {
    await loadSample(300)
    const n = h.count('profiles')
    const before = state()
    const audit0 = h.count('audit')
    const outbox0 = h.count('outbox')
    const waiting0 = h.count('outbox') - h.count('outbox_done')

    const preview = await h.call('bulk.preview', {
      selection: ALL,
      action: { action: 'set', key: 'plan', value: 'gold', type: 'string' },
    })
    expect(preview.matched).toBe(n)
    expect(preview.willChange).toBe(n)
    const first = h.rows<{ plan: string | null }>(
      "SELECT custom ->> '$.plan' AS plan FROM profiles ORDER BY id LIMIT 1",
    )[0]
    expect(preview.sample[0]?.changes).toEqual([
      { field: 'plan', before: first?.plan ?? null, after: 'gold' },
    ])
    const set = await bulk(ALL, { action: 'set', key: 'plan', value: 'gold', type: 'string' })
    expect(set).toMatchObject({ changed: n, cancelled: false, batches: { done: 1, total: 1 } })
    expect(h.rows("SELECT count(*) AS n FROM profiles WHERE custom ->> '$.plan' = 'gold'")).toEqual([{ n }])
    expect(h.count('audit')).toBe(audit0 + n)
    expect(h.count('outbox')).toBe(outbox0 + n)
    const history = await h.call('history.list', { kind: 'bulk' })
    expect(history.items[0]).toMatchObject({ id: set.changeSet, kind: 'bulk', profiles: n, state: 'done' })

    const undone = await undo(set.changeSet as number)
    expect(undone).toMatchObject({ undid: set.changeSet, reverted: n, skipped: 0 })
    expect(state()).toEqual(before)
    expect(h.count('audit')).toBe(audit0 + 2 * n)
    expect(h.count('outbox')).toBe(outbox0 + 2 * n)
    // The undo's record supersedes the bulk set's unsent one: one record per profile waits to be pushed.
    expect(h.rows('SELECT count(*) AS n FROM outbox WHERE id NOT IN (SELECT id FROM outbox_done)')).toEqual([
      { n: waiting0 + n },
    ])
    expect((await h.call('history.get', { id: set.changeSet as number })).undoneBy).toBe(undone.changeSet)

    // The undo is a change set of its own: undoing it brings the bulk change back.
    await undo(undone.changeSet as number)
    expect(h.rows("SELECT count(*) AS n FROM profiles WHERE custom ->> '$.plan' = 'gold'")).toEqual([{ n }])
  })

  it('returns the database exactly after the per-profile actions (test flag, phone, multi-value item)', async () => {
    await loadSample(120)
    const before = state()
    const test = await bulk(ALL, { action: 'test' })
    const phone = await bulk(ALL, { action: 'remove-phone' })
    const item = await bulk(ALL, { action: 'add-item', key: 'tags', value: 'vip' })
    expect(test.changed + phone.changed + item.changed).toBeGreaterThan(h.count('profiles'))
    for (const s of [item, phone, test]) await undo(s.changeSet as number)
    expect(state()).toEqual(before)
  })
})

describe('undo after a later change', () => {
  async function setup() {
    await loadSample(40)
    const ids = h.rows<{ object_id: string; plan: string | null }>(
      "SELECT object_id, custom ->> '$.plan' AS plan FROM profiles WHERE custom ->> '$.plan' IS NOT 'gold' ORDER BY id LIMIT 3",
    )
    const selection: BulkSelection = { kind: 'ids', ids: ids.map((r) => r.object_id) }
    const set = await bulk(selection, { action: 'set', key: 'plan', value: 'gold', type: 'string' })
    const changed = ids[0]!.object_id
    await h.call('profiles.update', { id: changed, changes: [{ op: 'set', key: 'plan', value: 'silver' }] })
    return { set, ids: ids.map((r) => r.object_id), changed, original: ids.map((r) => r.plan) }
  }
  const planOf = (id: string) =>
    h.rows<{ plan: string | null }>(
      "SELECT custom ->> '$.plan' AS plan FROM profiles WHERE object_id = ?",
      id,
    )[0]?.plan

  it('shows the profiles changed since and refuses to guess', async () => {
    const { set, changed } = await setup()
    const preview = await h.call('undo.preview', { changeSet: set.changeSet as number })
    expect(preview.changedSince).toBe(1)
    expect(preview.changedSinceSample[0]?.profile.id).toBe(changed)
    const error = await h.fail('undo.start', { changeSet: set.changeSet })
    expect(error.code).toBe('conflict')
    expect(error.message).toContain('1 profile changed again')
  })

  it('skips them when asked to', async () => {
    const { set, ids, changed, original } = await setup()
    const s = await undo(set.changeSet as number, 'skip-changed')
    expect(s).toMatchObject({ reverted: 2, skipped: 1 })
    expect(planOf(changed)).toBe('silver')
    expect(ids.slice(1).map(planOf)).toEqual(original.slice(1))
  })

  it('overwrites them when asked to', async () => {
    const { set, ids, original } = await setup()
    const s = await undo(set.changeSet as number, 'overwrite')
    expect(s).toMatchObject({ reverted: 3, overwritten: 1 })
    expect(ids.map(planOf)).toEqual(original)
  })
})

describe('undo of a bulk delete', () => {
  it('brings the profiles back with their identifiers, properties and events', async () => {
    await loadSample(30)
    const victims = h.rows<{ object_id: string; id: number }>(
      'SELECT p.object_id, p.id FROM profiles p WHERE EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id) ORDER BY p.id LIMIT 4',
    )
    expect(victims.length).toBe(4)
    const before = state()
    const eventsBefore = h.count('events')
    const deleted = await bulk({ kind: 'ids', ids: victims.map((v) => v.object_id) }, { action: 'delete' })
    expect(deleted.changed).toBe(4)
    expect(h.count('events')).toBeLessThan(eventsBefore)
    const preview = await h.call('undo.preview', { changeSet: deleted.changeSet as number })
    expect(preview).toMatchObject({ restores: 4, changedSince: 0, remote: { pushedDeletes: 0 } })
    const s = await undo(deleted.changeSet as number)
    expect(s).toMatchObject({ restored: 4, reuploaded: 0 })
    expect(h.count('events')).toBe(eventsBefore)
    expect(state()).toEqual(before)
    // The deletions were never sent: their delete records left the outbox with the undo.
    expect(h.rows("SELECT count(*) AS n FROM outbox WHERE kind = 'delete'")).toEqual([{ n: 0 }])
    const detail = await h.call('profiles.get', { id: victims[0]!.object_id })
    expect(detail.eventSummaries.length).toBeGreaterThan(0)
  })
})

describe('the control-group limit in bulk', () => {
  it('refuses the 21st exclusion all or nothing, naming the limit and the current holders', async () => {
    await loadSample(25)
    const ids = h
      .rows<{ object_id: string; name: string }>('SELECT object_id, name FROM profiles ORDER BY id')
      .map((r) => r.object_id)
    const first = await bulk({ kind: 'ids', ids: ids.slice(0, 18) }, { action: 'exclude' })
    expect(first.changed).toBe(18)
    const selection: BulkSelection = { kind: 'ids', ids: ids.slice(18, 21) }
    const preview = await h.call('bulk.preview', { selection, action: { action: 'exclude' } })
    expect(preview.exclusions).toMatchObject({ limit: 20, wouldHold: 21 })
    expect(preview.exclusions?.holders).toHaveLength(18)
    expect(preview.blocked).toContain('At most 20 profiles')
    expect(preview.blocked).toContain(
      preview.exclusions!.holders[0]!.name ?? preview.exclusions!.holders[0]!.id,
    )
    const error = await h.fail('bulk.start', { selection, action: { action: 'exclude' } })
    expect(error.code).toBe('limit')
    expect(h.rows('SELECT count(*) AS n FROM profiles WHERE cg_excluded = 1')).toEqual([{ n: 18 }])
    // Two more fit: they are excluded.
    const two = await bulk({ kind: 'ids', ids: ids.slice(18, 20) }, { action: 'exclude' })
    expect(two.changed).toBe(2)
    expect(h.rows('SELECT count(*) AS n FROM profiles WHERE cg_excluded = 1')).toEqual([{ n: 20 }])
  })
})
