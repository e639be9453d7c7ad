// One dry run or import as the wizard follows it: start the job, track its progress (with rows per second
// and the time left, measured from the progress events), cancel it, and read its summary once it ends.
import type { ImportRunMode, ImportSummary } from '$shared/ipc/channels/imports'
import type { RequestOf } from '$shared/ipc/contract'
import { api, ApiError, toApiError } from '../api/client'
import { jobs, type TrackedJob } from './jobs.svelte'

/** Job kinds of imports: `import.profiles`, `import.events.dry-run`, … */
export function isImportJob(kind: string): boolean {
  return kind.startsWith('import.')
}

export function modeOfJob(kind: string): ImportRunMode {
  return kind.endsWith('.dry-run') ? 'dry-run' : 'import'
}

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

function looksLikeSummary(value: unknown): value is ImportSummary {
  return (
    typeof value === 'object' && value !== null && 'runId' in value && 'counts' in value && 'file' in value
  )
}

export class ImportRun {
  readonly mode: ImportRunMode
  jobId = $state<string | null>(null)
  runId = $state<number | null>(null)
  starting = $state(false)
  cancelling = $state(false)
  summary = $state.raw<ImportSummary | null>(null)
  error = $state<ApiError | null>(null)
  #samples = $state.raw<Sample[]>([])
  #stopListening: (() => void) | null = null

  constructor(mode: ImportRunMode) {
    this.mode = mode
  }

  job = $derived<TrackedJob | undefined>(this.jobId ? jobs.get(this.jobId) : undefined)
  running = $derived(this.starting || this.job?.status === 'running')
  finished = $derived(this.summary !== null || (this.error !== null && !this.running))

  /** Rows per second in the row-by-row phase (validating / importing); null while unknown. */
  rate = $derived.by(() => {
    const samples = this.#samples
    const last = samples.at(-1)
    if (!last || last.phase === 'reading' || last.phase === 'starting') return null
    const first = samples.find((s) => s.phase === last.phase && last.at - s.at <= RATE_WINDOW_MS)
    if (!first || last.at - first.at < MIN_RATE_SPAN_MS) return null
    return ((last.done - first.done) * 1000) / (last.at - first.at)
  })

  /** Seconds until the rows phase ends at the current rate; null while unknown. */
  secondsLeft = $derived.by(() => {
    const job = this.job
    if (!job || this.rate === null || this.rate <= 0 || job.total === null) return null
    return Math.max(0, (job.total - job.done) / this.rate)
  })

  /** Starts the job; resolves once it has ended and its summary is read (errors are kept, not thrown). */
  async start(channel: RunChannel, request: RunRequest): Promise<void> {
    if (this.running) return
    this.starting = true
    this.error = null
    this.summary = null
    this.#samples = []
    try {
      // Listen first: the first progress events may arrive before the reply with the job id. The
      // backend runs one import at a time, so an import job's progress seen meanwhile is this one's.
      let ownJob: string | null = null
      this.#listen((jobId, sample) => {
        if (ownJob === null || jobId === ownJob) this.#samples = [...this.#samples.slice(-100), sample]
      })
      const { jobId, runId } = await api.call(channel, request)
      ownJob = jobId
      jobs.track(
        jobId,
        `import.${request.kind ?? 'profiles'}${channel === 'imports.validate' ? '.dry-run' : ''}`,
      )
      this.jobId = jobId
      this.runId = runId
      this.starting = false
      await this.#settle(await jobs.whenFinished(jobId))
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.starting = false
      this.cancelling = false
      this.#unlisten()
    }
  }

  /** Follows a job that was already running (started before a reload, or elsewhere). */
  async adopt(jobId: string): Promise<void> {
    this.jobId = jobId
    this.error = null
    this.summary = null
    this.#samples = []
    this.#listen((id, sample) => {
      if (id === jobId) this.#samples = [...this.#samples.slice(-100), sample]
    })
    try {
      await this.#settle(await jobs.whenFinished(jobId))
    } finally {
      this.cancelling = false
      this.#unlisten()
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.jobId
    if (!jobId || this.cancelling || !this.running) return
    this.cancelling = true
    try {
      await jobs.cancel(jobId)
    } catch (error) {
      this.error = toApiError(error)
      this.cancelling = false
    }
  }

  async #settle(job: TrackedJob): Promise<void> {
    const fromJob = looksLikeSummary(job.summary) ? job.summary : null
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
      // The stored run is the record: it has the final counts even when the job ended badly.
      const { summary } = await api.call('imports.run', { runId: this.runId })
      this.summary = summary ?? fromJob
    } catch (error) {
      this.summary = fromJob
      if (!this.summary) this.error ??= toApiError(error)
    }
  }

  #listen(onSample: (jobId: string, sample: Sample) => void): void {
    this.#unlisten()
    this.#stopListening = api.on('job.progress', (event) => {
      if (!isImportJob(event.kind)) return
      onSample(event.jobId, { at: performance.now(), phase: event.phase, done: event.done })
    })
  }

  #unlisten(): void {
    this.#stopListening?.()
    this.#stopListening = null
  }
}
