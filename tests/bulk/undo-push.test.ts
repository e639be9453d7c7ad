// A bulk set and its undo, neither pushed yet, through the real push to the sandbox over HTTP: the
// undo's keyed record supersedes the bulk set's unsent one (undo-set-wise.ts), so the push sends one
// record per profile even when the two lie more than a push chunk apart, and the server ends up with
// the profiles as they are here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CHUNK } from '../../electron/backend/core/sync/push'
import { bulkJob, undoJob } from '../../test-support/bulk-jobs'
import { expectServerMatches, stoppedAfterEach } from '../../test-support/sync-harness'

const { sandboxWith, appWith } = stoppedAfterEach()

describe('push after a bulk set and its undo', () => {
  it('sends one record per profile, the profile as it is now', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    // More profiles than half a chunk: the bulk set's entry and the undo's are planned in different chunks.
    const profiles = Math.ceil(DEFAULT_CHUNK * 0.6)
    const dir = mkdtempSync(join(tmpdir(), 'profile-desk-undo-push-'))
    try {
      const file = join(dir, 'users.csv')
      const rows = Array.from(
        { length: profiles },
        (_, i) => `u${i},Person ${i},${i % 3 === 0 ? 'basic' : ''}`,
      )
      writeFileSync(file, ['Identity,Name,plan', ...rows].join('\n'))
      const { jobId } = await app.call('imports.start', {
        file: app.backend.grantFile(file, 'dialog').handle,
      })
      expect(await app.finished(jobId)).toMatchObject({ status: 'succeeded' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(app.count('profiles')).toBe(profiles)
    await app.pushUntilDone()
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0 })

    const all = { kind: 'search', query: '', filters: {} } as const
    const set = await bulkJob(app, all, { action: 'set', key: 'plan', value: 'gold', type: 'string' })
    expect(set.changed).toBe(profiles)
    const undone = await undoJob(app, set.changeSet as number)
    expect(undone).toMatchObject({ reverted: profiles, cancelled: false })
    expect(await app.call('sync.status', {})).toMatchObject({ pending: profiles })

    const pushed = await app.run('sync.push')
    expect(pushed.summary).toMatchObject({ status: 'succeeded', records: profiles, rejected: 0 })
    expect(await app.call('sync.status', {})).toMatchObject({ pending: 0 })
    expect(await expectServerMatches(app, sandbox)).toMatchObject({ profiles })
  }, 120_000)
})
