// A kill -9 in the middle of a schema migration (a real child process, a test-only slow migration given
// through the composition root's migration list) leaves the old version usable; the next start finishes it.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { latestVersion } from '../../electron/backend/core/db/migrate'
import { MIGRATIONS } from '../../electron/backend/core/index'
import { openHarness } from '../../test-support/store-harness'

const ROOT = resolve(import.meta.dirname, '../..')
const CHILD = join(import.meta.dirname, 'slow-migration-child.ts')

function startChild(dataDir: string, mode: 'hang' | 'finish', marker: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, mode, marker], { cwd: ROOT })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  )
  return { child, exited, stderr: () => stderr }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('a schema migration killed half-way', () => {
  it('leaves the old version usable, and the next start finishes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-migrate-'))
    const marker = join(dataDir, '..', `${dataDir.split('/').pop()}-marker`)
    try {
      const before = openHarness({ dataDir })
      const kept = await before.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: 'survivor' }],
        changes: [{ op: 'set', key: 'Name', value: 'Survivor' }],
      })
      await before.close()

      const hung = startChild(dataDir, 'hang', marker)
      await waitFor(() => existsSync(marker) || hung.child.exitCode !== null, 'the migration to start')
      expect(readFileSync(marker, 'utf8'), hung.stderr()).toBe('inside migration 999')
      hung.child.kill('SIGKILL')
      expect((await hung.exited).signal).toBe('SIGKILL')
      rmSync(marker)

      // The app as shipped opens the database at its old version, with its data as it was.
      const after = openHarness({ dataDir })
      try {
        expect(after.rows<{ v: number }>('SELECT user_version AS v FROM pragma_user_version')[0]?.v).toBe(
          latestVersion(MIGRATIONS),
        )
        expect(after.rows("SELECT name FROM sqlite_master WHERE name = 'slow_migration'")).toEqual([])
        expect((await after.call('profiles.get', { id: kept.id })).system.Name).toBe('Survivor')
      } finally {
        await after.close()
      }

      // The next start with the new migration finishes it.
      const next = startChild(dataDir, 'finish', marker)
      expect((await next.exited).code, next.stderr()).toBe(0)
      expect(readFileSync(marker, 'utf8')).toBe('done at 999')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(marker, { force: true })
    }
  }, 120_000)
})
