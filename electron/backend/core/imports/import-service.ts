// Runs dry runs and imports as jobs (progress, cancel, one job.finished with the ImportSummary). A run
// goes to a worker thread with its own database connection when the worker entry is available, so a
// million-row import never stalls searches; otherwise it runs on the backend's event loop in short
// slices. One run at a time per backend.
import { Worker } from 'node:worker_threads'
import type {
  ImportKind,
  ImportRunMode,
  ImportSummary,
  MappingChoice,
} from '../../../../shared/ipc/channels/imports'
import { AppError, isErrorCode } from '../../../../shared/ipc/envelope'
import { importJobKind } from '../../../../shared/jobs/job-kinds'
import type { BackendContext } from '../context'
import type { JobControl } from '../jobs/registry'
import { workerLaunch as launchWorker, type WorkerLaunch } from '../platform/worker-launch'
import { nowSeconds } from '../profiles/statements'
import { runEventImport } from './event-import'
import { createRun, failRun, saveMapping } from './import-runs'
import { assertRunnable, prepareImport } from './import-setup'
import { runProfileImport } from './profile-import'
import { rejectedRowsPath } from './rejected-rows'
import type { RunHooks, RunSpec } from './run-report'
import type { PlanWriterFactory } from './profile-batch-writer'
import type { FromWorker, ToWorker } from './worker-protocol'
import { suspendAutoCheckpoints } from '../db/background-checkpoint'
import { IMPORT_WAL_BOUND_BYTES, ImportCheckpoints, type WriteFigures } from './import-checkpoints'

export interface RunRequest {
  /** The file to read. Trusted callers (the CLI, SFTP) give it; the page's requests come by handle. */
  path: string
  /** The handle the page chose the file by, kept in the run's file facts so a later step can name it. */
  handle?: string | undefined
  kind: ImportKind
  mapping: MappingChoice
  encoding: 'auto' | 'utf-8' | 'windows-1252'
  saveMappingAs?: string | undefined
}

export interface ServiceOptions {
  /** 'auto': a worker thread when the entry exists, else in-thread. Tests and the benchmark may force one. */
  threading?: 'auto' | 'worker' | 'in-thread'
  /**
   * Imports write through this instead of the batch writer (tests and the benchmark: the store's own
   * path). Such runs go in-thread: a function cannot be sent to the worker.
   */
  writer?: PlanWriterFactory
  /** The WAL backlog at which an import checkpoints (import-checkpoints.ts); tests make it small. */
  walBoundBytes?: number
}

/**
 * Budgets: in-thread a run must give the event loop back quickly. In a worker a batch (one transaction)
 * aims at 100 ms of write lock: on a loaded machine (load 3.5-5) a batch's lock ran up to ~1.5-2.5x its
 * aim (the thread is preempted while it holds it); 160 ms went past the 250 ms an edit may wait, 100 ms
 * stayed under it, and larger batches write fewer WAL frames a row. After each commit it pauses 30 ms: a
 * writer on another connection polls from SQLite's busy handler (1, 2, 5 ... then every 100 ms), and with
 * the per-batch checkpoint gone the lock was free too seldom for it (100k rows, lock probe every 100 ms:
 * a 5 ms pause let it wait 1.1 s; 30 ms: 131-185 ms, the old build 135 ms; the import still ~20% faster).
 */
const IN_THREAD = { sliceMs: 25, batchMs: 40, gapMs: 0 }
const IN_WORKER = { sliceMs: 200, batchMs: 100, gapMs: 30 }
/** The worker connection's page cache: 16 MiB measured as fast as 32 MiB on 300k rows, with less memory. */
const WORKER_CACHE_KIB = 16 * 1024
/** A batch's plans and snapshots peak at about 80 MiB of heap (64 MiB ran out on an upsert). */
const WORKER_HEAP_MB = 96
/**
 * Its young generation, half V8's default (all resident once used). 200k-row re-imports, served: peak
 * RSS 293-310 -> 277-288 MiB at the same CPU; a 100k-row fresh import's CPU 15.9-16.8 s (16.4-18.8 s).
 */
const WORKER_YOUNG_MB = 16
const CHANGED_INTERVAL_MS = 1000

/** How to start the import worker: its built file beside this bundle, or (from source) through tsx. */
export function workerLaunch(moduleUrl: string = import.meta.url): WorkerLaunch | null {
  return launchWorker('import-worker', moduleUrl)
}

/** PROFILE_DESK_IMPORT_THREADING=worker|in-thread|auto overrides the default (tests, diagnosis). */
function threadingFromEnv(): 'auto' | 'worker' | 'in-thread' {
  const value = process.env.PROFILE_DESK_IMPORT_THREADING
  return value === 'worker' || value === 'in-thread' ? value : 'auto'
}

export class ImportService {
  private active: { runId: number; mode: ImportRunMode } | null = null
  /** Resolves when the active run's job has ended (settled at once when nothing runs). */
  private ended: Promise<void> = Promise.resolve()
  private warnedNoWorker = false

  constructor(
    private readonly ctx: BackendContext,
    private readonly options: ServiceOptions = {},
  ) {}

  get running(): { runId: number; mode: ImportRunMode } | null {
    return this.active
  }

  /** Settles when no run is active, so a queued caller (SFTP) can wait its turn instead of being refused. */
  async idle(): Promise<void> {
    while (this.active) await this.ended
  }

  async start(request: RunRequest, mode: ImportRunMode): Promise<{ jobId: string; runId: number }> {
    const ctx = this.ctx
    if (this.active) {
      throw new AppError(
        'conflict',
        `An import is already running (run #${this.active.runId}); wait for it to finish or cancel it first.`,
        { runId: this.active.runId },
      )
    }
    const prepared = await prepareImport(ctx.db, request)
    assertRunnable(prepared)
    const file =
      request.handle === undefined ? prepared.head.facts : { ...prepared.head.facts, handle: request.handle }
    if (this.active)
      throw new AppError('conflict', 'An import started meanwhile; try again when it has finished.')
    const startedAt = ctx.clock()
    if (mode === 'import' && request.saveMappingAs)
      saveMapping(ctx.db, request.saveMappingAs, prepared.mapping, startedAt)
    const runId = createRun(ctx.db, {
      kind: request.kind,
      mode,
      file,
      actor: ctx.actor,
      startedAt,
      mapping: prepared.mapping,
      mappingName: request.saveMappingAs ?? prepared.mappingName,
    })
    const launch = this.launch()
    const budget = launch ? IN_WORKER : IN_THREAD
    const spec: RunSpec = {
      runId,
      kind: request.kind,
      mode,
      file,
      layout: prepared.head.layout,
      headers: prepared.headers,
      mapping: prepared.mapping,
      mappingName: request.saveMappingAs ?? prepared.mappingName,
      notices: prepared.notices,
      unplaced: prepared.check.unplaced,
      ignored: prepared.check.ignored,
      at: nowSeconds(ctx.clock),
      actor: ctx.actor,
      startedAt,
      errorFilePath: rejectedRowsPath(ctx.dataDir, runId),
      ...budget,
    }
    this.active = { runId, mode }
    let release = (): void => undefined
    this.ended = new Promise<void>((resolve) => {
      release = resolve
    })
    const { jobId } = ctx.jobs.start(importJobKind(request.kind, mode), async (control) => {
      // The backend's connection leaves checkpoints to the import meanwhile (in-thread it is the import's).
      const resume = launch ? suspendAutoCheckpoints(ctx.db) : () => undefined
      try {
        return launch ? await this.inWorker(launch, spec, control) : await this.inThread(spec, control)
      } catch (error) {
        failRun(ctx.db, runId, ctx.clock(), error instanceof Error ? error.message : String(error))
        throw error
      } finally {
        resume()
        this.active = null
        release()
        if (mode === 'import') ctx.events.emit('profiles.changed', { ids: [], all: true })
      }
    })
    return { jobId, runId }
  }

  private launch(): WorkerLaunch | null {
    const threading = this.options.threading ?? threadingFromEnv()
    if (this.options.writer && threading === 'worker')
      throw new AppError('internal', 'An import with its own writer runs in-thread, not in the worker.')
    if (threading === 'in-thread' || this.options.writer) return null
    const launch = workerLaunch()
    if (!launch && threading === 'worker')
      throw new AppError('internal', 'The import worker is not available in this build.')
    if (!launch && !this.warnedNoWorker) {
      this.warnedNoWorker = true
      this.ctx.logger.warn(
        'The import worker is not in this build: imports run on the main thread (slower, less responsive).',
      )
    }
    return launch
  }

  /** profiles.changed at most once a second while an import commits batches. */
  private changedNotifier(): () => void {
    let last = 0
    return () => {
      const now = Date.now()
      if (now - last < CHANGED_INTERVAL_MS) return
      last = now
      this.ctx.events.emit('profiles.changed', { ids: [], all: true })
    }
  }

  private get walBoundBytes(): number {
    return this.options.walBoundBytes ?? IMPORT_WAL_BOUND_BYTES
  }

  /** What a run's connection wrote, for diagnosis: its longest lock and its checkpoints. */
  private logFigures(spec: RunSpec, figures: WriteFigures): void {
    if (spec.mode !== 'import') return
    this.ctx.logger.info(
      `import run #${spec.runId}: ${figures.commits} commits, write lock max ${figures.lockMaxMs} ms ` +
        `(p99 ${figures.lockP99Ms} ms); ${figures.checkpoints} checkpoints, ${figures.checkpointMs} ms, ` +
        `largest WAL backlog ${figures.maxBacklogMiB} MiB`,
    )
  }

  private async inThread(spec: RunSpec, control: JobControl): Promise<ImportSummary> {
    const checkpoints = new ImportCheckpoints(this.ctx.db, this.walBoundBytes)
    const hooks: RunHooks = {
      signal: control.signal,
      progress: (phase, done, total) => control.progress(phase, done, total),
      changed: this.changedNotifier(),
      now: () => this.ctx.clock(),
      committed: (lockMs) => checkpoints.committed(lockMs),
      settle: () => checkpoints.settle(),
      ...(this.options.writer ? { writer: this.options.writer } : {}),
    }
    try {
      const run = spec.kind === 'profiles' ? runProfileImport : runEventImport
      const summary = await run(this.ctx.db, spec, hooks)
      this.logFigures(spec, checkpoints.figures())
      return summary
    } finally {
      checkpoints.close()
    }
  }

  private inWorker(launch: WorkerLaunch, spec: RunSpec, control: JobControl): Promise<ImportSummary> {
    const changed = this.changedNotifier()
    return new Promise<ImportSummary>((resolve, reject) => {
      const worker = new Worker(launch.url, {
        ...launch.options,
        // Batches are bounded, so a small heap is enough; it keeps the process's memory flat on big files.
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
        workerData: {
          databaseFile: this.ctx.db.name,
          schemaVersion: this.ctx.db.pragma('user_version', { simple: true }) as number,
          spec,
          clockOffset: this.ctx.clock() - Date.now(),
          cacheKib: WORKER_CACHE_KIB,
          walBoundBytes: this.walBoundBytes,
        },
      })
      let settled = false
      const settle = (fn: () => void) => {
        if (settled) return
        settled = true
        control.signal.removeEventListener('abort', onAbort)
        fn()
      }
      const onAbort = () => worker.postMessage({ type: 'cancel' } satisfies ToWorker)
      control.signal.addEventListener('abort', onAbort)
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'progress':
            control.progress(message.phase, message.done, message.total)
            break
          case 'changed':
            changed()
            break
          case 'done':
            this.logFigures(spec, message.figures)
            settle(() => resolve(message.summary))
            break
          case 'failed':
            settle(() =>
              reject(
                new AppError(
                  isErrorCode(message.error.code) ? message.error.code : 'internal',
                  message.error.message,
                  message.error.details,
                ),
              ),
            )
            break
        }
      })
      worker.on('error', (error) =>
        settle(() => reject(new AppError('internal', `The import worker failed: ${error.message}`))),
      )
      worker.on('exit', (code) =>
        settle(() =>
          reject(new AppError('internal', `The import worker stopped unexpectedly (exit code ${code}).`)),
        ),
      )
    })
  }
}
