// One source's history page: its runs newest first with every file, a page at a time (stale replies
// dropped), reloaded when a run of it ends; and the download of a file's rejected rows (the CSV
// import's error file).
import type { SftpFileResult, SftpRunInfo, SftpSourceView } from '$shared/sftp/types'
import { api, toApiError, type ApiError } from '../api/client'
import { countOf } from '../format/counts'
import { downloadRejectedRows } from '../import/download-rejected-rows'
import { PagedList } from './paged-list.svelte'
import { SFTP_RUN_JOB } from './sftp-sources.svelte'

export const RUNS_PAGE_SIZE = 10
/** sftp.runs.list answers at most this many runs at once. */
const MAX_RUNS = 200

export class SftpHistory {
  readonly sourceId: number
  source = $state.raw<SftpSourceView | null>(null)
  #sourceError = $state<ApiError | null>(null)
  /** The source's runs, newest first, each with its files. */
  readonly runs: PagedList<SftpRunInfo>
  downloading = $state<number | null>(null)
  downloadNotice = $state<string | null>(null)
  downloadError = $state<ApiError | null>(null)
  #sourceGeneration = 0

  /** Why the source or its runs could not be read. */
  error = $derived(this.#errorOf())

  constructor(sourceId: number) {
    this.sourceId = sourceId
    this.runs = new PagedList<SftpRunInfo>({
      fetch: (_question, offset, limit) => api.call('sftp.runs.list', { sourceId, offset, limit }),
      pageSize: RUNS_PAGE_SIZE,
      keepShownUpTo: MAX_RUNS,
      keyOf: (run) => run.id,
    })
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

  /** Re-reads the source and its runs (keeping as many as are shown); a later reload supersedes this one. */
  async reload(): Promise<void> {
    await Promise.all([this.#loadSource(), this.runs.reload()])
  }

  #errorOf(): ApiError | null {
    return this.#sourceError ?? this.runs.error
  }

  async #loadSource(): Promise<void> {
    const generation = ++this.#sourceGeneration
    try {
      const source = await api.call('sftp.sources.get', { id: this.sourceId })
      if (generation !== this.#sourceGeneration) return
      this.source = source
      this.#sourceError = null
    } catch (error) {
      if (generation === this.#sourceGeneration) this.#sourceError = toApiError(error)
    }
  }

  async download(file: SftpFileResult): Promise<void> {
    if (this.downloading !== null || file.importRunId === null) return
    this.downloading = file.id
    this.downloadNotice = null
    this.downloadError = null
    try {
      const rows = await downloadRejectedRows(file.importRunId, file.name)
      this.downloadNotice = `Downloaded ${countOf(rows, 'rejected row', 'rejected rows')} of ${file.name}.`
    } catch (error) {
      this.downloadError = toApiError(error)
    } finally {
      this.downloading = null
    }
  }
}
