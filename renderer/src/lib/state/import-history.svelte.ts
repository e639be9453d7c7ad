// The import history page's list: runs newest first, a page at a time, optionally with the dry runs,
// reloaded when an import ends; and the download of a run's rejected rows.
import type { ImportRunInfo } from '$shared/imports/types'
import { api, toApiError, type ApiError } from '../api/client'
import { downloadRejectedRows } from '../import/download-rejected-rows'
import { countOf } from '../format/counts'
import { displayFileName } from '../import/import-text'
import { PagedList } from './paged-list.svelte'

export const HISTORY_PAGE_SIZE = 50
const MAX_RELOAD = 500

export class ImportHistory {
  includeDryRuns = $state(false)
  /** The runs, newest first; the question is whether dry runs are shown. */
  readonly runs = new PagedList<ImportRunInfo, boolean>({
    fetch: (includeDryRuns, offset, limit) => api.call('imports.history', { offset, limit, includeDryRuns }),
    pageSize: HISTORY_PAGE_SIZE,
    keepShownUpTo: MAX_RELOAD,
    keyOf: (run) => run.runId,
  })
  /** The run whose rejected rows are being fetched, and how the last download went. */
  downloading = $state<number | null>(null)
  downloadNotice = $state<string | null>(null)
  downloadError = $state<ApiError | null>(null)

  /** Reloads from the top, keeping as many rows as are shown now. */
  async reload(): Promise<void> {
    await this.runs.reload(this.includeDryRuns)
  }

  setIncludeDryRuns(include: boolean): void {
    this.includeDryRuns = include
    this.runs.clear()
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
