// No edit is refused because an import is running (issue 11): the import writes in short batches (one
// transaction each, paused after each commit), so an edit on another connection is applied between them.
// A real import in its worker thread; meanwhile an edit through the backend's own connection (as the
// profile page makes it) and a delete from the CLI in another process (its own connection) both succeed
// while the import is still running, each well within the store's 5 s busy timeout.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { runCli } from '../../test-support/cli'
import { openImportHarness } from '../../test-support/import-harness'

const ROWS = 60_000
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-edit-during-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(ROWS, 13, file)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('an edit in the app and a delete from the CLI made during a large import are applied between its batches', async () => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
  const h = openImportHarness({ dataDir: join(dir, 'data') })
  try {
    const before = await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'edited-during' }],
      changes: [{ op: 'set', key: 'Name', value: 'Before Import' }],
    })
    const doomed = await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'deleted-during' }],
      changes: [{ op: 'set', key: 'Name', value: 'To Delete' }],
    })
    const { jobId } = await h.call('imports.start', { file: h.grant(file) })
    // Well into the rows: several batches are committed.
    await new Promise<void>((done) => {
      const off = h.backend.on('job.progress', (e) => {
        if (e.jobId === jobId && e.phase === 'importing' && e.done >= 5_000) {
          off()
          done()
        }
      })
    })
    const started = performance.now()
    const edited = await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'created-during' }],
      changes: [{ op: 'set', key: 'Name', value: 'Created During Import' }],
    })
    const editMs = performance.now() - started
    const cli = await runCli(['profile', 'delete', doomed.id, '--yes', '--json', '--data-dir', h.dataDir])
    expect(cli.stderr).toBe('')
    expect(cli.code).toBe(0)
    // Both were applied while the import was still writing, not after it.
    expect(h.backend.context.jobs.list().find((j) => j.jobId === jobId)?.status).toBe('running')
    expect(editMs).toBeLessThan(5_000)
    expect(h.rows('SELECT name FROM profiles WHERE object_id = ?', edited.id)).toEqual([
      { name: 'Created During Import' },
    ])
    expect(h.rows('SELECT 1 FROM profiles WHERE object_id = ?', doomed.id)).toEqual([])

    expect((await h.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
    expect(h.rows('SELECT name FROM profiles WHERE object_id = ?', before.id)).toEqual([
      { name: 'Before Import' },
    ])
    expect(h.count('profiles')).toBeGreaterThan(ROWS * 0.95)
  } finally {
    await h.close()
    delete process.env.PROFILE_DESK_IMPORT_THREADING
  }
}, 600_000)
