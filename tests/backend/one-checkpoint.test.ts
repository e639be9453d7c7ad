// withOneCheckpoint on a real WAL database file: no automatic checkpoint while the work's transactions
// commit (the WAL keeps every frame), one checkpoint at the end, the setting restored even on failure.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { withOneCheckpoint } from '../../electron/backend/core/db/one-checkpoint'

let dir: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-checkpoint-'))
  db = new Database(join(dir, 'test.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('wal_autocheckpoint = 100')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Three transactions of ~150 pages each: each would pass the 100-page automatic checkpoint. */
function writeBatches(): void {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  for (let batch = 0; batch < 3; batch++)
    db.transaction(() => {
      for (let i = 0; i < 600; i++) insert.run('x'.repeat(1000))
    })()
}

const walFrames = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[])[0]!

describe('withOneCheckpoint', () => {
  it('keeps the WAL through the work and checkpoints it once at the end', async () => {
    let during = -1
    let framesDuring = 0
    await withOneCheckpoint(db, async () => {
      during = db.pragma('wal_autocheckpoint', { simple: true }) as number
      writeBatches()
      // Every batch's frames are still in the WAL (the file was never rewound by a checkpoint).
      framesDuring = walSizeFrames()
      await Promise.resolve()
    })
    expect(during).toBe(0)
    expect(framesDuring).toBeGreaterThan(3 * 140)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(100)
    const after = walFrames()
    expect(after.checkpointed).toBe(after.log)
  })

  it('restores automatic checkpoints when the work fails', async () => {
    await expect(withOneCheckpoint(db, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(100)
  })
})

/** Frames in the WAL file now, from its size (32-byte header, frames of a 24-byte header and a page). */
function walSizeFrames(): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number
  return Math.floor((statSync(join(dir, 'test.db-wal')).size - 32) / (24 + pageSize))
}
