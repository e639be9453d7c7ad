// A run killed mid-download leaves personal data in the spool: the next start-up removes the folders of
// runs that are not running, and keeps the folder of a run another live process is still running.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SPOOL_FOLDER } from '../../electron/backend/core/sftp/service'
import { openBackendHarness } from '../../test-support/backend'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** The pid of a child that has already exited, so no process has it for now. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
  return Number(child.stdout.trim())
}

function spoolFile(dataDir: string, runId: number): string {
  const folder = join(dataDir, SPOOL_FOLDER, `run-${runId}`, 'file-1')
  mkdirSync(folder, { recursive: true })
  const path = join(folder, 'users.csv')
  writeFileSync(path, 'Identity,Email\nu1,ana@example.com\n')
  return path
}

describe('SFTP spool at start-up', () => {
  it('removes the downloaded files of interrupted and finished runs, keeps a live run and other files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spool-sweep-'))
    dirs.push(dataDir)
    const first = openBackendHarness({ dataDir })
    const insert = first.backend.context.db.prepare(
      `INSERT INTO sftp_runs (id, source_name, trigger, status, started_at, pid) VALUES (?, 'drop', 'manual', ?, 0, ?)`,
    )
    insert.run(1, 'running', deadPid()) // killed mid-run
    insert.run(2, 'succeeded', process.pid) // finished, but its folder was left behind
    insert.run(3, 'running', process.ppid) // another live process is running it
    await first.close()
    const killed = spoolFile(dataDir, 1)
    const finished = spoolFile(dataDir, 2)
    const live = spoolFile(dataDir, 3)
    const other = join(dataDir, SPOOL_FOLDER, 'README.txt')
    writeFileSync(other, 'not a run folder')

    const second = openBackendHarness({ dataDir })
    try {
      expect(existsSync(killed)).toBe(false)
      expect(existsSync(finished)).toBe(false)
      expect(existsSync(live)).toBe(true)
      expect(existsSync(other)).toBe(true)
      expect(second.rows<{ status: string }>('SELECT status FROM sftp_runs WHERE id = 1')[0]?.status).toBe(
        'interrupted',
      )
    } finally {
      await second.close()
    }
  })
})
