// When an import's connection checkpoints the WAL (issue 11). Every batch rewrites thousands of index pages
// (random keys), so SQLite's automatic checkpoint (after any commit that leaves 1000+ frames) ran after
// nearly every batch: a copy and two fsyncs each, a third of a fresh import's time. The import turns it
// off and checkpoints itself, between batches and outside any transaction, once its commits since the last
// one have written about `boundBytes` to the WAL; and once at the end, before the run is marked finished
// (inside the run's clock: the work is the import's, and left over it would fall to whichever connection
// commits next).
import type { Db } from '../db/connection'
import { suspendAutoCheckpoints } from '../db/background-checkpoint'
import { pauseThread, type RunHooks } from './run-report'

/**
 * 128 MiB. A 100k-row fresh import (load 4.5-6, two runs each) spent 4.3-6.5 s in 22-26 checkpoints at
 * 64 MiB, 4.0-4.6 s in 11-13 at 128 MiB, 3.3-3.6 s in 6 at 256 MiB (SQLite's own, after every batch: about
 * 11.5 s). Larger saves less and less, while the WAL file grows to the bound during an import (it is cut
 * back to journal_size_limit, 64 MiB, once it starts over after the import) and another process's commit
 * meanwhile (a CLI verb) would copy up to the bound itself.
 */
export const IMPORT_WAL_BOUND_BYTES = 128 * 1024 * 1024

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

/** How many recent stretches' frames per commit the next checkpoint's timing heeds. */
const RATES_KEPT = 3

export class ImportCheckpoints {
  private readonly boundFrames: number
  private readonly pageBytes: number
  private readonly locks: number[] = []
  private checkpoints = 0
  private checkpointMs = 0
  private maxBacklog = 0
  /** Commits since the last checkpoint, and the WAL frames a commit wrote in the last few stretches. */
  private commitsSince = 0
  private readonly rates: number[] = []
  /** At most this many commits before the next checkpoint: twice the last stretch's (1 at first). */
  private longest = 1
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

  /**
   * After each write transaction commits (outside it), with the time it held the write lock. The WAL's
   * size cannot be asked without checkpointing (and the wal-index must not be opened beside SQLite: closing
   * any descriptor of it drops the process's locks on it), so each checkpoint's report of the frames it
   * found gives the frames per commit, and the next comes when the commits since promise the bound at the
   * highest of the last few rates (batches vary: a lower guess would let the WAL run past the bound).
   * A stretch is at most twice the last one, so the small first batches' rate cannot put the next
   * checkpoint off for the whole import while batches (and the pages each touches) grow.
   */
  committed(lockMs: number): void {
    this.locks.push(lockMs)
    this.commitsSince++
    const rate = this.rates.length === 0 ? Infinity : Math.max(...this.rates)
    if (this.commitsSince >= this.longest || this.commitsSince * rate >= this.boundFrames) this.checkpoint()
  }

  /** Before the run is marked finished: whatever the WAL still holds goes into the database. */
  settle(): void {
    if (this.commitsSince > 0) this.checkpoint()
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

  private checkpoint(): void {
    const started = performance.now()
    // PASSIVE: copies what no reader still needs and never waits for readers or blocks writers.
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[]
    this.checkpointMs += performance.now() - started
    this.checkpoints++
    // `log`: the WAL's frames. The last checkpoint emptied it and the next commit started it over, so they
    // are what the commits since wrote (more when a reader kept it from starting over: the next comes sooner).
    const frames = result && result.log >= 0 ? result.log : Infinity
    this.maxBacklog = Math.max(this.maxBacklog, Number.isFinite(frames) ? frames : 0)
    if (this.commitsSince > 0) this.rates.push(frames / this.commitsSince)
    if (this.rates.length > RATES_KEPT) this.rates.shift()
    this.longest = Math.max(1, 2 * this.commitsSince)
    this.commitsSince = 0
  }
}

/**
 * The lock-free gap between a run's write transactions (gapMs: 30 in a worker, 0 in-thread). Another
 * connection waiting for the write lock polls for it from SQLite's busy handler (1, 2, 5 ... then every
 * 100 ms), and a writer that began its next transaction at once could keep it out until its busy timeout.
 * The gap is a "not before" for the next BEGIN, not a sleep after the COMMIT: the run reads, parses,
 * validates and plans the next batch's rows meanwhile and sleeps only for what is left of it (100k rows:
 * the 30 ms sleep after each of ~120 commits was 3.6 s of the worker's 19.3 s).
 */
export class WriteGap {
  /** How long the last transaction held the write lock (ms). */
  lockMs = 0
  private notBefore = 0

  constructor(
    private readonly hooks: RunHooks,
    private readonly gapMs: number,
  ) {}

  /**
   * Runs one write transaction of the run (`transaction` begins and commits it) once the gap after the
   * last one has passed; after it, the checkpoint policy has its turn (outside the transaction).
   */
  write<T>(transaction: () => T): T {
    const left = this.notBefore - performance.now()
    if (left > 0) pauseThread(left)
    const locked = performance.now()
    const result = transaction()
    const committed = performance.now()
    this.lockMs = committed - locked
    this.notBefore = committed + this.gapMs
    this.hooks.committed?.(this.lockMs)
    return result
  }
}
