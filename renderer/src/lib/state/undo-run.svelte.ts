// The undo of one change set: its preview first (what it reverts, what the remote cannot take back, which
// profiles changed since), the person's choice for those (skip or overwrite), then the `undo` job with its
// progress and Cancel; the summary names the undo's own change set (which can be undone in turn).
import type { UndoChoice, UndoPreview, UndoSummary } from '$shared/bulk/types'
import { api, ApiError, toApiError } from '../api/client'
import { JobRun } from './job-run.svelte'
import { kindIs, type TrackedJob } from './jobs.svelte'

export class UndoRun extends JobRun<'undo'> {
  readonly changeSet: number
  preview = $state.raw<UndoPreview | null>(null)
  previewError = $state<ApiError | null>(null)
  loadingPreview = $state(false)
  /** What to do with profiles changed again since: asked for only when there are some. */
  onChanged = $state<UndoChoice | null>(null)
  /** Upload again profiles whose deletion was already pushed (CleverTap deletes asynchronously). */
  reuploadDeleted = $state(false)
  summary = $state.raw<UndoSummary | null>(null)
  endStatus = $state<TrackedJob['status'] | null>(null)

  /** Ready to run: the preview allows it and, when profiles changed since, a choice was made. */
  ready = $derived(
    this.preview !== null &&
      this.preview.refusal === null &&
      (this.preview.changedSince === 0 || this.onChanged !== null) &&
      !this.active,
  )
  finished = $derived(
    !this.active && (this.endStatus !== null || (this.error !== null && this.jobId !== null)),
  )

  constructor(changeSet: number) {
    super(kindIs('undo'), false)
    this.changeSet = changeSet
  }

  async loadPreview(): Promise<void> {
    this.loadingPreview = true
    this.previewError = null
    try {
      this.preview = await api.call('undo.preview', { changeSet: this.changeSet })
    } catch (error) {
      this.previewError = toApiError(error)
    } finally {
      this.loadingPreview = false
    }
  }

  start(): Promise<void> {
    const preview = this.preview
    if (!this.ready || !preview) return Promise.resolve()
    return this.launch('undo', () =>
      api.call('undo.start', {
        changeSet: this.changeSet,
        ...(preview.changedSince > 0 && this.onChanged ? { onChanged: this.onChanged } : {}),
        reuploadDeleted: this.reuploadDeleted,
      }),
    )
  }

  protected override cleared(): void {
    this.summary = null
    this.endStatus = null
  }

  protected override async ended(job: TrackedJob<'undo'>): Promise<void> {
    if (job.summary) this.summary = job.summary
    this.endStatus = job.status
    if (job.status === 'failed') {
      this.error = new ApiError(
        'internal',
        job.error?.message ?? 'The undo failed.',
        job.error ? { code: job.error.code } : undefined,
      )
    }
  }
}
