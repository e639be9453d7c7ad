// The bulk tests' steps on a backend harness: load sample profiles, run a bulk action or an undo as the
// job a person starts, and hand back its summary (throwing with the job's event when it did not give one).
import type { BulkAction, BulkSelection } from '../shared/bulk/types'
import type { BackendHarness } from './backend'

export async function loadSample(h: BackendHarness, profiles: number): Promise<void> {
  const { jobId } = await h.call('sample.load', { profiles })
  const finished = await h.finished(jobId)
  if (finished.status !== 'succeeded') throw new Error(`sample.load ended ${JSON.stringify(finished)}`)
}

export async function bulkJob(h: BackendHarness, selection: BulkSelection, action: BulkAction) {
  const { jobId } = await h.call('bulk.start', { selection, action })
  const finished = await h.finished(jobId)
  if (finished.kind !== 'bulk' || !finished.summary) throw new Error(JSON.stringify(finished))
  return finished.summary
}

export async function undoJob(
  h: BackendHarness,
  changeSet: number,
  onChanged?: 'overwrite' | 'skip-changed',
) {
  const { jobId } = await h.call('undo.start', { changeSet, ...(onChanged ? { onChanged } : {}) })
  const finished = await h.finished(jobId)
  if (finished.kind !== 'undo' || !finished.summary) throw new Error(JSON.stringify(finished))
  return finished.summary
}
