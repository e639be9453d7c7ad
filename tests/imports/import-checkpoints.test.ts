// The import's checkpoint policy (import-checkpoints.ts) on a real WAL database file: no automatic
// checkpoint after every commit, one once the commits since the last have written about the bound (so the
// WAL never grows far past it), what is left copied when the run settles, the connection's setting put back.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { ImportCheckpoints, WriteGap } from '../../electron/backend/core/imports/import-checkpoints'

let dir: string
let file: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-import-ckpt-'))
  file = join(dir, 'test.db')
  db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** One transaction of ~150 new pages (600 rows of 1000 bytes on 4 KiB pages); it "holds the lock" 10 ms. */
function writeBatch(checkpoints: ImportCheckpoints): void {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < 600; i++) insert.run('x'.repeat(1000))
  })()
  checkpoints.committed(10)
}

const pageBytes = () => db.pragma('page_size', { simple: true }) as number
/** The WAL file never shrinks here (no journal_size_limit): its size is the most frames it ever held. */
const walHighWaterFrames = () => Math.floor((statSync(`${file}-wal`).size - 32) / (pageBytes() + 24))
/** Pages only in the WAL are missing from the database file, which grows as they are checkpointed. */
const pagesInFile = () => statSync(file).size / pageBytes()
const pageCount = () => db.pragma('page_count', { simple: true }) as number

it('checkpoints once the commits since the last have written about the bound, never after each one', () => {
  const checkpoints = new ImportCheckpoints(db, 400 * pageBytes())
  // SQLite's automatic checkpoint (after any commit leaving 1000+ frames) is off: the policy decides.
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
  for (let i = 0; i < 20; i++) writeBatch(checkpoints)
  const figures = checkpoints.figures()
  expect(figures).toMatchObject({ commits: 20, lockMaxMs: 10, lockP99Ms: 10 })
  // The first after the first commit (to learn how many frames a commit writes), then one every ~3.
  expect(figures.checkpoints).toBeGreaterThan(3)
  expect(figures.checkpoints).toBeLessThan(10)
  // The WAL held at most the bound and one batch (~150 frames) more.
  expect(walHighWaterFrames()).toBeGreaterThan(300)
  expect(walHighWaterFrames()).toBeLessThanOrEqual(400 + 160)
  expect(figures.maxBacklogMiB).toBeLessThanOrEqual(3)
})

it('copies what is left when the run settles, and puts the setting back', () => {
  const checkpoints = new ImportCheckpoints(db, 400 * pageBytes())
  // Checkpoints after the 1st and 3rd commits (stretches of 1, then at most 2); the 4th is left over.
  for (let i = 0; i < 4; i++) writeBatch(checkpoints)
  expect(checkpoints.figures().checkpoints).toBe(2)
  expect(pagesInFile()).toBeLessThan(pageCount())
  checkpoints.settle()
  expect(pagesInFile()).toBe(pageCount())
  checkpoints.close()
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
})

/** Keeps the thread busy for `ms`, as reading and planning the next batch's rows does. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until);
}

it('begins the next write no sooner than the gap after the last commit, sleeping only what the work meanwhile left', () => {
  const locks: number[] = []
  const hooks = {
    signal: new AbortController().signal,
    progress: () => undefined,
    changed: () => undefined,
    now: () => Date.now(),
    committed: (lockMs: number) => locks.push(lockMs),
  }
  const gap = new WriteGap(hooks, 30)
  const spans: { begin: number; commit: number }[] = []
  const transaction = () => {
    const begin = performance.now()
    busy(5)
    spans.push({ begin, commit: performance.now() })
  }
  const first = performance.now()
  gap.write(transaction)
  // The first begins at once.
  expect(spans[0]!.begin - first).toBeLessThan(5)
  busy(25)
  const asked = performance.now()
  gap.write(transaction)
  // The lock stayed free for the whole gap, but the 25 ms of work counted towards it: no 30 ms sleep.
  expect(spans[1]!.begin - spans[0]!.commit).toBeGreaterThanOrEqual(30)
  expect(spans[1]!.begin - asked).toBeLessThan(28)
  expect(locks).toHaveLength(2)
  expect(gap.lockMs).toBeGreaterThanOrEqual(5)
})
