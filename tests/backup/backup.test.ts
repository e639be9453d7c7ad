// Backups of a real SQLite file: dated, verified copies made while the app runs (even during a running
// import), the daily one kept 7 times by default, and none when the disk is nearly full.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { createBackend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { openHarness, START } from '../../test-support/store-harness'
import { openImportHarness } from '../../test-support/import-harness'

const DAY = 24 * 60 * 60 * 1000

function countIn(file: string, table: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
  } finally {
    db.close()
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('integrity_check', { simple: true }) as string
  } finally {
    db.close()
  }
}

describe('a backup made now', () => {
  it('is a verified copy in the backups folder, named with the date, and listed', async () => {
    const h = openHarness()
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'kept-1' }] })
      const made = await h.call('backup.create', {})
      expect(made.name).toBe('profile-desk-2026-06-15-120000.db')
      expect(made.path).toBe(join(h.dataDir, 'backups', made.name))
      expect(integrity(made.path)).toBe('ok')
      expect(countIn(made.path, 'profiles')).toBe(1)
      const overview = await h.call('backup.list', {})
      expect(overview.backups.map((b) => [b.name, b.kind])).toEqual([[made.name, 'manual']])
      expect(overview.settings).toEqual({ auto: true, keep: 7 })
      expect(readdirSync(join(h.dataDir, 'backups')).filter((n) => n.endsWith('.partial'))).toEqual([])
    } finally {
      await h.close()
    }
  })

  it('is refused, in plain words, when the disk has less than twice the database free', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-full-'))
    const backend = createBackend({
      dataDir,
      host: 'test',
      logger: silentLogger,
      clock: () => START,
      backup: { scheduler: false, freeBytes: () => 1000 },
    })
    try {
      const reply = await backend.dispatch('backup.create', {})
      expect(reply.ok).toBe(false)
      if (reply.ok) return
      expect(reply.error.code).toBe('conflict')
      expect(reply.error.message).toMatch(
        /^No backup was made: the disk holding .* has 1000 B free, and a backup needs at least .* \(twice the database's size\)/,
      )
      expect(existsSync(join(dataDir, 'backups')) ? readdirSync(join(dataDir, 'backups')) : []).toEqual([])
    } finally {
      await backend.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('the daily backup', () => {
  it('is made once a day by its timer and the newest 7 are kept (a setting); backups made by hand stay', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-daily-'))
    let now = START
    const backend = createBackend({
      dataDir,
      host: 'test',
      logger: silentLogger,
      clock: () => now,
      backup: { firstCheckMs: 0, everyMs: 5 },
    })
    const autos = async () =>
      (await backend.call('backup.list', {})).backups.filter((b) => b.kind === 'auto').map((b) => b.name)
    try {
      await backend.call('backup.create', {})
      for (let day = 0; day < 9; day += 1) {
        const expected = `profile-desk-auto-2026-06-${String(15 + day)}.db`
        await vi.waitFor(async () => expect(await autos()).toContain(expected), { timeout: 5000 })
        now += DAY
      }
      await vi.waitFor(async () => expect(await autos()).toContain('profile-desk-auto-2026-06-24.db'))
      // Many timer rounds per day made one backup per day, and the oldest went once 7 were kept.
      expect(await autos()).toEqual([
        'profile-desk-auto-2026-06-24.db',
        'profile-desk-auto-2026-06-23.db',
        'profile-desk-auto-2026-06-22.db',
        'profile-desk-auto-2026-06-21.db',
        'profile-desk-auto-2026-06-20.db',
        'profile-desk-auto-2026-06-19.db',
        'profile-desk-auto-2026-06-18.db',
      ])
      const overview = await backend.call('backup.list', {})
      expect(overview.backups.filter((b) => b.kind === 'manual')).toHaveLength(1)

      await backend.call('backup.settings.update', { keep: 3, auto: false })
      expect(await autos()).toEqual([
        'profile-desk-auto-2026-06-24.db',
        'profile-desk-auto-2026-06-23.db',
        'profile-desk-auto-2026-06-22.db',
      ])
      now += DAY
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(await autos()).toHaveLength(3)
    } finally {
      await backend.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('a backup during a running import', () => {
  let dir: string
  let file: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'profile-desk-backup-import-'))
    file = join(dir, 'profiles.csv')
    await generateProfiles(20_000, 7, file)
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('completes while the import writes, and the import still finishes', async () => {
    const h = openImportHarness({ dataDir: join(dir, 'data') })
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'before-import' }] })
      const { jobId, runId } = await h.call('imports.start', { file: h.grant(file) })
      // Wait until the import has written rows (progress past its first batch).
      await new Promise<void>((resolve) => {
        const off = h.backend.on('job.progress', (e) => {
          if (e.jobId === jobId && e.done > 0) {
            off()
            resolve()
          }
        })
      })
      const made = await h.call('backup.create', {})
      const runningWhenDone = h.backend.context.jobs.list().find((j) => j.jobId === jobId)?.status
      expect(runningWhenDone).toBe('running')
      expect(integrity(made.path)).toBe('ok')
      // One consistent snapshot: the profile made before, and none of the import's uncommitted rows.
      expect(countIn(made.path, 'profiles')).toBe(1)
      expect((await h.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
      const { summary } = await h.call('imports.run', { runId })
      const counts = summary?.counts as { new: number } | undefined
      expect(counts?.new).toBeGreaterThan(19_000)
      expect(h.count('profiles')).toBe(1 + (counts?.new ?? 0))
    } finally {
      await h.close()
    }
  }, 120_000)

  it('the daily backup waits for a running import (VACUUM INTO would hold up searches), then is made', async () => {
    const dataDir = join(dir, 'daily-data')
    const backend = createBackend({
      dataDir,
      host: 'test',
      logger: silentLogger,
      clock: () => START,
      backup: { firstCheckMs: 0, everyMs: 5 },
    })
    const autos = async () =>
      (await backend.call('backup.list', {})).backups.filter((b) => b.kind === 'auto').length
    try {
      // The first check (at once) made today's backup. Once the import runs, it is deleted: due again.
      await vi.waitFor(async () => expect(await autos()).toBe(1))
      const { jobId } = await backend.call('imports.start', {
        file: backend.grantFile(file, 'dialog').handle,
      })
      const { folder, backups } = await backend.call('backup.list', {})
      for (const made of backups) rmSync(join(folder, made.name))
      // Many 5 ms checks while the import writes: none makes the backup.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(backend.context.jobs.list().find((j) => j.jobId === jobId)?.status).toBe('running')
      expect(await autos()).toBe(0)
      expect((await backend.context.jobs.wait(jobId)).status).toBe('succeeded')
      await vi.waitFor(async () => expect(await autos()).toBe(1))
    } finally {
      await backend.close()
    }
  }, 120_000)
})
