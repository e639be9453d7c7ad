// The set-wise paths of a bulk set and of its undo on a real backend and SQLite file: profiles that held
// the key as a string, as another type, or not at all come back exactly (custom JSON text included);
// the outbox gets the import's keyed records, which sync expands to the profile's current value (the
// undo's superseding the bulk set's unsent ones); an edit of several custom keys on the profile page is
// undone the same way, and so is an unset (its key comes back as the last key of the JSON object).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BulkAction, BulkSelection } from '../../shared/bulk/types'
import { readPendingChunk } from '../../electron/backend/core/sync/outbox-queue'
import { openBackendHarness, type BackendHarness } from '../../test-support/backend'
import { loadSample as loadSampleInto, bulkJob, undoJob } from '../../test-support/bulk-jobs'

let h: BackendHarness
beforeEach(() => {
  h = openBackendHarness({ prefix: 'profile-desk-undo-set-wise-' })
})
afterEach(async () => {
  await h.close()
})

const ALL: BulkSelection = { kind: 'search', query: '', filters: {} }

const loadSample = (profiles: number) => loadSampleInto(h, profiles)
const bulk = (action: BulkAction) => bulkJob(h, ALL, action)
const undo = (changeSet: number) => undoJob(h, changeSet)

function profiles() {
  return h
    .rows<Record<string, unknown>>('SELECT * FROM profiles ORDER BY id')
    .map(({ updated_at: _u, ...rest }) => rest)
}

/** The newest outbox entry of each profile: its stored payload and base, parsed. */
function lastRecords(): Map<string, { payload: Record<string, unknown>; base: unknown }> {
  const rows = h.rows<{ object_id: string; payload: string; base: string | null }>(
    'SELECT object_id, payload, base FROM outbox WHERE id IN (SELECT max(id) FROM outbox GROUP BY object_id)',
  )
  return new Map(
    rows.map((r) => [
      r.object_id,
      {
        payload: JSON.parse(r.payload) as Record<string, unknown>,
        base: r.base === null ? null : (JSON.parse(r.base) as unknown),
      },
    ]),
  )
}

/** What the push sends for each profile's newest entry (keyed records expanded from the current row). */
function pushedData(): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const row of readPendingChunk(h.backend.context.db, 0, 100_000))
    out.set(row.object_id, (JSON.parse(row.payload) as { profileData?: unknown }).profileData)
  return out
}

describe('bulk set then undo, set-wise', () => {
  it('returns profiles that held the key as a string, another type or not at all exactly, with keyed records', async () => {
    await loadSample(90)
    // Three starting states, the key in the middle of the JSON for some: a string, a number, absent.
    h.rows(
      `UPDATE profiles SET custom = CASE id % 3
         WHEN 0 THEN json_set(json_set(custom, '$.plan', 'silver'), '$.zz_after', 1)
         WHEN 1 THEN json_remove(custom, '$.plan')
         ELSE json_set(custom, '$.plan', 7) END RETURNING id`,
    )
    const n = h.count('profiles')
    const before = profiles()
    const held = new Map(
      h
        .rows<{ object_id: string; plan: string | null }>(
          "SELECT object_id, custom -> '$.plan' AS plan FROM profiles",
        )
        .map((r) => [r.object_id, r.plan]),
    )
    const outbox0 = h.count('outbox')

    const set = await bulk({ action: 'set', key: 'plan', value: 'gold', type: 'string' })
    expect(set).toMatchObject({ changed: n, refused: 0 })
    expect(h.count('outbox')).toBe(outbox0 + n)
    for (const [objectId, record] of lastRecords()) {
      // The import's keyed shape: the key only, its value read at push time; base = the old value.
      expect(record.payload).toMatchObject({ type: 'profile', objectId, keys: ['plan'] })
      expect(record.payload).not.toHaveProperty('profileData')
      const old = held.get(objectId)
      expect(record.base).toEqual(old === null ? null : { plan: JSON.parse(old as string) as unknown })
    }
    expect(new Set([...pushedData().values()].map((d) => JSON.stringify(d)))).toEqual(
      new Set([JSON.stringify({ plan: 'gold' })]),
    )

    const undone = await undo(set.changeSet as number)
    expect(undone).toMatchObject({ reverted: n, skipped: 0, cancelled: false })
    expect(profiles()).toEqual(before)
    expect(h.count('outbox')).toBe(outbox0 + 2 * n)
    // Nothing was pushed: the undo's keyed record supersedes the bulk set's (one record per profile).
    expect(readPendingChunk(h.backend.context.db, 0, 100_000)).toHaveLength(n)
    const entries = h.rows<{ action: string; n: number }>(
      'SELECT action, count(*) AS n FROM audit WHERE change_set = ? GROUP BY action ORDER BY action',
      undone.changeSet,
    )
    expect(entries).toEqual([
      { action: 'property.set', n: n - [...held.values()].filter((v) => v === null).length },
      { action: 'property.unset', n: [...held.values()].filter((v) => v === null).length },
    ])
    const pushed = pushedData()
    for (const [objectId, old] of held)
      expect(pushed.get(objectId)).toEqual({
        plan: old === null ? { $delete: true } : (JSON.parse(old) as unknown),
      })
    // ... and keeps its base: the value the server still holds, the one before the bulk set.
    for (const [objectId, record] of lastRecords()) {
      const old = held.get(objectId)
      expect(record.base).toEqual(old === null ? null : { plan: JSON.parse(old as string) as unknown })
    }
  })

  it('undoes a profile page edit of several custom keys set-wise, and an unset the same way', async () => {
    await loadSample(10)
    const [profile] = h.rows<{ object_id: string; custom: string }>(
      'SELECT object_id, custom FROM profiles ORDER BY id LIMIT 1',
    )
    await h.call('profiles.update', {
      id: profile!.object_id,
      changes: [
        { op: 'set', key: 'tier', value: 'b' },
        { op: 'set', key: 'score', value: 12, type: 'number' },
      ],
    })
    const [edit] = h.rows<{ id: number }>("SELECT id FROM change_sets WHERE kind = 'edit' ORDER BY id DESC")
    const s = await undo(edit!.id)
    expect(s.reverted).toBe(1)
    expect(h.rows('SELECT custom FROM profiles WHERE object_id = ?', profile!.object_id)).toEqual([
      { custom: profile!.custom },
    ])
    // Undo of the undo brings both keys back; an unset in bulk is undone back to the values.
    await undo(s.changeSet as number)
    const now = h.rows<{ custom: string }>(
      'SELECT custom FROM profiles WHERE object_id = ?',
      profile!.object_id,
    )
    expect(JSON.parse(now[0]!.custom)).toMatchObject({ tier: 'b', score: 12 })
    // A key an unset removed comes back at the end of the JSON object: equal as properties, not as text.
    const parsed = () => profiles().map((p) => ({ ...p, custom: JSON.parse(p.custom as string) as unknown }))
    const before = parsed()
    const unset = await bulk({ action: 'unset', key: 'tier' })
    expect(unset.changed).toBeGreaterThan(0)
    await undo(unset.changeSet as number)
    expect(parsed()).toEqual(before)
  })

  it('carries the keys and base of the newer unsent keyed record it supersedes into the undo’s record', async () => {
    await loadSample(20)
    const n = h.count('profiles')
    const plan = await bulk({ action: 'set', key: 'zz_plan', value: 'gold', type: 'string' })
    await bulk({ action: 'set', key: 'zz_tier', value: 'b', type: 'string' })
    const pending0 = readPendingChunk(h.backend.context.db, 0, 100_000).length
    const undone = await undoJob(h, plan.changeSet as number, 'overwrite')
    expect(undone).toMatchObject({ reverted: n, cancelled: false })
    // The zz_tier record (each profile's newest) is superseded: one record per profile still waits for it.
    expect(readPendingChunk(h.backend.context.db, 0, 100_000)).toHaveLength(pending0)
    for (const [objectId, record] of lastRecords()) {
      expect(record.payload).toMatchObject({ type: 'profile', objectId, keys: ['zz_tier', 'zz_plan'] })
      // zz_tier keeps its base (no value before); zz_plan gets its value before the undo.
      expect(record.base).toEqual({ zz_plan: 'gold' })
    }
    expect(new Set([...pushedData().values()].map((d) => JSON.stringify(d)))).toEqual(
      new Set([JSON.stringify({ zz_tier: 'b', zz_plan: { $delete: true } })]),
    )
  })

  it('refuses a new key on a profile already at the custom key limit, and takes it one key below', async () => {
    await loadSample(3)
    const [full, below] = h.rows<{ id: number }>('SELECT id FROM profiles ORDER BY id LIMIT 2')
    const keys = (n: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1])))
    h.rows('UPDATE profiles SET custom = ? WHERE id = ? RETURNING id', keys(256), full!.id)
    h.rows('UPDATE profiles SET custom = ? WHERE id = ? RETURNING id', keys(255), below!.id)
    const n = h.count('profiles')
    const set = await bulk({ action: 'set', key: 'zz_new', value: 'x', type: 'string' })
    expect(set).toMatchObject({ changed: n - 1, refused: 1 })
    const held = h.rows<{ id: number; v: string | null }>(
      "SELECT id, custom ->> '$.zz_new' AS v FROM profiles",
    )
    expect(held.filter((r) => r.v === null).map((r) => r.id)).toEqual([full!.id])
  })
})
