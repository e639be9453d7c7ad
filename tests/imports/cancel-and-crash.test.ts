// Stopping an import half-way, both ways an import writes (index-upkeep.ts):
// - batched (the database already holds profiles): a cancel ends it between batches and keeps the committed
//   ones; a kill -9 leaves the committed batches, the database intact and the run marked interrupted;
// - into an empty database: the same short batches (there is no one-transaction import any more); the
//   trigram index catches up on what was committed.
// Either way, importing the file again resumes and gives the state an uninterrupted import leaves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { DEFER_TEXT_MIN_ROWS } from '../../electron/backend/core/imports/index-upkeep'
import { checkIntact, committedRows, killMidImport, state } from './crash-support'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let dir: string
let file: string
/** Profiles already in the database for the batched cases: enough that 40,000 rows are not a bulk import. */
let existingFile: string
/** Enough rows that an import into an empty database defers its trigram index (index-upkeep.ts). */
const ROWS = DEFER_TEXT_MIN_ROWS + 4_000
const EXISTING = 3_000
/**
 * The batched kill test imports a smaller file: it needs batches, not a deferred trigram index, and it
 * imports its file three times (killed, resumed, clean), which at a shared machine's load takes minutes.
 */
let batchedFile: string
const BATCHED_ROWS = 10_000

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-crash-'))
  file = join(dir, 'profiles.csv')
  existingFile = join(dir, 'existing.csv')
  batchedFile = join(dir, 'batched.csv')
  await generateProfiles(ROWS, 7, file)
  await generateProfiles(BATCHED_ROWS, 9, batchedFile)
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

/** Waits for rows being written (phase 'importing'). */
async function waitForImporting(h: ImportHarness, jobId: string, phase: 'importing'): Promise<void> {
  await new Promise<void>((done) => {
    const off = h.backend.on('job.progress', (e) => {
      if (e.jobId === jobId && e.phase === phase && e.done > 0) {
        off()
        done()
      }
    })
  })
}

describe('batched import (the database already holds profiles)', () => {
  it('cancel stops between batches, keeps what was committed and leaves everything consistent', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    const h = await withExisting(join(dir, 'cancel-batched'))
    try {
      const records = (kind: string) =>
        h.rows<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE kind = ?', kind)[0]?.n ?? 0
      const before = { profiles: h.count('profiles'), audit: h.count('audit'), outbox: records('profile') }
      const tokensBefore = records('token')
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
      // Every profile written has its audit rows (one creation row for a new profile, a row per changed field
      // for a changed one, all in the run's change set) and its outbox record; nothing half-written.
      expect(h.count('profiles')).toBe(before.profiles + counts.new)
      const [written] = h.rows<{ profiles: number; created: number; all: number }>(
        `SELECT count(DISTINCT object_id) AS profiles, count(*) FILTER (WHERE action = 'profile.create') AS created,
           count(*) AS "all"
         FROM audit WHERE change_set = (SELECT change_set FROM import_runs WHERE id = ?)`,
        runId,
      )
      expect(written).toMatchObject({ profiles: counts.new + counts.updated, created: counts.new })
      expect(h.count('audit')).toBe(before.audit + (written?.all ?? 0))
      expect(records('profile')).toBe(before.outbox + counts.new + counts.updated)
      // The file's push_token column: a written row with a new or changed token also queued its token record.
      const tokens = records('token') - tokensBefore
      expect(tokens).toBeGreaterThan(0)
      expect(tokens).toBeLessThanOrEqual(counts.new + counts.updated)
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
    await killMidImport(batchedFile, killedDir, () => {
      const done = committedRows(killedDir)
      return done > EXISTING || (done > 0 && done < BATCHED_ROWS && done !== EXISTING)
    })

    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const reopened = openImportHarness({ dataDir: killedDir })
    const fresh = await withExisting(join(dir, 'uninterrupted-batched'))
    try {
      const [run] = (await reopened.call('imports.history', {})).items
      expect(run).toMatchObject({ status: 'interrupted', fileName: 'batched.csv' })
      expect(run?.error).toContain('The import stopped before it finished')
      checkIntact(reopened)
      const partial = reopened.count('profiles') - existing
      expect(partial).toBeGreaterThan(0)

      const again = await reopened.run('imports.start', { file: reopened.grant(batchedFile) })
      expect(again.summary.status).toBe('succeeded')
      const reference = await fresh.run('imports.start', { file: fresh.grant(batchedFile) })
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
    // Three imports of its file in-thread: minutes when the shared machine is loaded (load ~25 on 2 cores).
  }, 600_000)
})

describe('a large import into an empty database (short batches too, issue 11)', () => {
  it('cancel keeps the committed batches, consistent, with every index and the trigram index caught up', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    const h = openImportHarness({ dataDir: join(dir, 'cancel-empty') })
    try {
      const { jobId, runId } = await h.call('imports.start', { file: h.grant(file) })
      await waitForImporting(h, jobId, 'importing')
      expect(await h.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
      expect((await h.backend.context.jobs.wait(jobId)).status).toBe('cancelled')
      const { run, summary } = await h.call('imports.run', { runId })
      expect(run.status).toBe('cancelled')
      const counts = summary?.counts as { new: number }
      expect(counts.new).toBeLessThan(ROWS)
      expect(h.count('profiles')).toBe(counts.new)
      // The committed profiles joined the trigram index before the run ended: nothing is pending.
      expect(h.rows('SELECT count(*) AS n FROM fts_pending')).toEqual([{ n: 0 }])
      checkIntact(h)
      const p = await h.call('profiles.create', {
        changes: [{ op: 'set', key: 'Name', value: 'After Cancel' }],
      })
      expect((await h.call('profiles.search', { query: 'after can' })).items.map((i) => i.id)).toEqual([p.id])
    } finally {
      await h.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 240_000)

  it('kill -9 keeps the committed batches, the database intact; a re-run resumes and matches a clean import', async () => {
    const killedDir = join(dir, 'killed-empty')
    await killMidImport(file, killedDir, () => {
      const done = committedRows(killedDir)
      return done > 0 && done < ROWS
    })

    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const reopened = openImportHarness({ dataDir: killedDir })
    const fresh = openImportHarness({ dataDir: join(dir, 'uninterrupted-empty') })
    try {
      const [run] = (await reopened.call('imports.history', {})).items
      expect(run).toMatchObject({ status: 'interrupted', fileName: 'profiles.csv' })
      checkIntact(reopened)
      const partial = reopened.count('profiles')
      expect(partial).toBeGreaterThan(0)

      const again = await reopened.run('imports.start', { file: reopened.grant(file) })
      const reference = await fresh.run('imports.start', { file: fresh.grant(file) })
      expect((again.summary.counts as { new: number }).new).toBe(
        (reference.summary.counts as { new: number }).new - partial,
      )
      checkIntact(reopened)
      expect(state(reopened)).toEqual(state(fresh))
    } finally {
      await reopened.close()
      await fresh.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 600_000)
})
