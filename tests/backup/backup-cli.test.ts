// The Backups page and the About page from the shell: `backup list`, `backup settings`, `about`, through a
// real child process on a real data folder; bad input exits 2 and names the option.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../test-support/cli'

describe('backup list, backup settings and about on the command line', () => {
  it('lists a backup made from the shell, changes the daily setting, and says what the app is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-backup-cli-'))
    try {
      const made = await runCli(['backup', '--json', '--data-dir', dataDir])
      expect(made.code).toBe(0)
      const { name } = JSON.parse(made.stdout) as { name: string }

      const listed = await runCli(['backup', 'list', '--json', '--data-dir', dataDir])
      expect(listed.code).toBe(0)
      const overview = JSON.parse(listed.stdout) as {
        backups: { name: string; kind: string }[]
        settings: { auto: boolean; keep: number }
      }
      expect(overview.backups.map((b) => [b.name, b.kind])).toEqual([[name, 'manual']])
      expect(overview.settings).toEqual({ auto: true, keep: 7 })
      const text = await runCli(['backup', 'list', '--data-dir', dataDir])
      expect(text.stdout).toContain(name)
      expect(text.stdout).toContain('Daily backup on, 7 kept.')

      const changed = await runCli([
        'backup',
        'settings',
        '--daily',
        'off',
        '--keep',
        '3',
        '--json',
        '--data-dir',
        dataDir,
      ])
      expect(changed.code).toBe(0)
      expect(JSON.parse(changed.stdout)).toEqual({ auto: false, keep: 3 })
      const shown = await runCli(['backup', 'settings', '--data-dir', dataDir])
      expect(shown.stdout).toBe('Daily backup off, 3 kept.\n')

      const badKeep = await runCli(['backup', 'settings', '--keep', '0', '--data-dir', dataDir])
      expect(badKeep.code).toBe(2)
      expect(badKeep.stderr).toContain('--keep must be a whole number')
      const badDaily = await runCli(['backup', 'settings', '--daily', 'sometimes', '--data-dir', dataDir])
      expect(badDaily.code).toBe(2)
      expect(badDaily.stderr).toContain('--daily takes on or off')

      const about = await runCli(['about', '--json', '--data-dir', dataDir])
      expect(about.code).toBe(0)
      const info = JSON.parse(about.stdout) as {
        dataDir: string
        databaseBytes: number
        runtime: { Node?: string }
      }
      expect(info.dataDir).toBe(dataDir)
      expect(info.databaseBytes).toBeGreaterThan(0)
      expect(info.runtime.Node).toBe(process.versions.node)
      expect((await runCli(['about', '--data-dir', dataDir])).stdout).toContain(`Data folder: ${dataDir}`)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 180_000)
})
