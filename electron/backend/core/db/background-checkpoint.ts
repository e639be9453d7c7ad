// A long job's WAL checkpoint off the job's path (bulk edit, undo): the job is done when its last
// transaction commits; the WAL it grew is then copied into the database file by a passive checkpoint on
// a connection of its own in a worker thread, so neither the job nor the backend's thread waits for it.
import { Worker } from 'node:worker_threads'
import type { Db } from './connection'

/**
 * The worker's code, inline: a dozen lines need no bundle entry of their own. It opens the same file,
 * runs one PASSIVE checkpoint (it never waits for readers or writers: frames it cannot copy now are left
 * to the next automatic checkpoint) and reports SQLite's counts. The driver is resolved from the
 * backend's own module, so the worker loads the very copy of better-sqlite3 the backend uses.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require('node:module').createRequire(workerData.base)('better-sqlite3')
const db = new Database(workerData.file, { fileMustExist: true })
try {
  parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)')[0])
} finally {
  db.close()
}`

/** SQLite's answer to a checkpoint: frames in the WAL, frames copied into the database file. */
export interface CheckpointResult {
  log: number
  checkpointed: number
}

/** The checkpoints still running in this process (close and the benchmark wait for them). */
const running = new Set<Promise<CheckpointResult | null>>()

/**
 * Starts one passive checkpoint of `db`'s WAL in a worker thread. When the worker cannot run (no thread,
 * no driver), the checkpoint runs here on `db` instead, as it did before. Null for an in-memory database.
 */
export function checkpointInBackground(db: Db): Promise<CheckpointResult | null> {
  if (db.memory) return Promise.resolve(null)
  const fallback = (): CheckpointResult | null => {
    try {
      return db.open ? (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0]! : null
    } catch {
      return null // the next automatic checkpoint copies the frames
    }
  }
  const done = new Promise<CheckpointResult | null>((resolve) => {
    let result: CheckpointResult | null = null
    let failed = false
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { base: import.meta.url, file: db.name },
    })
    worker.on('message', (message: CheckpointResult) => (result = message))
    worker.on('error', () => (failed = true))
    worker.on('exit', (code) => resolve(failed || code !== 0 || result === null ? fallback() : result))
  })
  running.add(done)
  void done.finally(() => running.delete(done))
  return done
}

/** Resolves once every checkpoint started in this process so far has ended. */
export async function backgroundCheckpointsSettled(): Promise<void> {
  await Promise.all([...running])
}

/**
 * Runs `work` (a job of many transactions) with this connection's automatic checkpoints off, so its
 * batches' shared pages are not copied into the database file once per batch; then restores them and
 * starts one checkpoint in the background (checkpointInBackground). The work's result is returned as soon
 * as the work ends: the checkpoint is not awaited. Other connections keep checkpointing as usual.
 */
export async function withCheckpointAfter<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const resume = suspendAutoCheckpoints(db)
  try {
    return await work()
  } finally {
    if (resume() > 0) void checkpointInBackground(db)
  }
}

/**
 * Turns a connection's automatic checkpoints off until the returned function puts its setting back (and
 * returns it): a long job's connection (above, and an import's), and the backend's while a worker imports
 * (an edit committed meanwhile would otherwise copy the import's whole backlog on the backend's thread).
 */
export function suspendAutoCheckpoints(db: Db): () => number {
  const pages = db.pragma('wal_autocheckpoint', { simple: true }) as number
  db.pragma('wal_autocheckpoint = 0')
  return () => {
    db.pragma(`wal_autocheckpoint = ${pages}`)
    return pages
  }
}
