// Stopping an import half-way: a cancel ends it between batches with the database consistent; a kill -9
// of the process doing it leaves the database intact and the run marked interrupted at the next start,
// and importing the file again converges to the state an uninterrupted import leaves.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateProfiles } from '../../bench/import/generate'
import { BULK_DEFERRED_INDEXES } from '../../electron/backend/db/migrations'
import { openImportHarness, type ImportHarness } from './harness'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'electron/backend/cli/main.ts')
let dir: string
let file: string
const ROWS = 40_000

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-crash-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(ROWS, 7, file)
}, 60_000)
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The database in comparable form: profiles by identity, without ids and times that differ per run. */
function state(h: ImportHarness): unknown {
  const profiles = h
    .rows<Record<string, unknown>>('SELECT * FROM profiles ORDER BY identity')
    .map(({ id: _i, object_id: _o, created_at: _c, updated_at: _u, ...rest }) => rest)
  const identifiers = h.rows(
    'SELECT p.identity AS owner, i.kind, i.value FROM identifiers i JOIN profiles p ON p.id = i.profile_id ORDER BY owner, i.kind, i.value',
  )
  return { profiles, identifiers, counts: h.rows('SELECT * FROM profile_counts ORDER BY 1, 2, 3') }
}

function checkIntact(h: ImportHarness): void {
  expect(h.rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
  h.backend.context.db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('integrity-check')")
  const indexes = new Set(
    h.rows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => r.name),
  )
  for (const index of BULK_DEFERRED_INDEXES) expect(indexes.has(index.name), index.name).toBe(true)
  expect(
    h.rows("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'profiles_fts_%'"),
  ).toEqual([{ n: 3 }])
}

describe('cancel', () => {
  it('stops between batches, keeps what was committed and leaves everything consistent', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    const h = openImportHarness({ dataDir: join(dir, 'cancel') })
    try {
      const { jobId, runId } = await h.call('imports.start', { path: file })
      await new Promise<void>((done) => {
        const off = h.backend.on('job.progress', (e) => {
          if (e.jobId === jobId && e.phase === 'importing' && e.done > 0) {
            off()
            done()
          }
        })
      })
      expect(await h.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
      const info = await h.backend.context.jobs.wait(jobId)
      expect(info.status).toBe('cancelled')
      const { run, summary } = await h.call('imports.run', { runId })
      expect(run.status).toBe('cancelled')
      expect(summary?.notices).toContain(
        'The import was cancelled: the batches written before the cancel are kept; import the file again to finish it.',
      )
      const created = summary?.counts && 'new' in summary.counts ? summary.counts.new : -1
      expect(created).toBeGreaterThan(0)
      expect(created).toBeLessThan(ROWS)
      // Every profile written has its audit row and its outbox record; nothing half-written.
      expect(h.count('profiles')).toBe(created)
      expect(h.count('audit')).toBe(created)
      expect(h.count('outbox')).toBe(created)
      checkIntact(h)
    } finally {
      await h.close()
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 120_000)
})

describe('kill -9', () => {
  it('leaves the database intact, the run interrupted, and a re-run converges', async () => {
    const killedDir = join(dir, 'killed')
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', file, '--data-dir', killedDir], {
      cwd: ROOT,
      env: { ...process.env, PROFILE_DESK_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_code, signal) => done(signal)),
    )
    // Kill it once at least one batch is committed (the run's progress is written in the batch's transaction).
    const deadline = Date.now() + 90_000
    let committed = 0
    while (committed === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200))
      try {
        const db = new Database(join(killedDir, 'profiles.db'), { readonly: true, fileMustExist: true })
        try {
          committed =
            (db.prepare('SELECT max(rows_done) AS n FROM import_runs').get() as { n: number | null }).n ?? 0
        } finally {
          db.close()
        }
      } catch {
        // Not created yet, or the schema is not there yet.
      }
    }
    expect(committed, `no batch committed before the deadline; stderr: ${stderr}`).toBeGreaterThan(0)
    expect(committed).toBeLessThan(ROWS)
    process.kill(child.pid as number, 'SIGKILL')
    expect(await exited).toBe('SIGKILL')

    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
    const reopened = openImportHarness({ dataDir: killedDir })
    const fresh = openImportHarness({ dataDir: join(dir, 'uninterrupted') })
    try {
      const [run] = (await reopened.call('imports.history', {})).items
      expect(run).toMatchObject({ status: 'interrupted', fileName: 'profiles.csv' })
      expect(run?.error).toContain('The import stopped before it finished')
      checkIntact(reopened)
      const partial = reopened.count('profiles')
      expect(partial).toBeGreaterThan(0)

      const again = await reopened.run('imports.start', { path: file })
      expect(again.summary.status).toBe('succeeded')
      expect(again.summary.counts).toMatchObject({ unchanged: partial, new: expect.any(Number) })
      const reference = await fresh.run('imports.start', { path: file })
      expect(reference.summary.counts).toMatchObject({
        new: partial + ((again.summary.counts as { new: number }).new ?? 0),
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
