// A sync push while a bulk import holds the store (imports/index-upkeep.ts: one transaction from the first
// row to the rebuilt indexes). The push can send what was waiting before the import, but cannot record
// what the server accepted until the import commits: it fails with a message that says why, the outbox
// keeps every entry, and the next push delivers everything, each event exactly once (the sandbox honours
// the $idem keys), the profiles the import created included.
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

describe('sync during a bulk import', () => {
  it('fails plainly while the import holds the store, keeps the outbox, and delivers it all afterwards', async () => {
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
          if (e.jobId === jobId && e.phase === 'writing' && e.done > 0) {
            off()
            done()
          }
        })
      })
      // Wait briefly for the lock, as an edit would (5 s in the app; short here so the import is still running).
      app.backend.context.db.pragma('busy_timeout = 200')
      const during = await app.run('sync.push')
      expect(during.status).toBe('failed')
      expect(during.error?.message).toMatch(/busy writing/)
      expect(app.rows<{ n: number }>('SELECT count(*) AS n FROM outbox')[0]?.n).toBe(waiting)
      app.backend.context.db.pragma('busy_timeout = 5000')

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
