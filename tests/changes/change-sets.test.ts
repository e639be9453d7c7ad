// Change sets (docs/ARCHITECTURE.md "Change sets"): every kind of local change lands in exactly one change
// set with who, when, what and how many profiles; a change that changes nothing leaves no change set;
// every audit row and every inserted event carries its change set; a profile's history rows name theirs.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeSetInfo } from '../../shared/changes/types'
import { changeSetEntries, listChangeSets } from '../../electron/backend/core/changes/change-set-reads'
import { withChangeSet } from '../../electron/backend/core/changes/change-sets'
import { writeAudit } from '../../electron/backend/core/profiles/audit'
import { openImportHarness, START, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
const AT = Math.floor(START / 1000)

beforeAll(() => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
})
afterEach(async () => {
  await h.close()
})

function all(): ChangeSetInfo[] {
  return listChangeSets(h.backend.context.db, {}, { offset: 0, limit: 1000 }).items
}

/** The one change set created since `before` (throws when there are none or several). */
function onlyNew(before: number): ChangeSetInfo {
  const fresh = all().filter((c) => c.id > before)
  expect(fresh).toHaveLength(1)
  return fresh[0] as ChangeSetInfo
}

function lastId(): number {
  return all()[0]?.id ?? 0
}

/** Nothing written outside a change set: every audit row and every event says which one it belongs to. */
function expectEverythingInAChangeSet(): void {
  expect(h.rows('SELECT id FROM audit WHERE change_set IS NULL')).toEqual([])
  expect(h.rows('SELECT id FROM events WHERE change_set IS NULL')).toEqual([])
  // ...and to one that exists (none was deleted while holding entries).
  expect(h.rows('SELECT id FROM audit WHERE change_set NOT IN (SELECT id FROM change_sets)')).toEqual([])
}

describe('each kind of change is one change set', () => {
  it('profile page: create, edit, test flag, control groups, delete; a no-op leaves nothing', async () => {
    h = openImportHarness({ actor: 'ann' })
    let before = lastId()
    const created = await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'u-1' }],
      changes: [{ op: 'set', key: 'Name', value: 'Jane Doe' }],
    })
    const create = onlyNew(before)
    expect(create).toMatchObject({ kind: 'edit', actor: 'ann', state: 'done', profiles: 1, startedAt: AT })
    expect(create.finishedAt).toBe(AT)

    before = lastId()
    await h.call('profiles.update', {
      id: created.id,
      changes: [
        { op: 'set', key: 'Plan', value: 'gold', type: 'string' },
        { op: 'set', key: 'Score', value: 3, type: 'number' },
      ],
    })
    const edit = onlyNew(before)
    expect(edit).toMatchObject({ kind: 'edit', actor: 'ann', profiles: 1, state: 'done' })
    expect(edit.label).toContain('Jane Doe')
    const entries = changeSetEntries(h.backend.context.db, edit.id, { offset: 0, limit: 50 })
    expect(entries.items.map((e) => [e.objectId, e.action, e.field, e.oldValue, e.newValue])).toEqual([
      [created.id, 'property.set', 'Plan', null, 'gold'],
      [created.id, 'property.set', 'Score', null, 3],
    ])

    // The same values again: nothing changes, so no change set is kept.
    before = lastId()
    await h.call('profiles.update', {
      id: created.id,
      changes: [{ op: 'set', key: 'Plan', value: 'gold', type: 'string' }],
    })
    expect(lastId()).toBe(before)
    // AUTOINCREMENT: the deleted empty change set's id is never handed out again.
    await h.call('profiles.setTest', { id: created.id, test: true })
    expect(onlyNew(before).id).toBeGreaterThan(before + 1)

    before = lastId()
    await h.call('profiles.setControlGroupExclusion', { id: created.id, excluded: true })
    expect(onlyNew(before)).toMatchObject({ kind: 'control-groups', profiles: 1 })

    // The profile page's history: each row names its change set, so the page can group by it.
    const history = await h.call('profiles.history', { id: created.id, offset: 0, limit: 50 })
    expect(new Set(history.items.map((i) => i.changeSet)).size).toBe(4)
    const planRow = history.items.find((i) => i.field === 'Plan')
    expect(planRow).toMatchObject({ changeSet: edit.id, changeSetKind: 'edit', changeSetLabel: edit.label })

    before = lastId()
    await h.call('profiles.delete', { id: created.id })
    const deletion = onlyNew(before)
    expect(deletion).toMatchObject({ kind: 'delete', profiles: 1, actor: 'ann' })
    expect(changeSetEntries(h.backend.context.db, deletion.id, { offset: 0, limit: 5 }).items).toMatchObject([
      { objectId: created.id, action: 'profile.delete' },
    ])
    expectEverythingInAChangeSet()
  })

  it('tokens, events and a Duplicate Platform ID resolution (one change set for all its groups)', async () => {
    h = openImportHarness({ actor: 'ann' })
    const ids: string[] = []
    for (const n of [1, 2, 3]) {
      const p = await h.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: `t-${n}` }],
        changes: [{ op: 'set', key: 'Phone', value: '+14155550100' }],
      })
      ids.push(p.id)
    }
    let before = lastId()
    for (const id of ids) {
      await h.call('devices.setToken', { profileId: id, platform: 'Android', pushToken: 'shared-token' })
    }
    const tokenSets = all().filter((c) => c.id > before)
    expect(tokenSets.map((c) => [c.kind, c.profiles])).toEqual([
      ['token', 1],
      ['token', 1],
      ['token', 1],
    ])

    before = lastId()
    const resolved = await h.call('duplicates.resolve', { kinds: ['token', 'phone'] })
    const resolution = onlyNew(before)
    expect(resolved.changeSet).toBe(resolution.id)
    expect(resolution).toMatchObject({ kind: 'duplicate-id', actor: 'ann', profiles: 2, state: 'done' })
    const actions = changeSetEntries(h.backend.context.db, resolution.id, { offset: 0, limit: 50 }).items.map(
      (e) => e.action,
    )
    expect(actions.sort()).toEqual([
      'device.token.remove',
      'device.token.remove',
      'property.unset',
      'property.unset',
    ])
    // Resolved already: nothing to do, no change set.
    before = lastId()
    expect((await h.call('duplicates.resolve', { kinds: ['token', 'phone'] })).changeSet).toBeNull()
    expect(lastId()).toBe(before)

    before = lastId()
    await h.call('devices.removeToken', { profileId: ids[0] as string, deviceId: ids[0] as string })
    expect(onlyNew(before)).toMatchObject({ kind: 'token', profiles: 1 })

    before = lastId()
    const recorded = await h.call('events.record', {
      deviceId: 'dev-x',
      identity: 'new-person',
      name: 'Charged',
      props: { Amount: 5 },
    })
    const event = onlyNew(before)
    expect(event).toMatchObject({ kind: 'event', actor: 'ann' })
    // A new device with a new identity: its profile is created and becomes the user's (Scenario 1).
    expect(event.profiles).toBe(1)
    expect(h.rows('SELECT change_set FROM events WHERE id = ?', recorded.eventId)).toEqual([
      { change_set: event.id },
    ])
    expectEverythingInAChangeSet()
  })

  it('imports: one change set per run (profiles and events), the dry run none', async () => {
    h = openImportHarness({ actor: 'ann' })
    const path = h.file('people.csv', 'identity,Name,Plan\np-1,Ann,gold\np-2,Bob,free\np-3,Cy,free\n')
    const dry = await h.run('imports.validate', { file: h.grant(path) })
    expect(dry.summary.status).toBe('succeeded')
    expect(all()).toEqual([])

    const first = await h.run('imports.start', { file: h.grant(path) })
    const run = onlyNew(0)
    expect(run).toMatchObject({ kind: 'import', actor: 'ann', label: 'Import of people.csv', profiles: 3 })
    expect(run.detail).toMatchObject({ runs: [first.runId], kind: 'profiles', file: 'people.csv' })
    expect(h.rows('SELECT change_set FROM import_runs WHERE id = ?', first.runId)).toEqual([
      { change_set: run.id },
    ])
    const again = lastId()
    // The same file again changes nothing: no change set.
    await h.run('imports.start', { file: h.grant(path) })
    expect(lastId()).toBe(again)

    const changed = h.file('people2.csv', 'identity,Name,Plan\np-1,Ann,gold\np-2,Bob,pro\np-3,Cy,pro\n')
    await h.run('imports.start', { file: h.grant(changed) })
    expect(onlyNew(again)).toMatchObject({ kind: 'import', profiles: 2 })

    const events = h.file('events.csv', 'objectId,identity,evtName,ts\ndev-a,p-1,Charged,1700000200\n')
    const before = lastId()
    const eventRun = await h.run('imports.start', { file: h.grant(events), kind: 'events' })
    expect(eventRun.summary.status).toBe('succeeded')
    const eventSet = onlyNew(before)
    expect(eventSet).toMatchObject({ kind: 'import', label: 'Import of events.csv' })
    expect(h.rows('SELECT count(*) AS n FROM events WHERE change_set = ?', eventSet.id)).toEqual([{ n: 1 }])
    expectEverythingInAChangeSet()
  })

  it('sample data: one change set, one creation entry per profile, its events marked', async () => {
    h = openImportHarness({ actor: 'ann' })
    const { jobId } = await h.call('sample.load', { profiles: 40 })
    expect((await h.finished(jobId)).status).toBe('succeeded')
    const [sample, ...rest] = all()
    expect(rest).toEqual([])
    expect(sample).toMatchObject({ kind: 'sample', actor: 'sample data', state: 'done' })
    const profiles = h.count('profiles')
    expect(sample?.profiles).toBe(profiles)
    expect(
      h.rows(
        "SELECT count(*) AS n FROM audit WHERE action = 'profile.create' AND change_set = ?",
        sample?.id,
      ),
    ).toEqual([{ n: profiles }])
    expectEverythingInAChangeSet()
  })

  it('withChangeSet: an error rolls the change set back with the change', () => {
    h = openImportHarness()
    const db = h.backend.context.db
    expect(() =>
      withChangeSet(db, { kind: 'edit', actor: 'x', label: 'fails' }, (id) => {
        writeAudit(db, id, 'p', AT, 'x', { action: 'property.set', field: 'A', newValue: 1 })
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(all()).toEqual([])
    expect(h.count('audit')).toBe(0)
  })
})
