// Stopping an import half-way, both ways an import writes (index-upkeep.ts):
// - batched (the database already holds profiles): a cancel ends it between batches and keeps the committed
//   ones; a kill -9 leaves the committed batches, the database intact and the run marked interrupted;
// - bulk (an empty database): one transaction, so a cancel or a kill -9 leaves the database exactly as it
//   was, with every index and trigger in place.
// Either way, importing the file again converges to the state an uninterrupted import leaves.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateProfiles } from '../../bench/import/generate'
import { checkIntact, committedRows, killMidImport, state } from './crash-support'
import { openImportHarness, type ImportHarness } from './harness'

let dir: string
let file: string
/** Profiles already in the database for the batched cases: enough that 40,000 rows are not a bulk import. */
let existingFile: string
const ROWS = 40_000
const EXISTING = 3_000

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-crash-'))
  file = join(dir, 'profiles.csv')
  existingFile = join(dir, 'existing.csv')
  await generateProfiles(ROWS, 7, file)
  await generateProfiles(EXISTING, 8, existingFile)
}, 60_000)
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A data folder that already holds EXISTING profiles (imported from their own file). */
async function withExisting(dataDir: string): Promise<ImportHarness> {
  const h = openImportHarness({ dataDir })
  const first = await h.run('imports.start', { file: h.grant(existingFile) })
  expect(first.summary.status).toBe('succeeded')
  return h
}

/** Waits for rows being written: phase 'importing' (batched) or 'writing' (bulk). */
async function waitForImporting(
  h: ImportHarness,
  jobId: string,
  phase: 'importing' | 'writing',
): Promise<void> {
  await new Promise<void>((done) => {
    const off = h.backend.on('job.progress', (e) => {
      if (e.jobId === jobId && e.phase === phase && e.done > 0) {
        off()
        done()
      }
    })
  })
}

/** Rows written as the CLI last reported them on stderr ("… writing 12000/40000 rows" in a bulk import). */
function importingDone(stderr: string): number {
  const all = [...stderr.matchAll(/: writing (\d+)\//g)]
  return Number(all[all.length - 1]?.[1] ?? 0)
}

describe('batched import (the database already holds profiles)', () => {
  it('cancel stops between batches, keeps what was committed and leaves everything consistent', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    const h = await withExisting(join(dir, 'cancel-batched'))
    try {
      const before = { profiles: h.count('profiles'), audit: h.count('audit'), outbox: h.count('outbox') }
      const { jobId, runId } = await h.call('imports.start', { file: h.grant(file) })
      await waitForImporting(h, jobId, 'importing')
      expect(await h.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
      const info = await h.backend.context.jobs.wait(jobId)
      expect(info.status).toBe('cancelled')
      const { run, summary } = await h.call('imports.run', { runId })
      expect(run.status).toBe('cancelled')
      expect(summary?.notices).toContain(
        'The import was cancelled: the batches written before the cancel are kept; import the file again to finish it.',
      )
      const counts = summary?.counts as { new: number; updated: number }
      expect(counts.new + counts.updated).toBeGreaterThan(0)
      expect(counts.new).toBeLessThan(ROWS)
      // Every profile written has its audit row and its outbox record; nothing half-written.
      expect(h.count('profiles')).toBe(before.profiles + counts.new)
      expect(h.count('audit')).toBe(before.audit + counts.new + counts.updated)
      expect(h.count('outbox')).toBe(before.outbox + counts.new + counts.updated)
      checkIntact(h)
    } finally {
      await h.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 120_000)

  it('kill -9 leaves the committed batches, the database intact, the run interrupted; a re-run converges', async () => {
    const killedDir = join(dir, 'killed-batched')
    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const seeded = await withExisting(killedDir)
    const existing = seeded.count('profiles')
    await seeded.close()
    delete process.env.PROFILE_DESK_IMPORT_THREADING
    // Kill it once at least one batch of this import is committed (its progress is written in the batch's
    // transaction, so the run row shows it only once committed).
    await killMidImport(file, killedDir, () => {
      const done = committedRows(killedDir)
      return done > EXISTING || (done > 0 && done < ROWS && done !== EXISTING)
    })

    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const reopened = openImportHarness({ dataDir: killedDir })
    const fresh = await withExisting(join(dir, 'uninterrupted-batched'))
    try {
      const [run] = (await reopened.call('imports.history', {})).items
      expect(run).toMatchObject({ status: 'interrupted', fileName: 'profiles.csv' })
      expect(run?.error).toContain('The import stopped before it finished')
      checkIntact(reopened)
      const partial = reopened.count('profiles') - existing
      expect(partial).toBeGreaterThan(0)

      const again = await reopened.run('imports.start', { file: reopened.grant(file) })
      expect(again.summary.status).toBe('succeeded')
      const reference = await fresh.run('imports.start', { file: fresh.grant(file) })
      expect(reference.summary.counts).toMatchObject({
        new: partial + (again.summary.counts as { new: number }).new,
      })
      checkIntact(reopened)
      expect(state(reopened)).toEqual(state(fresh))
    } finally {
      await reopened.close()
      await fresh.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 240_000)
})

describe('bulk import (an empty database)', () => {
  it('cancel rolls the whole import back: the database is as before, indexes and triggers in place', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    const h = openImportHarness({ dataDir: join(dir, 'cancel-bulk') })
    try {
      const { jobId, runId } = await h.call('imports.start', { file: h.grant(file) })
      await waitForImporting(h, jobId, 'writing')
      expect(await h.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
      expect((await h.backend.context.jobs.wait(jobId)).status).toBe('cancelled')
      const { run, summary } = await h.call('imports.run', { runId })
      expect(run.status).toBe('cancelled')
      expect(summary?.notices).toContain(
        'The import was cancelled: nothing was written (a large import into a nearly empty database is written in one piece).',
      )
      expect(summary?.counts).toMatchObject({ new: 0, updated: 0, unchanged: 0 })
      expect([h.count('profiles'), h.count('identifiers'), h.count('audit'), h.count('outbox')]).toEqual([
        0, 0, 0, 0,
      ])
      checkIntact(h)
      // The store takes writes again at once, and search works on what is there.
      const p = await h.call('profiles.create', {
        changes: [{ op: 'set', key: 'Name', value: 'After Cancel' }],
      })
      expect((await h.call('profiles.search', { query: 'after can' })).items.map((i) => i.id)).toEqual([p.id])
    } finally {
      await h.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 120_000)

  it('kill -9 leaves the database as it was, the run interrupted; a re-run imports everything', async () => {
    const killedDir = join(dir, 'killed-bulk')
    // Kill it half-way through writing rows (the CLI reports progress on stderr as it goes).
    const { stderr } = await killMidImport(file, killedDir, (err) => {
      const done = importingDone(err)
      return done > 0 && done < ROWS
    })
    expect(importingDone(stderr)).toBeGreaterThan(0)

    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const reopened = openImportHarness({ dataDir: killedDir })
    const fresh = openImportHarness({ dataDir: join(dir, 'uninterrupted-bulk') })
    try {
      const [run] = (await reopened.call('imports.history', {})).items
      expect(run).toMatchObject({ status: 'interrupted', fileName: 'profiles.csv' })
      checkIntact(reopened)
      expect(reopened.count('profiles')).toBe(0)
      expect(reopened.count('outbox')).toBe(0)

      const again = await reopened.run('imports.start', { file: reopened.grant(file) })
      const reference = await fresh.run('imports.start', { file: fresh.grant(file) })
      expect(again.summary.counts).toEqual(reference.summary.counts)
      expect((again.summary.counts as { new: number }).new).toBeGreaterThan(ROWS * 0.9)
      checkIntact(reopened)
      expect(state(reopened)).toEqual(state(fresh))

      // The import's one transaction put more than 64 MiB through the WAL (all of it is in the database
      // file now); the WAL file is cut back to 64 MiB once checkpointed instead of staying that large.
      const limit = 64 * 1024 * 1024
      expect(statSync(join(killedDir, 'profiles.db')).size).toBeGreaterThan(limit)
      const wal = join(killedDir, 'profiles.db-wal')
      reopened.backend.context.db.pragma('wal_checkpoint(PASSIVE)')
      await reopened.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'After Import' }] })
      expect(statSync(wal).size).toBeLessThanOrEqual(limit)
    } finally {
      await reopened.close()
      await fresh.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 240_000)
})
