// The "What a pull downloads" form: the draft made from the saved query, its checks (shown after the
// first Save), saving it (or going back to the default) and the backend's answer.
import type { PullQuery } from '$shared/sync/pull-query'
import type { SyncSettingsView } from '$shared/sync/types'
import { api, toApiError, type ApiError } from '../api/client'
import {
  draftOfQuery,
  newFieldDraft,
  queryOfDraft,
  type PullQueryDraft,
  type QueryProblems,
} from '../sync/pull-query-draft'

export class PullQueryForm {
  draft = $state<PullQueryDraft>(draftOfQuery({ eventName: null, from: null, to: null, profileFields: [] }))
  submitted = $state(false)
  saving = $state(false)
  saveError = $state<ApiError | null>(null)
  notice = $state<string | null>(null)

  #checked = $derived(queryOfDraft(this.draft))
  problems = $derived<QueryProblems>('problems' in this.#checked ? this.#checked.problems : {})

  constructor(saved: PullQuery) {
    this.draft = draftOfQuery(saved)
  }

  messageFor(key: string): string | null {
    return this.submitted ? (this.problems[key] ?? null) : null
  }

  /** The first field with a message, to move focus to after a refused Save. */
  firstInvalid(): string | null {
    return this.submitted ? (Object.keys(this.problems)[0] ?? null) : null
  }

  addField(): void {
    this.draft.fields.push(newFieldDraft())
  }

  removeField(index: number): void {
    this.draft.fields.splice(index, 1)
  }

  /** Saves the draft (or null: the default); resolves with the new settings, or null when refused. */
  async save(toDefault = false): Promise<SyncSettingsView | null> {
    this.submitted = !toDefault
    this.notice = null
    this.saveError = null
    const checked = this.#checked
    if (this.saving || (!toDefault && 'problems' in checked)) return null
    this.saving = true
    try {
      const view = await api.call('sync.settings.set', {
        pullQuery: toDefault || !('query' in checked) ? null : checked.query,
      })
      this.draft = draftOfQuery(view.pullQuery)
      this.submitted = false
      this.notice = `Saved. A pull now downloads: ${view.pullCoverage}`
      return view
    } catch (error) {
      this.saveError = toApiError(error)
      return null
    } finally {
      this.saving = false
    }
  }
}
