// withCheckpointAfter on a real WAL database file: no automatic checkpoint while the work's transactions
// commit; the work's result comes back before the WAL is checkpointed (the job is done when its last
// transaction commits), and the checkpoint then runs in a worker thread on a connection of its own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  backgroundCheckpointsSettled,
  checkpointInBackground,
  withCheckpointAfter,
} from '../../electron/backend/core/db/background-checkpoint'

let dir: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-background-checkpoint-'))
  db = new Database(join(dir, 'test.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('wal_autocheckpoint = 100')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
})
afterEach(async () => {
  await backgroundCheckpointsSettled()
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

/**
 * The WAL's frames and how many of them are copied into the database file, read from the wal-index
 * (the -shm file: mxFrame at byte 16 of its header, nBackfill at byte 96) without checkpointing anything.
 */
function walState(): { frames: number; backfilled: number } {
  const shm = readFileSync(join(dir, 'test.db-shm'))
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) }
}

describe('withCheckpointAfter', () => {
  it('returns when the work ends, before the checkpoint, which then copies the whole WAL in the background', async () => {
    let during = -1
    const result = await withCheckpointAfter(db, async () => {
      during = db.pragma('wal_autocheckpoint', { simple: true }) as number
      writeBatches()
      await Promise.resolve()
      return 'written'
    })
    const atReturn = walState()
    expect(result).toBe('written')
    expect(during).toBe(0)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(100)
    // Every batch's frames are in the WAL and none is copied yet: the work did not wait for a checkpoint.
    expect(atReturn.frames).toBeGreaterThan(3 * 140)
    expect(atReturn.backfilled).toBe(0)
    await backgroundCheckpointsSettled()
    expect(walState()).toEqual({ frames: atReturn.frames, backfilled: atReturn.frames })
  })

  it('restores automatic checkpoints when the work fails', async () => {
    await expect(withCheckpointAfter(db, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(100)
  })
})

describe('checkpointInBackground', () => {
  it("reports SQLite's counts from the worker's own connection while this one keeps writing", async () => {
    db.pragma('wal_autocheckpoint = 0')
    writeBatches()
    const frames = walState().frames
    const checkpoint = checkpointInBackground(db)
    // The backend's connection is not held up: it writes on while the worker copies.
    db.prepare('INSERT INTO t (v) VALUES (?)').run('after')
    const result = await checkpoint
    expect(result?.log).toBeGreaterThanOrEqual(frames)
    expect(result?.checkpointed).toBe(result?.log)
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(1801)
  })

  it('does nothing for an in-memory database', async () => {
    const memory = new Database(':memory:')
    try {
      expect(await checkpointInBackground(memory)).toBeNull()
    } finally {
      memory.close()
    }
  })
})
