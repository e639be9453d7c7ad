// One source's history page: its runs newest first with every file, a page at a time, reloaded when a
// run of it ends; and the download of a file's rejected rows (the CSV import's error file).
import type { SftpFileResult, SftpRunInfo, SftpSourceView } from '$shared/sftp/types'
import { api, toApiError, type ApiError } from '../api/client'
import { downloadRejectedRows } from '../import/download-rejected-rows'
import { SFTP_RUN_JOB } from './sftp-sources.svelte'

export const RUNS_PAGE_SIZE = 10

export class SftpHistory {
  readonly sourceId: number
  source = $state.raw<SftpSourceView | null>(null)
  runs = $state.raw<SftpRunInfo[]>([])
  total = $state(0)
  loaded = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  downloading = $state<number | null>(null)
  downloadNotice = $state<string | null>(null)
  downloadError = $state<ApiError | null>(null)
  #generation = 0

  hasMore = $derived(this.runs.length < this.total)

  constructor(sourceId: number) {
    this.sourceId = sourceId
  }

  connect(): () => void {
    const stops = [
      api.on('job.finished', (event) => {
        if (event.kind === SFTP_RUN_JOB) void this.reload()
      }),
      api.on('job.progress', (event) => {
        if (event.kind === SFTP_RUN_JOB && this.source?.running?.jobId !== event.jobId) void this.reload()
      }),
    ]
    return () => {
      for (const stop of stops) stop()
    }
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation
    try {
      const [source, page] = await Promise.all([
        api.call('sftp.sources.get', { id: this.sourceId }),
        api.call('sftp.runs.list', {
          sourceId: this.sourceId,
          limit: Math.min(200, Math.max(RUNS_PAGE_SIZE, this.runs.length)),
        }),
      ])
      if (generation !== this.#generation) return
      this.source = source
      this.runs = page.items
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
    try {
      const page = await api.call('sftp.runs.list', {
        sourceId: this.sourceId,
        offset: this.runs.length,
        limit: RUNS_PAGE_SIZE,
      })
      const seen = this.runs.map((r) => r.id)
      this.runs = [...this.runs, ...page.items.filter((r) => !seen.includes(r.id))]
      this.total = page.total
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.loading = false
    }
  }

  async download(file: SftpFileResult): Promise<void> {
    if (this.downloading !== null || file.importRunId === null) return
    this.downloading = file.id
    this.downloadNotice = null
    this.downloadError = null
    try {
      const rows = await downloadRejectedRows(file.importRunId, file.name)
      this.downloadNotice = `Downloaded ${rows} rejected ${rows === 1 ? 'row' : 'rows'} of ${file.name}.`
    } catch (error) {
      this.downloadError = toApiError(error)
    } finally {
      this.downloading = null
    }
  }
}
