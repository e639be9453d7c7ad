// Exporting a segment's members to CSV: a `segments.export` job (progress and Cancel through JobRun);
// once it has finished, its file is handed to the browser as a download and the result stays on screen.
import type { PropertyRef } from '$shared/segments/definition'
import type { SegmentExportSummary, SegmentSource } from '$shared/segments/types'
import { api, ApiError, toApiError } from '../api/client'
import { saveTextAs } from '../files/save-file'
import { JobRun } from './job-run.svelte'
import { kindIs, type TrackedJob } from './jobs.svelte'

export class SegmentExport extends JobRun<'segments.export'> {
  result = $state.raw<SegmentExportSummary | null>(null)
  cancelled = $state(false)

  constructor() {
    super(kindIs('segments.export'), false)
  }

  start(source: SegmentSource, columns: PropertyRef[]): Promise<void> {
    return this.launch('segments.export', () => api.call('segments.export', { source, columns }))
  }

  /** Downloads the finished file again. */
  async download(): Promise<void> {
    if (!this.result) return
    try {
      const file = await api.call('segments.exportFile', { fileName: this.result.fileName })
      // A byte-order mark, so a spreadsheet reads the file as UTF-8 and keeps its accents.
      const content = file.content.startsWith('\uFEFF') ? file.content : `\uFEFF${file.content}`
      saveTextAs(content, file.fileName, 'text/csv;charset=utf-8')
    } catch (error) {
      this.error = toApiError(error)
    }
  }

  protected override cleared(): void {
    this.result = null
    this.cancelled = false
  }

  protected override async ended(job: TrackedJob<'segments.export'>): Promise<void> {
    if (job.status === 'succeeded' && job.summary && !job.summary.cancelled) {
      this.result = job.summary
      await this.download()
    } else if (job.status === 'cancelled' || job.summary?.cancelled) {
      this.cancelled = true
    } else {
      this.error = new ApiError('internal', job.error?.message ?? 'The export stopped without saying why.')
    }
  }
}
