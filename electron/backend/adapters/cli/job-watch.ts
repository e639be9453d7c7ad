// One backend job followed from the command line (import, seed, sync push/pull, sftp run): progress on
// stderr, one line redrawn on a terminal or a throttled line per phase in a pipe, Ctrl+C cancels the job.
import type { JobFinishedEvent, JobProgressEvent } from '../../../../shared/ipc/events'
import type { JobKind } from '../../../../shared/jobs/job-kinds'
import type { Backend } from '../ipc/create-backend'
import type { CliIo } from './io'

/** One backend job of kind K followed from the command line: progress on stderr, Ctrl+C cancels it. */
export interface JobWatch<K extends JobKind = JobKind> {
  /**
   * Takes the job's id (cancelling it at once if Ctrl+C came first) and waits until it finishes; the
   * event's summary is typed by K (the kinds the caller's channel starts).
   */
  finished(jobId: string): Promise<JobFinishedEvent<K>>
  readonly interrupted: boolean
  stop(): void
}

/** Subscribes before the job starts, because its events may arrive before the job id is known. */
export function watchJob<K extends JobKind = JobKind>(
  backend: Backend,
  io: CliIo,
  progressText: (event: JobProgressEvent) => string,
  lineEveryMs: number,
): JobWatch<K> {
  const finishedById = new Map<string, JobFinishedEvent>()
  let jobId: string | null = null
  let onFinished: ((event: JobFinishedEvent) => void) | null = null
  const offFinished = backend.on('job.finished', (event) => {
    finishedById.set(event.jobId, event)
    if (event.jobId === jobId) onFinished?.(event)
  })
  let lastLine = 0
  let lastPhase = ''
  const offProgress = backend.on('job.progress', (event: JobProgressEvent) => {
    if (jobId !== null && event.jobId !== jobId) return
    const text = progressText(event)
    // A terminal gets one line redrawn in place; a pipe or log gets a line per phase, throttled.
    if (io.stderrIsTTY) io.stderr(`\r\x1b[2K${text}`)
    else if (event.phase !== lastPhase || Date.now() - lastLine >= lineEveryMs) {
      io.stderr(`${text}\n`)
      lastLine = Date.now()
    }
    lastPhase = event.phase
  })
  let interrupted = false
  const stopSignals = io.signals(() => {
    interrupted = true
    if (jobId !== null) void backend.dispatch('jobs.cancel', { jobId })
  })
  return {
    get interrupted() {
      return interrupted
    },
    async finished(id) {
      jobId = id
      if (interrupted) void backend.dispatch('jobs.cancel', { jobId: id })
      const finished =
        finishedById.get(id) ?? (await new Promise<JobFinishedEvent>((done) => (onFinished = done)))
      if (io.stderrIsTTY && lastPhase) io.stderr('\n')
      return ofKind<K>(finished)
    },
    stop() {
      stopSignals()
      offFinished()
      offProgress()
    },
  }
}

/**
 * The job's own event, of the kind its start channel runs: the watcher is handed the id that channel
 * returned, so the event with that id is of that kind (one assertion here instead of casts in callers).
 */
function ofKind<K extends JobKind>(event: JobFinishedEvent): JobFinishedEvent<K> {
  return event as JobFinishedEvent<K>
}
