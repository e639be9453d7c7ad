// "Download rejected rows (CSV)": the run's error file comes over the API as text and is handed to the
// browser as a download (../files/save-file.ts).
import { api } from '../api/client'
import { saveTextAs } from '../files/save-file'

/** Saves the rejected rows of a run as a file; resolves with the number of rows in it. */
export async function downloadRejectedRows(runId: number, sourceName: string): Promise<number> {
  const file = await api.call('imports.errors', { runId })
  saveTextAs(file.content, rejectedRowsFileName(sourceName, runId), 'text/csv;charset=utf-8')
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
