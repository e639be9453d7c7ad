// One bulk action from choice to result: the action's draft (checked like a single edit), the preview
// (nothing written), then the `bulk` job with its progress, its wait behind an import, Cancel, and the
// summary that says what was applied and in which change set.
import {
  WAITING_PHASE,
  type BulkAction,
  type BulkPreview,
  type BulkSelection,
  type BulkSummary,
} from '$shared/bulk/types'
import type { CustomPropertyType } from '$shared/profile/types'
import { checkDraft, emptyDraft, type ActionDraft, type ActionKind } from '../bulk/action-draft'
import { api, ApiError, toApiError } from '../api/client'
import { JobRun } from './job-run.svelte'
import { kindIs, type TrackedJob } from './jobs.svelte'

export type BulkStep = 'choose' | 'preview' | 'run'

export class BulkEdit extends JobRun<'bulk'> {
  readonly selection: BulkSelection
  step = $state<BulkStep>('choose')
  draft = $state<ActionDraft>(emptyDraft())
  /** The account's custom properties and their one type each (a set keeps an existing key's type). */
  // Replaced whole when the vocabulary arrives, never changed in place: a plain Map in $state.raw.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  customTypes = $state.raw<ReadonlyMap<string, CustomPropertyType>>(new Map())
  check = $derived(checkDraft(this.draft, this.customTypes))
  preview = $state.raw<BulkPreview | null>(null)
  previewing = $state(false)
  previewError = $state<ApiError | null>(null)
  summary = $state.raw<BulkSummary | null>(null)
  /** How the job ended (null while none has). */
  endStatus = $state<TrackedJob['status'] | null>(null)
  /** The job waits in the queue (an import runs): the person sees that it has not begun. */
  waiting = $derived(this.job?.status === 'running' && this.job.phase === WAITING_PHASE)
  /** The job ran and ended (its summary or its error is shown). */
  finished = $derived(this.step === 'run' && !this.active && (this.endStatus !== null || this.error !== null))
  #previewed: BulkAction | null = null

  constructor(selection: BulkSelection, kind: ActionKind = 'set') {
    super(kindIs('bulk'), false)
    this.selection = selection
    this.draft = emptyDraft(kind)
  }

  /** The custom keys offered (and their types); without them any key may still be typed. */
  async loadVocabulary(): Promise<void> {
    try {
      const vocabulary = await api.call('segments.vocabulary', {})
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole (see the field)
      this.customTypes = new Map(vocabulary.custom.map((c) => [c.key, c.type]))
    } catch {
      // the form still works: a custom key's type is then asked for
    }
  }

  /** Asks what the action would do; moves to the preview step when it answers. */
  async makePreview(): Promise<void> {
    const check = this.check
    if (!check.ok || this.previewing) return
    this.previewing = true
    this.previewError = null
    try {
      this.preview = await api.call('bulk.preview', { selection: this.selection, action: check.action })
      this.#previewed = check.action
      this.step = 'preview'
    } catch (error) {
      this.previewError = toApiError(error)
    } finally {
      this.previewing = false
    }
  }

  /** Back to the action, keeping what was typed. */
  back(): void {
    if (this.active) return
    this.step = 'choose'
    this.preview = null
  }

  /** Applies the previewed action as a job; resolves once it has ended. */
  apply(): Promise<void> {
    const action = this.#previewed
    if (!action || !this.preview || this.preview.blocked) return Promise.resolve()
    this.step = 'run'
    return this.launch('bulk', () => api.call('bulk.start', { selection: this.selection, action }))
  }

  protected override cleared(): void {
    this.summary = null
    this.endStatus = null
  }

  protected override async ended(job: TrackedJob<'bulk'>): Promise<void> {
    if (job.summary) this.summary = job.summary
    this.endStatus = job.status
    if (job.status === 'failed') {
      this.error = new ApiError(
        'internal',
        job.error?.message ?? 'The bulk action failed.',
        job.error ? { code: job.error.code } : undefined,
      )
    }
  }
}
