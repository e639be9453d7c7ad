// A downloaded file through the CSV pipeline: the same ImportService the wizard uses (a job with its own
// import run, counts and rejected-rows CSV). SFTP imports go one at a time, whichever source they come from,
// and wait for a wizard import already running (the service is the backend's one instance).
import type {
  EventImportCounts,
  ImportKind,
  MappingChoice,
  ProfileImportCounts,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import { getRun } from '../imports/import-runs'
import type { ImportService } from '../imports/import-service'

/** How often an SFTP import re-waits when a wizard import slipped in first. */
const MAX_START_ATTEMPTS = 20

export interface FileImport {
  status: 'imported' | 'failed' | 'cancelled'
  importRunId: number | null
  counts: ProfileImportCounts | EventImportCounts | null
  rejectedRows: number
  error: string | null
}

export class SpoolImporter {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly ctx: BackendContext,
    private readonly service: ImportService,
  ) {}

  /** Imports after any SFTP import already going; the signal cancels this one (between batches). */
  importFile(
    path: string,
    kind: ImportKind,
    mapping: MappingChoice,
    signal: AbortSignal,
    onProgress: (phase: string, done: number, total: number | null) => void,
  ): Promise<FileImport> {
    const work = () => this.run(path, kind, mapping, signal, onProgress)
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async run(
    path: string,
    kind: ImportKind,
    mapping: MappingChoice,
    signal: AbortSignal,
    onProgress: (phase: string, done: number, total: number | null) => void,
  ): Promise<FileImport> {
    const ctx = this.ctx
    if (signal.aborted)
      return { status: 'cancelled', importRunId: null, counts: null, rejectedRows: 0, error: 'Cancelled.' }
    let handle: { jobId: string; runId: number } | null = null
    try {
      // A wizard import may start between idle() and start(): wait again, a bounded number of times.
      for (let attempt = 0; handle === null; attempt++) {
        // Cancelling the SFTP run while it waits behind a wizard import ends the wait.
        await Promise.race([this.service.idle(), abortion(signal)])
        if (signal.aborted)
          return {
            status: 'cancelled',
            importRunId: null,
            counts: null,
            rejectedRows: 0,
            error: 'Cancelled.',
          }
        try {
          handle = await this.service.start({ path, kind, mapping, encoding: 'auto' }, 'import')
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'conflict') || attempt >= MAX_START_ATTEMPTS)
            throw error
        }
      }
    } catch (error) {
      // The file or its mapping was refused before any row was read (no identity column, no data rows…).
      const message = error instanceof AppError || error instanceof Error ? error.message : String(error)
      return { status: 'failed', importRunId: null, counts: null, rejectedRows: 0, error: message }
    }
    const offProgress = ctx.events.on('job.progress', (event) => {
      if (event.jobId === handle.jobId) onProgress(event.phase, event.done, event.total)
    })
    const onAbort = () => ctx.jobs.cancel(handle.jobId)
    signal.addEventListener('abort', onAbort)
    try {
      await ctx.jobs.wait(handle.jobId)
    } finally {
      signal.removeEventListener('abort', onAbort)
      offProgress()
    }
    const { run, summary } = getRun(ctx.db, handle.runId)
    const counts = summary?.counts ?? run.counts
    const rejectedRows = summary?.errorFile?.rows ?? 0
    if (run.status === 'succeeded') {
      return { status: 'imported', importRunId: handle.runId, counts, rejectedRows, error: null }
    }
    return {
      status: run.status === 'cancelled' ? 'cancelled' : 'failed',
      importRunId: handle.runId,
      counts,
      rejectedRows,
      error: summary?.error ?? run.error ?? `The import ended ${run.status}.`,
    }
  }
}

function abortion(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
