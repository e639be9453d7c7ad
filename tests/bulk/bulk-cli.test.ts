// `profile-desk bulk`, `history` and `undo` through a real child process on a real data folder: the
// preview (--dry-run), the change set's id printed, exit 1 when nothing matches, 2 on bad input; and a
// bulk job killed with SIGKILL half-way leaves a consistent database whose change set is interrupted
// with the profiles it applied (whole batches).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openBackendHarness } from '../../test-support/backend'
import { CLI, ROOT, runCli } from '../../test-support/cli'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A data folder holding about `profiles` sample profiles (the backend closed again). */
async function sampleFolder(profiles: number): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-bulk-cli-'))
  dirs.push(dataDir)
  const h = openBackendHarness({ dataDir })
  const { jobId } = await h.call('sample.load', { profiles })
  expect((await h.finished(jobId)).status).toBe('succeeded')
  await h.close()
  return dataDir
}

function read<T>(dataDir: string, sql: string): T[] {
  const db = new Database(join(dataDir, 'profiles.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

describe('bulk, history and undo on the command line', () => {
  it('previews, applies, lists and undoes, printing the change set ids', async () => {
    const dataDir = await sampleFolder(40)
    const d = ['--data-dir', dataDir]
    const dry = await runCli([
      'bulk',
      'set',
      'tier=gold',
      '--where',
      'Gender = F',
      '--dry-run',
      '--json',
      ...d,
    ])
    expect(dry.code).toBe(0)
    const preview = JSON.parse(dry.stdout) as {
      changeSet: null
      preview: { matched: number; willChange: number }
    }
    expect(preview.changeSet).toBeNull()
    expect(preview.preview.matched).toBeGreaterThan(0)
    expect(read(dataDir, "SELECT count(*) AS n FROM profiles WHERE custom ->> '$.tier' = 'gold'")).toEqual([
      { n: 0 },
    ])

    const applied = await runCli(['bulk', 'set', 'tier=gold', '--where', 'Gender = F', '--json', ...d])
    expect(applied.code).toBe(0)
    const summary = JSON.parse(applied.stdout) as { changeSet: number; changed: number }
    expect(summary.changed).toBe(preview.preview.willChange)
    expect(read(dataDir, "SELECT count(*) AS n FROM profiles WHERE custom ->> '$.tier' = 'gold'")).toEqual([
      { n: summary.changed },
    ])
    const text = await runCli(['bulk', 'test', '--where', 'Gender = F', ...d])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/change set: \d+/)

    const history = await runCli(['history', '--kind', 'bulk', '--json', ...d])
    expect(history.code).toBe(0)
    const page = JSON.parse(history.stdout) as { items: { id: number; kind: string }[] }
    expect(page.items.map((c) => c.id)).toContain(summary.changeSet)
    const listed = await runCli(['history', ...d])
    expect(listed.stdout).toContain(`#${summary.changeSet}`)

    const undoDry = await runCli(['undo', String(summary.changeSet), '--dry-run', '--json', ...d])
    expect(undoDry.code).toBe(0)
    expect((JSON.parse(undoDry.stdout) as { preview: { profiles: number } }).preview.profiles).toBe(
      summary.changed,
    )
    const undone = await runCli(['undo', String(summary.changeSet), '--json', ...d])
    expect(undone.code).toBe(0)
    const u = JSON.parse(undone.stdout) as { changeSet: number; reverted: number }
    expect(u.reverted).toBe(summary.changed)
    expect(u.changeSet).toBeGreaterThan(summary.changeSet)
    expect(read(dataDir, "SELECT count(*) AS n FROM profiles WHERE custom ->> '$.tier' = 'gold'")).toEqual([
      { n: 0 },
    ])
    const again = await runCli(['undo', String(summary.changeSet), ...d])
    expect(again.code).toBe(1)
    expect(again.stdout).toContain(`already undone by #${u.changeSet}`)
  }, 240_000)

  it('exits 1 when the selection matches nothing and 2 on bad input', async () => {
    const dataDir = await sampleFolder(10)
    const d = ['--data-dir', dataDir]
    const none = await runCli(['bulk', 'test', '--where', 'Name = "Nobody Here At All"', ...d])
    expect(none.code).toBe(1)
    expect(none.stdout).toContain('matches no profile')
    const noSelection = await runCli(['bulk', 'delete', ...d])
    expect(noSelection.code).toBe(2)
    expect(noSelection.stderr).toContain('choose the profiles')
    const badType = await runCli(['bulk', 'set', 'score=abc', '--type', 'number', '--all', ...d])
    expect(badType.code).toBe(2)
    expect(badType.stderr).toContain('not a number')
    const identifier = await runCli(['bulk', 'set', 'Email=a@b.example', '--all', ...d])
    expect(identifier.code).toBe(2)
    expect(identifier.stderr).toContain('identifier')
    const missing = await runCli(['undo', '9999', ...d])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no change set #9999')
  }, 180_000)

  it('kill -9 during a bulk job: the database is consistent and the change set interrupted with what it applied', async () => {
    const dataDir = await sampleFolder(30_000)
    const total = read<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM profiles')[0]!.n
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'bulk', 'test', '--all', '--data-dir', dataDir],
      {
        cwd: ROOT,
        env: { ...process.env, PROFILE_DESK_DATA_DIR: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on('exit', (_c, signal) => done(signal)),
    )
    // Killed once the first batch is committed (the change set counts it), long before the last.
    const deadline = Date.now() + 120_000
    let applied = 0
    while (applied === 0 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20))
      try {
        applied = read<{ n: number }>(
          dataDir,
          "SELECT coalesce(max(profiles), 0) AS n FROM change_sets WHERE kind = 'bulk'",
        )[0]!.n
      } catch {
        applied = 0 // the schema is not there yet
      }
    }
    process.kill(child.pid as number, 'SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(applied).toBeGreaterThan(0)

    const h = openBackendHarness({ dataDir })
    try {
      expect(h.rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
      const [set] = h.rows<{ id: number; state: string; profiles: number }>(
        "SELECT id, state, profiles FROM change_sets WHERE kind = 'bulk'",
      )
      expect(set?.state).toBe('interrupted')
      const marked = h.rows<{ n: number }>('SELECT count(*) AS n FROM profiles WHERE is_test = 1')[0]!.n
      const before = h.rows<{ n: number }>(
        `SELECT count(*) AS n FROM audit WHERE change_set = ${set!.id} AND action = 'test.mark'`,
      )[0]!.n
      // What it applied is what the change set says: whole batches, fewer than all.
      expect(set!.profiles).toBe(before)
      expect(set!.profiles).toBeLessThan(total)
      expect(marked).toBeGreaterThanOrEqual(set!.profiles)
      const counts = h.rows<{ n: number }>('SELECT sum(n) AS n FROM profile_counts WHERE is_test = 1')[0]!.n
      expect(counts).toBe(marked)
      // The interrupted change set can be undone like any other.
      const { jobId } = await h.call('undo.start', { changeSet: set!.id })
      const finished = await h.finished(jobId)
      expect(finished.status).toBe('succeeded')
      expect(
        h.rows<{ n: number }>(`SELECT count(*) AS n FROM audit WHERE change_set = ${set!.id}`)[0]!.n,
      ).toBe(set!.profiles)
    } finally {
      await h.close()
    }
  }, 240_000)
})
