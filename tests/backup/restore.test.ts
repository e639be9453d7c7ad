// Restore on real SQLite files: asked for first, the current database kept aside, refused while another
// process (a real `profile-desk serve`) holds the data folder, and the backend working on the restored data.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openHarness } from '../../test-support/store-harness'
import { runCli, spawnCli } from '../../test-support/cli'

const identities = async (h: ReturnType<typeof openHarness>) =>
  (await h.call('profiles.search', { query: '', limit: 50 })).items.map((p) => p.identity).sort()

describe('restore in the running app', () => {
  it('asks for confirmation, keeps the current database aside and serves the restored data', async () => {
    const h = openHarness()
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'in-backup' }] })
      const made = await h.call('backup.create', {})
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'after-backup' }] })

      const unconfirmed = await h.fail('backup.restore', { backup: made.name })
      expect(unconfirmed.code).toBe('validation')
      expect(unconfirmed.message).toMatch(/confirm/)
      expect(await identities(h)).toEqual(['after-backup', 'in-backup'])

      h.advance(60_000)
      const restored = await h.call('backup.restore', { backup: made.name, confirm: true })
      expect(restored.keptAside).toBe(join(h.dataDir, 'backups', 'before-restore-2026-06-15-120100.db'))
      expect(existsSync(restored.keptAside)).toBe(true)
      // The same backend object answers, now from the restored database.
      expect(await identities(h)).toEqual(['in-backup'])
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'after-restore' }] })
      expect(await identities(h)).toEqual(['after-restore', 'in-backup'])
      // And the database kept aside can itself be restored.
      const back = await h.call('backup.restore', {
        backup: 'before-restore-2026-06-15-120100.db',
        confirm: true,
      })
      expect(back.keptAside).not.toBe(restored.keptAside)
      expect(await identities(h)).toEqual(['after-backup', 'in-backup'])
    } finally {
      await h.close()
    }
  })

  it('refuses a file that is not a Profile Desk backup, and a name outside the backups folder', async () => {
    const h = openHarness()
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'stays' }] })
      const missing = await h.fail('backup.restore', { backup: 'nope.db', confirm: true })
      expect(missing.code).toBe('not_found')
      const traversal = await h.fail('backup.restore', { backup: '../profiles.db', confirm: true })
      expect(traversal.code).toBe('validation')
      writeFileSync(join(h.dataDir, 'backups-not-a-db.txt'), 'x')
      const junk = join(h.dataDir, 'backups', 'profile-desk-junk.db')
      await h.call('backup.create', {})
      writeFileSync(junk, 'this is not sqlite at all, just text that is long enough to be read')
      const bad = await h.fail('backup.restore', { backup: 'profile-desk-junk.db', confirm: true })
      expect(bad.code).toBe('validation')
      expect(bad.message).toMatch(/not a Profile Desk backup|Cannot open/)
      expect(await identities(h)).toEqual(['stays'])
    } finally {
      await h.close()
    }
  })
})

describe('restore while another process holds the data folder', () => {
  it('is refused, in the app and from the command line, and works once that process has gone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-held-'))
    const h = openHarness({ dataDir })
    const other = spawnCli(['serve', '--data-dir', dataDir, '--port', '0'], {}, 120_000)
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'one' }] })
      const made = await h.call('backup.create', {})
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'two' }] })
      await waitForOutput(other.child, /running at http/)

      const refused = await h.fail('backup.restore', { backup: made.name, confirm: true })
      expect(refused.code).toBe('conflict')
      expect(refused.message).toMatch(/Another Profile Desk .* is using this data folder/)
      // Nothing was touched, and this backend still works.
      expect(await identities(h)).toEqual(['one', 'two'])

      await h.close()
      const cli = await runCli(['restore', made.path, '--yes', '--data-dir', dataDir])
      expect(cli.code).toBe(1)
      expect(cli.stderr).toMatch(/Another Profile Desk .* is using this data folder/)

      other.child.kill('SIGTERM')
      await other.done
      const unconfirmed = await runCli(['restore', made.path, '--data-dir', dataDir])
      expect(unconfirmed.code).toBe(2)
      expect(unconfirmed.stderr).toMatch(/--yes/)
      const done = await runCli(['restore', made.path, '--yes', '--json', '--data-dir', dataDir])
      expect(done.code).toBe(0)
      expect(JSON.parse(done.stdout)).toMatchObject({ alreadySent: 0 })
      const reopened = openHarness({ dataDir })
      try {
        expect(await identities(reopened)).toEqual(['one'])
      } finally {
        await reopened.close()
      }
    } finally {
      if (other.child.exitCode === null) other.child.kill('SIGKILL')
      await other.done.catch(() => undefined)
      await h.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})

function waitForOutput(child: import('node:child_process').ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${seen}`)), 60_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (pattern.test(seen)) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}
