// The segment engine's read connection (read-connection.ts): read-only, and neither memory-mapped nor
// given SQLite's large default cache, so its whole-table loads never put the database in the process's
// resident memory (the import's 300 MB peak, issue 11).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openReadConnection } from '../../electron/backend/core/segments/read-connection'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-read-conn-'))
  file = join(dir, 'test.db')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  // ~40 MiB of rows: a walk of them would map that much if the file were memory-mapped.
  db.transaction(() => {
    for (let i = 0; i < 40_000; i++) insert.run('x'.repeat(1000))
  })()
  db.close()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const fileBackedMiB = () =>
  Number(/^RssFile:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024

it('is read-only, not memory-mapped and keeps a 4 MiB cache', () => {
  const db = openReadConnection(file)
  try {
    expect(db.readonly).toBe(true)
    expect(db.pragma('mmap_size', { simple: true })).toBe(0)
    expect(db.pragma('cache_size', { simple: true })).toBe(-4096)
    const before = fileBackedMiB()
    // A whole-table walk, as the segment engine's loads are.
    expect(db.prepare("SELECT count(*) FROM t NOT INDEXED WHERE v <> ''").pluck().get()).toBe(40_000)
    // Mapped, the walk would have added the table's ~40 MiB of file pages to resident memory.
    expect(fileBackedMiB() - before).toBeLessThan(10)
  } finally {
    db.close()
  }
})
