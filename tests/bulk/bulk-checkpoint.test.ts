// A bulk job and its undo are done when their last batch commits: the WAL they grew is not yet copied
// into the database file when they report finished; the checkpoint runs after, in a worker thread, and
// copies all of it. The database closes only once that checkpoint has ended.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backgroundCheckpointsSettled } from '../../electron/backend/core/db/background-checkpoint'
import { openBackendHarness, type BackendHarness } from '../../test-support/backend'

let h: BackendHarness
beforeEach(() => {
  h = openBackendHarness({ sync: { autoSync: false } })
})
afterEach(async () => {
  await h.close()
})

/** Frames in the WAL and how many are copied into the database file, from the wal-index (-shm) header. */
function walState(): { frames: number; backfilled: number } {
  const shm = readFileSync(join(h.dataDir, 'profiles.db-shm'))
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) }
}

/** Runs a job and reads the WAL's state the moment it reports finished. */
async function atFinish(start: Promise<{ jobId: string }>): Promise<{
  summary: Record<string, unknown>
  wal: { frames: number; backfilled: number }
}> {
  let wal = { frames: -1, backfilled: -1 }
  const { jobId } = await start
  const off = h.backend.on('job.finished', (e) => {
    if (e.jobId === jobId) wal = walState()
  })
  const finished = await h.finished(jobId)
  off()
  expect(finished.status).toBe('succeeded')
  return { summary: (finished.summary ?? {}) as Record<string, unknown>, wal }
}

describe('the WAL checkpoint of a bulk job and its undo', () => {
  it('runs after the job reports finished, and copies the whole WAL', async () => {
    const load = await h.call('sample.load', { profiles: 300 })
    expect((await h.finished(load.jobId)).status).toBe('succeeded')
    await backgroundCheckpointsSettled()
    h.backend.context.db.pragma('wal_checkpoint(TRUNCATE)')

    const set = await atFinish(
      h.call('bulk.start', {
        selection: { kind: 'search', query: '', filters: {} },
        action: { action: 'set', key: 'tier', value: 'gold', type: 'string' },
      }),
    )
    expect(set.summary.changed).toBeGreaterThan(250)
    // Finished with its batches in the WAL (the pages of 300 profiles, their audit rows and outbox
    // records) and none of them copied yet.
    expect(set.wal.frames).toBeGreaterThan(20)
    expect(set.wal.backfilled).toBe(0)
    await backgroundCheckpointsSettled()
    expect(walState()).toEqual({ frames: set.wal.frames, backfilled: set.wal.frames })

    h.backend.context.db.pragma('wal_checkpoint(TRUNCATE)')
    const undo = await atFinish(h.call('undo.start', { changeSet: set.summary.changeSet as number }))
    expect(undo.summary.reverted).toBe(set.summary.changed)
    expect(undo.wal.frames).toBeGreaterThan(20)
    expect(undo.wal.backfilled).toBe(0)
    await backgroundCheckpointsSettled()
    expect(walState()).toEqual({ frames: undo.wal.frames, backfilled: undo.wal.frames })
    expect(h.rows('SELECT 1 FROM profiles WHERE custom -> \'$."tier"\' IS NOT NULL')).toEqual([])
  }, 60_000)
})
