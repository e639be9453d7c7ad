// Change sets across restarts: one left open by a process that died is marked interrupted at the next
// start (one that holds nothing is dropped; one a live process is still writing is left alone), and a
// database from before change sets keeps its audit rows (change_set NULL) when it is migrated.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openChangeSet } from '../../electron/backend/core/changes/change-sets'
import { openDatabase } from '../../electron/backend/core/db/connection'
import { DATABASE_FILE } from '../../electron/backend/core/platform/data-folder'
import { registerDeviceFunctions } from '../../electron/backend/core/devices/schema'
import { MIGRATIONS } from '../../electron/backend/core/index'
import { writeAudit } from '../../electron/backend/core/profiles/audit'
import { openHarness, type Harness } from '../../test-support/store-harness'

let dir: string
let h: Harness | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-changes-'))
})
afterEach(async () => {
  await h?.close()
  h = null
  rmSync(dir, { recursive: true, force: true })
})

/** The pid of a process that has exited (its number is not reused this quickly on Linux). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''])
  return child.pid
}

it('marks open change sets of a dead process interrupted at start-up, drops empty ones, leaves live ones', async () => {
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  try {
    h = openHarness({ dataDir: dir })
    const db = h.backend.context.db
    const at = Math.floor(h.now() / 1000)
    const owned = (label: string, pid: number | undefined) => {
      const id = openChangeSet(db, { kind: 'bulk', actor: 'tester', label, at })
      db.prepare('UPDATE change_sets SET pid = ? WHERE id = ?').run(pid ?? null, id)
      return id
    }
    const crashed = owned('crashed with entries', deadPid())
    writeAudit(db, crashed, 'p-1', at, 'tester', { action: 'property.set', field: 'A', newValue: 1 })
    writeAudit(db, crashed, 'p-2', at, 'tester', { action: 'property.set', field: 'A', newValue: 1 })
    db.prepare('UPDATE change_sets SET profiles = 2 WHERE id = ?').run(crashed)
    const empty = owned('crashed before writing', deadPid())
    const running = owned('another process is writing', live.pid)
    await h.close()

    h = openHarness({ dataDir: dir, start: h.now() + 60_000 })
    const states = h.rows<{ id: number; state: string; finished_at: number | null; profiles: number }>(
      'SELECT id, state, finished_at, profiles FROM change_sets ORDER BY id',
    )
    expect(states).toEqual([
      { id: crashed, state: 'interrupted', finished_at: at + 60, profiles: 2 },
      { id: running, state: 'open', finished_at: null, profiles: 0 },
    ])
    expect(states.some((s) => s.id === empty)).toBe(false)
    // Its entries are kept, in it.
    expect(h.rows('SELECT count(*) AS n FROM audit WHERE change_set = ?', crashed)).toEqual([{ n: 2 }])
  } finally {
    live.kill('SIGKILL')
  }
})

it('migrates a database from before change sets: old audit rows stay, with no change set', async () => {
  const older = MIGRATIONS.filter((m) => m.version < 50)
  const file = join(dir, DATABASE_FILE)
  const old = openDatabase(file, { migrations: older }, [registerDeviceFunctions])
  expect(old.prepare("SELECT name FROM pragma_table_info('audit') WHERE name = 'change_set'").all()).toEqual(
    [],
  )
  old
    .prepare('INSERT INTO profiles (object_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)')
    .run('old-1', 'Old Person', 1_700_000_000, 1_700_000_000)
  old
    .prepare(
      "INSERT INTO audit (object_id, at, actor, action, field, old_value, new_value) VALUES ('old-1', 1700000000, 'ann', 'property.set', 'Name', NULL, '\"Old Person\"')",
    )
    .run()
  old.close()

  h = openHarness({ dataDir: dir })
  expect(h.rows('SELECT user_version AS v FROM pragma_user_version')[0]).toMatchObject({
    v: Math.max(...MIGRATIONS.map((m) => m.version)),
  })
  const history = await h.call('profiles.history', { id: 'old-1', offset: 0, limit: 10 })
  expect(history.items).toMatchObject([
    {
      field: 'Name',
      newValue: 'Old Person',
      actor: 'ann',
      changeSet: null,
      changeSetKind: null,
      changeSetLabel: null,
    },
  ])
  // A change after the migration lands in a change set beside the old row.
  await h.call('profiles.update', { id: 'old-1', changes: [{ op: 'set', key: 'Name', value: 'New Name' }] })
  const after = await h.call('profiles.history', { id: 'old-1', offset: 0, limit: 10 })
  expect(after.items.map((i) => [i.newValue, i.changeSetKind])).toEqual([
    ['New Name', 'edit'],
    ['Old Person', null],
  ])
})
