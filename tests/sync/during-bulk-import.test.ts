// A sync push while a large import runs (issue 11: the import writes in short batches and pauses after
// each commit). The push gets the write lock between batches: it delivers what was waiting before the
// import and records it, and the next push delivers everything else, each event exactly once (the
// sandbox honours the $idem keys), the profiles the import created included.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { expectServerMatches, stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()
const ROWS = 20_000
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-sync-bulk-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(ROWS, 11, file)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sync during a large import', () => {
  it('a push made while the import writes succeeds, and everything is delivered once afterwards', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
    try {
      const sandbox = await sandboxWith()
      const app = appWith()
      await app.configure(sandbox)
      // Waiting before the import: a profile with an event (an event is not idempotent: a resend must not count twice).
      const ada = await app.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: 'ada-before' }],
        changes: [{ op: 'set', key: 'Name', value: 'Ada Before' }],
      })
      await app.call('events.record', { deviceId: ada.id, name: 'Charged', props: { Amount: 12 } })
      const waiting = app.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]?.n ?? 0
      expect(waiting).toBeGreaterThanOrEqual(2)

      const { jobId } = await app.call('imports.start', {
        file: app.backend.grantFile(file, 'dialog').handle,
      })
      await new Promise<void>((done) => {
        const off = app.backend.on('job.progress', (e) => {
          if (e.jobId === jobId && e.phase === 'importing' && e.done > 0) {
            off()
            done()
          }
        })
      })
      const during = await app.run('sync.push')
      expect(during.status).toBe('succeeded')

      expect((await app.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
      await app.pushUntilDone()
      const matched = await expectServerMatches(app, sandbox)
      expect(matched.profiles).toBeGreaterThan(ROWS * 0.95)
      expect(matched.events).toBe(1)
    } finally {
      delete process.env.PROFILE_DESK_IMPORT_THREADING
    }
  }, 240_000)
})
