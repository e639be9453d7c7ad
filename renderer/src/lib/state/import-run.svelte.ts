// One dry run or import as the wizard follows it: a JobRun that also measures rows per second and the time
// left from the progress events, and reads the run's summary once it ends.
import type { ImportRunMode, ImportSummary } from '$shared/imports/types'
import type { RequestOf } from '$shared/ipc/contract'
import { importJobKind, isImportJob, type ImportJobKind } from '$shared/jobs/job-kinds'
import { api, ApiError, toApiError } from '../api/client'
import { JobRun } from './job-run.svelte'
import type { TrackedJob } from './jobs.svelte'

/** The rate is measured over the last few seconds, so it follows the current speed, not the average. */
const RATE_WINDOW_MS = 5000
const MIN_RATE_SPAN_MS = 700

interface Sample {
  at: number
  phase: string
  done: number
}

type RunChannel = 'imports.validate' | 'imports.start'
type RunRequest = RequestOf<'imports.start'>

export class ImportRun extends JobRun<ImportJobKind> {
  readonly mode: ImportRunMode
  runId = $state<number | null>(null)
  summary = $state.raw<ImportSummary | null>(null)
  #samples = $state.raw<Sample[]>([])
  #stopListening: (() => void) | null = null

  constructor(mode: ImportRunMode) {
    // The wizard adopts a running import itself (it also has to show the right step).
    super(isImportJob, false)
    this.mode = mode
  }

  finished = $derived(this.summary !== null || (this.error !== null && !this.active))

  /**
   * Per second in the current phase: bytes while reading the file (pass 1), rows while checking or
   * importing them, ids while indexing; null while unknown.
   */
  rate = $derived.by(() => {
    const samples = this.#samples
    const last = samples.at(-1)
    if (!last || last.phase === 'starting') return null
    const first = samples.find((s) => s.phase === last.phase && last.at - s.at <= RATE_WINDOW_MS)
    if (!first || last.at - first.at < MIN_RATE_SPAN_MS) return null
    return ((last.done - first.done) * 1000) / (last.at - first.at)
  })

  /** Seconds until the current phase ends at its current rate; null while unknown. */
  secondsLeft = $derived.by(() => {
    const job = this.job
    if (!job || this.rate === null || this.rate <= 0 || job.total === null) return null
    return Math.max(0, (job.total - job.done) / this.rate)
  })

  /** Starts the job; resolves once it has ended and its summary is read (errors are kept, not thrown). */
  async start(channel: RunChannel, request: RunRequest): Promise<void> {
    if (this.active) return
    // Listen first: the first progress events may arrive before the reply with the job id. The
    // backend runs one import at a time, so an import job's progress seen meanwhile is this one's.
    let ownJob: string | null = null
    this.#listen((jobId) => ownJob === null || jobId === ownJob)
    try {
      await this.launch(importJobKind(request.kind ?? 'profiles', this.mode), async () => {
        const handle = await api.call(channel, request)
        ownJob = handle.jobId
        this.runId = handle.runId
        return handle
      })
    } finally {
      this.#unlisten()
    }
  }

  /** Follows a job that was already running (started before a reload, or elsewhere). */
  override async adopt(jobId: string): Promise<void> {
    this.#listen((id) => id === jobId)
    try {
      await super.adopt(jobId)
    } finally {
      this.#unlisten()
    }
  }

  protected override cleared(): void {
    this.summary = null
    this.#samples = []
  }

  /** The stored run is the record: it has the final counts even when the job ended badly. */
  protected override async ended(job: TrackedJob<ImportJobKind>): Promise<void> {
    const fromJob = job.summary ?? null
    this.runId ??= fromJob?.runId ?? null
    if (job.status === 'failed') {
      this.error = new ApiError(
        job.error?.code === 'validation' ? 'validation' : 'internal',
        job.error?.message ?? 'The import stopped with an error.',
      )
    }
    if (this.runId === null) {
      this.summary = fromJob
      return
    }
    try {
      const { summary } = await api.call('imports.run', { runId: this.runId })
      this.summary = summary ?? fromJob
    } catch (error) {
      this.summary = fromJob
      if (!this.summary) this.error ??= toApiError(error)
    }
  }

  #listen(ours: (jobId: string) => boolean): void {
    this.#unlisten()
    this.#stopListening = api.on('job.progress', (event) => {
      if (!isImportJob(event.kind) || !ours(event.jobId)) return
      this.#samples = [
        ...this.#samples.slice(-100),
        { at: performance.now(), phase: event.phase, done: event.done },
      ]
    })
  }

  #unlisten(): void {
    this.#stopListening?.()
    this.#stopListening = null
  }
}
