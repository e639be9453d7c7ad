// The import history page's list: runs newest first, a page at a time, optionally with the dry runs,
// reloaded when an import ends; and the download of a run's rejected rows.
import type { ImportRunInfo } from '$shared/imports/types'
import { api, toApiError, type ApiError } from '../api/client'
import { downloadRejectedRows } from '../import/download-rejected-rows'
import { countOf } from '../format/counts'
import { displayFileName } from '../import/import-text'

export const HISTORY_PAGE_SIZE = 50
const MAX_RELOAD = 500

export class ImportHistory {
  items = $state.raw<ImportRunInfo[]>([])
  total = $state(0)
  includeDryRuns = $state(false)
  loaded = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  /** The run whose rejected rows are being fetched, and how the last download went. */
  downloading = $state<number | null>(null)
  downloadNotice = $state<string | null>(null)
  downloadError = $state<ApiError | null>(null)
  #generation = 0

  hasMore = $derived(this.items.length < this.total)

  /** Reloads from the top, keeping as many rows as are shown now. */
  async reload(): Promise<void> {
    const generation = ++this.#generation
    const limit = Math.min(MAX_RELOAD, Math.max(HISTORY_PAGE_SIZE, this.items.length))
    try {
      const page = await api.call('imports.history', {
        offset: 0,
        limit,
        includeDryRuns: this.includeDryRuns,
      })
      if (generation !== this.#generation) return
      this.items = page.items
      this.total = page.total
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loaded = true
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return
    this.loading = true
    const generation = this.#generation
    try {
      const page = await api.call('imports.history', {
        offset: this.items.length,
        limit: HISTORY_PAGE_SIZE,
        includeDryRuns: this.includeDryRuns,
      })
      if (generation !== this.#generation) return
      const seen = this.items.map((run) => run.runId)
      this.items = [...this.items, ...page.items.filter((run) => !seen.includes(run.runId))]
      this.total = page.total
      this.error = null
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.loading = false
    }
  }

  setIncludeDryRuns(include: boolean): void {
    this.includeDryRuns = include
    this.items = []
    void this.reload()
  }

  async download(run: ImportRunInfo): Promise<void> {
    if (this.downloading !== null) return
    this.downloading = run.runId
    this.downloadNotice = null
    this.downloadError = null
    try {
      const name = displayFileName(run.fileName, run.filePath)
      const rows = await downloadRejectedRows(run.runId, name)
      this.downloadNotice = `Downloaded ${countOf(rows, 'rejected row', 'rejected rows')} of ${name}.`
    } catch (error) {
      this.downloadError = toApiError(error)
    } finally {
      this.downloading = null
    }
  }
}
