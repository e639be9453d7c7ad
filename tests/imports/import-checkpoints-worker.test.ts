// A real import in its worker thread checkpoints on its own terms (import-checkpoints.ts): once its WAL
// backlog reaches the bound, not after every batch, never far past the bound, none left when the run is
// finished; and the backend's connection leaves checkpoints to it meanwhile, so an edit committed during
// the import never copies the import's backlog on the backend's thread.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ImportService } from '../../electron/backend/core/imports/import-service'
import { generateProfiles } from '../../test-support/generate-profiles'
import { openImportHarness } from '../../test-support/import-harness'

// At most 2,000 rows a batch (profile-import.ts MAX_BATCH): 50k rows make at least 25 commits however fast the machine.
const ROWS = 50_000
const BOUND_BYTES = 48 * 1024 * 1024
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-import-ckpt-worker-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(ROWS, 21, file)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * The WAL header's checkpoint sequence number: it counts the times the WAL started over (big-endian). The
 * -wal file carries no SQLite locks, so reading it beside the harness's connection is safe.
 */
function walRestarts(databaseFile: string): number {
  const fd = openSync(`${databaseFile}-wal`, 'r')
  try {
    const header = Buffer.alloc(16)
    readSync(fd, header, 0, 16, 0)
    return header.readUInt32BE(12)
  } finally {
    closeSync(fd)
  }
}

it('a worker import checkpoints at its WAL bound, not after every batch, while the backend connection checkpoints nothing', async () => {
  const h = openImportHarness({ dataDir: join(dir, 'data') })
  const info: string[] = []
  const ctx = h.backend.context
  const service = new ImportService(
    { ...ctx, logger: { ...ctx.logger, info: (message: string) => info.push(message) } },
    { threading: 'worker', walBoundBytes: BOUND_BYTES },
  )
  try {
    // An edit before the import, so the WAL exists and its restart count can be read.
    await h.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'before' }],
      changes: [{ op: 'set', key: 'Name', value: 'Before' }],
    })
    const restartsBefore = walRestarts(ctx.db.name)
    const backendSetting: number[] = []
    const off = h.backend.on('job.progress', (e) => {
      if (e.phase !== 'importing') return
      backendSetting.push(ctx.db.pragma('wal_autocheckpoint', { simple: true }) as number)
    })
    const { jobId } = await service.start(
      { path: file, kind: 'profiles', mapping: 'auto', encoding: 'auto' },
      'import',
    )
    const job = await ctx.jobs.wait(jobId)
    off()
    expect(job.status).toBe('succeeded')
    const restarts = walRestarts(ctx.db.name) - restartsBefore

    const line = info.find((m) => m.startsWith('import run #'))
    const figures = /: (\d+) commits, .* (\d+) checkpoints, /.exec(line ?? '')
    expect(figures, `the run's figures were logged: ${info.join(' | ')}`).not.toBeNull()
    const commits = Number(figures![1])
    const checkpoints = Number(figures![2])
    expect(commits).toBeGreaterThan(20)
    // SQLite's automatic checkpoint ran after nearly every batch (each wrote 1000+ frames).
    expect(checkpoints).toBeGreaterThan(0)
    expect(checkpoints).toBeLessThan(commits / 3)
    // Every time the WAL started over, one of the import's checkpoints had emptied it: nobody else's.
    expect(restarts).toBeGreaterThan(0)
    expect(restarts).toBeLessThanOrEqual(checkpoints)
    // The WAL file (never cut back below 64 MiB: its size is the most it held) stayed within the bound
    // and a batch or two.
    expect(statSync(`${ctx.db.name}-wal`).size).toBeLessThan(2 * BOUND_BYTES)
    // The backend's connection checkpointed nothing meanwhile, and has its setting back afterwards.
    expect(backendSetting.length).toBeGreaterThan(5)
    expect(new Set(backendSetting)).toEqual(new Set([0]))
    expect(ctx.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    expect(h.count('profiles')).toBeGreaterThan(ROWS * 0.95)
  } finally {
    await h.close()
  }
}, 600_000)
