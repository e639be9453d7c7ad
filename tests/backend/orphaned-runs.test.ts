// Runs whose process is gone, as import and SFTP runs find them at start-up: a dead pid and this process's
// own rows are orphaned; a row another live process runs, and a finished row, are not.
import { spawnSync } from 'node:child_process'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { orphanedRuns, processAlive } from '../../electron/backend/core/db/orphaned-runs'

/** The pid of a child that has already exited (and been reaped), so no process has it for now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
  return Number(child.stdout.trim())
}

let db: Database.Database | undefined
afterEach(() => db?.close())

describe('orphanedRuns', () => {
  it.each(['import_runs', 'sftp_runs'] as const)(
    'finds the %s rows left running by a gone process',
    (table) => {
      db = new Database(':memory:')
      db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, status TEXT NOT NULL, pid INTEGER NOT NULL)`)
      const insert = db.prepare(`INSERT INTO ${table} (id, status, pid) VALUES (?, ?, ?)`)
      const gone = deadPid()
      insert.run(1, 'running', gone)
      insert.run(2, 'running', process.ppid) // the parent that started this test: alive
      insert.run(3, 'running', process.pid)
      insert.run(4, 'succeeded', gone)
      expect(orphanedRuns(db, table)).toEqual([1, 3])
    },
  )
})

describe('processAlive', () => {
  it('tells a live process from an exited one', () => {
    expect(processAlive(process.pid)).toBe(true)
    expect(processAlive(deadPid())).toBe(false)
  })
})
