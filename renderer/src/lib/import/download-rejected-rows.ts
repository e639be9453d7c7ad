// "Download rejected rows (CSV)": the run's error file comes over the API as text and is handed to the
// browser as a Blob download, which works the same in the Electron window and in a browser tab.
import { api } from '../api/client'
import { saveBlob } from '../ui/save-blob'

/** Saves the rejected rows of a run as a file; resolves with the number of rows in it. */
export async function downloadRejectedRows(runId: number, sourceName: string): Promise<number> {
  const file = await api.call('imports.errors', { runId })
  const blob = new Blob([file.content], { type: 'text/csv;charset=utf-8' })
  saveBlob(blob, rejectedRowsFileName(sourceName, runId))
  return file.rows
}

/** `customers-rejected-rows.csv` for `customers.csv` (run id when the name is unusable). */
export function rejectedRowsFileName(sourceName: string, runId: number): string {
  const stem = sourceName
    .replace(/\.[^.]*$/, '')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .trim()
  return `${stem || `import-run-${runId}`}-rejected-rows.csv`
}
