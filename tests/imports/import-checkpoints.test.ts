// The import's checkpoint policy (import-checkpoints.ts) and the wal-index reader it relies on
// (db/wal-index.ts), on a real WAL database file: no automatic checkpoint after every commit, one once the
// backlog reaches the bound (never more than a transaction past it), none left at the end, and the
// connection's own setting put back.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readWalBacklog } from '../../electron/backend/core/db/wal-index'
import { ImportCheckpoints } from '../../electron/backend/core/imports/import-checkpoints'

let dir: string
let file: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-import-ckpt-'))
  file = join(dir, 'test.db')
  db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** One transaction of ~150 pages (600 rows of 1000 bytes on 4 KiB pages). */
function writeBatch(): void {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < 600; i++) insert.run('x'.repeat(1000))
  })()
}

const backlog = () => {
  const wal = readWalBacklog(file)
  if (!wal) throw new Error('no wal-index')
  return wal.frames - wal.backfilled
}

describe('readWalBacklog', () => {
  it("reads the frames in the WAL and those checkpointed, as SQLite's own checkpoint reports them", () => {
    db.pragma('wal_autocheckpoint = 0')
    writeBatch()
    const before = readWalBacklog(file)
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[]
    expect(before).toMatchObject({ frames: result!.log, backfilled: 0 })
    expect(result!.log).toBeGreaterThan(100)
    expect(readWalBacklog(file)).toMatchObject({ frames: result!.log, backfilled: result!.checkpointed })
  })

  it('says null when there is no wal-index to read', () => {
    expect(readWalBacklog(join(dir, 'missing.db'))).toBeNull()
  })
})

describe('ImportCheckpoints', () => {
  it('checkpoints only once the backlog reaches the bound, and whatever is left when the run settles', () => {
    const pageBytes = db.pragma('page_size', { simple: true }) as number
    const checkpoints = new ImportCheckpoints(db, 400 * pageBytes)
    // SQLite's automatic checkpoint (1000 frames by default) is off: the policy decides.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const seen: number[] = []
    for (let i = 0; i < 10; i++) {
      writeBatch()
      seen.push(backlog())
      checkpoints.committed(5)
      // Never more than the bound after the policy's turn.
      expect(backlog()).toBeLessThan(400)
    }
    // ~150 frames a batch: the backlog grows past one batch before a checkpoint, then starts again.
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(400)
    const expected = seen.filter((frames) => frames >= 400).length
    expect(expected).toBeGreaterThan(1)
    expect(expected).toBeLessThan(seen.length / 2)
    expect(checkpoints.figures()).toMatchObject({ commits: 10, checkpoints: expected, lockMaxMs: 5 })
    writeBatch()
    expect(backlog()).toBeGreaterThan(0)
    checkpoints.settle()
    expect(backlog()).toBe(0)
    checkpoints.close()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })

  it('a reader holding an old snapshot keeps its frames; the next commits do not checkpoint again at once', () => {
    const pageBytes = db.pragma('page_size', { simple: true }) as number
    const checkpoints = new ImportCheckpoints(db, 400 * pageBytes)
    writeBatch()
    const reader = new Database(file, { readonly: true })
    try {
      // An open read transaction on the first batch's snapshot: the WAL cannot start over meanwhile.
      reader.exec('BEGIN')
      reader.prepare('SELECT count(*) FROM t').get()
      for (let i = 0; i < 6; i++) {
        writeBatch()
        checkpoints.committed(5)
      }
      // The backlog counts frames not yet copied, not the WAL's length: ~900 frames, two checkpoints.
      expect(checkpoints.figures().checkpoints).toBeLessThanOrEqual(2)
      reader.exec('COMMIT')
    } finally {
      reader.close()
      checkpoints.close()
    }
  })
})
