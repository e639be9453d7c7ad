// Shared by the crash tests: an import run by the CLI in a child process and killed with SIGKILL, the
// database's comparable state (no ids or times) and its integrity checks.
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { expect } from 'vitest'
import { catchUpTextIndex } from '../../electron/backend/core/imports/index-upkeep'
import { BULK_DEFERRED_INDEXES } from '../../electron/backend/core/profiles/schema'
import type { ImportHarness } from '../../test-support/import-harness'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'electron/backend/adapters/cli/main.ts')

/**
 * The database in comparable form (identifiers, properties, events): profiles by identity, without ids
 * and times that differ per run.
 */
export function state(h: ImportHarness): unknown {
  const profiles = h
    .rows<Record<string, unknown>>('SELECT * FROM profiles ORDER BY identity')
    .map(({ id: _i, object_id: _o, created_at: _c, updated_at: _u, ...rest }) => rest)
  const identifiers = h.rows(
    'SELECT p.identity AS owner, i.kind, i.value FROM identifiers i JOIN profiles p ON p.id = i.profile_id ORDER BY owner, i.kind, i.value',
  )
  const events = h.rows(
    'SELECT p.identity AS owner, e.name, e.ts, e.props, e.anonymous FROM events e JOIN profiles p ON p.id = e.profile_id ORDER BY owner, e.ts, e.name, e.props',
  )
  return { profiles, identifiers, events, counts: h.rows('SELECT * FROM profile_counts ORDER BY 1, 2, 3') }
}

export function checkIntact(h: ImportHarness): void {
  // Profiles an import left pending for the trigram index are indexed first (as the background catch-up
  // would), since FTS5's integrity check compares the index with the profiles table.
  catchUpTextIndex(h.backend.context.db, () => undefined)
  expect(h.rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
  h.backend.context.db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('integrity-check')")
  const indexes = new Set(
    h.rows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => r.name),
  )
  for (const index of BULK_DEFERRED_INDEXES) expect(indexes.has(index.name), index.name).toBe(true)
  expect(
    h.rows("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'profiles_fts_%'"),
  ).toEqual([{ n: 3 }])
}

/** Runs the CLI import in a child process and kills it with SIGKILL once `ready` says so. */
export async function killMidImport(
  file: string,
  dataDir: string,
  ready: (stderr: string) => boolean,
): Promise<{ stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', file, '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, PROFILE_DESK_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.on('exit', (_code, signal) => done(signal)),
  )
  const deadline = Date.now() + 240_000
  let go = false
  while (!go && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100))
    go = ready(stderr)
  }
  if (!go) {
    child.kill('SIGKILL')
    await exited
    throw new Error(`the import never reached the point to kill it at; stderr: ${stderr}`)
  }
  process.kill(child.pid as number, 'SIGKILL')
  expect(await exited).toBe('SIGKILL')
  return { stderr }
}

export function committedRows(dataDir: string): number {
  try {
    const db = new Database(join(dataDir, 'profiles.db'), { readonly: true, fileMustExist: true })
    try {
      return (db.prepare('SELECT max(rows_done) AS n FROM import_runs').get() as { n: number | null }).n ?? 0
    } finally {
      db.close()
    }
  } catch {
    return 0 // Not created yet, or the schema is not there yet.
  }
}
