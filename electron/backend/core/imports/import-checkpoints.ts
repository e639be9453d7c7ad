// When an import's connection checkpoints the WAL (issue 11). Every batch rewrites thousands of index pages
// (random keys), so SQLite's automatic checkpoint (after any commit that leaves 1000+ frames) ran after
// nearly every batch: a copy and two fsyncs each, a third of a fresh import's time. The import turns it
// off and checkpoints itself, between batches and outside any transaction, once the WAL holds `boundBytes`
// not yet copied into the database; and once at the end, before the run is marked finished (inside the
// run's clock: the work is the import's, and left over it would fall to whichever connection commits next).
import type { Db } from '../db/connection'
import { readWalBacklog } from '../db/wal-index'
import { pauseThread, type RunHooks } from './run-report'

/**
 * 64 MiB: the WAL file's size limit after a checkpoint (journal_size_limit, db/connection.ts), so the file
 * is reused as it is, never cut back and grown again. Measured on 100k rows (docs/ARCHITECTURE.md).
 */
export const IMPORT_WAL_BOUND_BYTES = 64 * 1024 * 1024

/**
 * Turns a connection's automatic checkpoints off until the returned function puts its setting back: the
 * import's own connection, and the backend's while a worker imports (an edit committed meanwhile would
 * otherwise copy the import's whole backlog, up to the bound, on the backend's thread).
 */
export function suspendAutoCheckpoints(db: Db): () => void {
  const pages = db.pragma('wal_autocheckpoint', { simple: true }) as number
  db.pragma('wal_autocheckpoint = 0')
  return () => void db.pragma(`wal_autocheckpoint = ${pages}`)
}

export interface WriteFigures {
  /** Write transactions committed, and the longest and 99th-percentile time one held the write lock. */
  commits: number
  lockMaxMs: number
  lockP99Ms: number
  /** Checkpoints this connection ran, the time they took, and the largest backlog seen before one (MiB). */
  checkpoints: number
  checkpointMs: number
  maxBacklogMiB: number
}

export class ImportCheckpoints {
  private readonly boundFrames: number
  private readonly pageBytes: number
  private readonly locks: number[] = []
  private checkpoints = 0
  private checkpointMs = 0
  private maxBacklog = 0
  /** Where the WAL ended at this connection's last checkpoint, and in which generation of it. */
  private lastCheckpoint = { frames: 0, generation: -1 }
  /** Puts the connection's own setting back. */
  readonly close: () => void

  constructor(
    private readonly db: Db,
    boundBytes: number = IMPORT_WAL_BOUND_BYTES,
  ) {
    this.pageBytes = db.pragma('page_size', { simple: true }) as number
    this.boundFrames = Math.max(1, Math.floor(boundBytes / this.pageBytes))
    this.close = suspendAutoCheckpoints(db)
  }

  /** After each write transaction commits (outside it), with the time it held the write lock. */
  committed(lockMs: number): void {
    this.locks.push(lockMs)
    const backlog = this.backlog()
    // No wal-index to read (not expected in WAL mode): checkpoint after every commit, as SQLite would.
    if (backlog === null || backlog >= this.boundFrames) this.checkpoint(backlog)
  }

  /** Before the run is marked finished: whatever the WAL still holds goes into the database. */
  settle(): void {
    const backlog = this.backlog()
    if (backlog === null || backlog > 0) this.checkpoint(backlog)
  }

  figures(): WriteFigures {
    const sorted = [...this.locks].sort((a, b) => a - b)
    const p99 = sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? 0
    return {
      commits: sorted.length,
      lockMaxMs: Math.round(sorted.at(-1) ?? 0),
      lockP99Ms: Math.round(p99),
      checkpoints: this.checkpoints,
      checkpointMs: Math.round(this.checkpointMs),
      maxBacklogMiB: Math.round((this.maxBacklog * this.pageBytes) / (1024 * 1024)),
    }
  }

  /**
   * Frames not yet copied into the database, counted from the last checkpoint's end at least: a reader on
   * an old snapshot keeps a checkpoint from copying past it, and checkpointing again after every commit
   * until it ends would copy nothing more.
   */
  private backlog(): number | null {
    const wal = readWalBacklog(this.db.name)
    if (wal === null) return null
    const tried = wal.generation === this.lastCheckpoint.generation ? this.lastCheckpoint.frames : 0
    return wal.frames - Math.max(wal.backfilled, tried)
  }

  private checkpoint(backlog: number | null): void {
    const started = performance.now()
    // PASSIVE: copies what no reader still needs and never waits for readers or blocks writers.
    this.db.pragma('wal_checkpoint(PASSIVE)')
    const wal = readWalBacklog(this.db.name)
    if (wal) this.lastCheckpoint = { frames: wal.frames, generation: wal.generation }
    this.checkpointMs += performance.now() - started
    this.checkpoints++
    this.maxBacklog = Math.max(this.maxBacklog, backlog ?? 0)
  }
}

/**
 * After each commit of a run: the checkpoint policy's turn, then (in a worker) a pause of gapMs, because
 * another connection waiting for the write lock polls for it from SQLite's busy handler, and a writer that
 * began its next transaction at once could keep it out until its busy timeout.
 */
export function afterCommit(hooks: RunHooks, gapMs: number, lockMs: number): void {
  hooks.committed?.(lockMs)
  if (gapMs > 0) pauseThread(gapMs)
}

/** The same after each chunk of a loop of short transactions: the time between calls is its lock time. */
export function pauseAfterChunks(hooks: RunHooks, gapMs: number): () => void {
  let start = performance.now()
  return () => {
    afterCommit(hooks, gapMs, performance.now() - start)
    start = performance.now()
  }
}
