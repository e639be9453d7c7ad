// An import run's change set (core/changes): one per run, opened before its first batch and closed with
// the run's ending. A run that resumes an interrupted one joins that run's change set, so the whole
// import, however many times it was restarted, is one change set (and one undo).
import type { ImportRunStatus } from '../../../../shared/ipc/channels/imports'
import type { ChangeSetState } from '../../../../shared/changes/types'
import { closeChangeSet, openChangeSet, reopenChangeSet } from '../changes/change-sets'
import type { Db } from '../db/connection'
import type { PlanOutcome } from './profile-batch-writer'
import type { RunSpec } from './run-report'

/** What an import change set's detail holds. */
export interface ImportChangeSetDetail {
  /** The import runs that wrote it: the first, then each run that resumed it. */
  runs: number[]
  kind: RunSpec['kind']
  file: string
  counts?: unknown
}

/**
 * The change set the run writes into (recorded on its import_runs row): the resumed run's, reopened,
 * when `resumes` names a run that has one; else a new one.
 */
export function openRunChangeSet(db: Db, spec: RunSpec, resumes: number | null): number {
  const joined = resumes === null ? null : joinRunChangeSet(db, resumes, spec.runId)
  const id =
    joined ??
    openChangeSet(db, {
      kind: 'import',
      actor: spec.actor,
      label: `Import of ${spec.file.name}`,
      at: spec.at,
      detail: { runs: [spec.runId], kind: spec.kind, file: spec.file.name } satisfies ImportChangeSetDetail,
    })
  db.prepare('UPDATE import_runs SET change_set = ? WHERE id = ?').run(id, spec.runId)
  return id
}

function joinRunChangeSet(db: Db, resumes: number, runId: number): number | null {
  const row = db.prepare('SELECT change_set FROM import_runs WHERE id = ?').get(resumes) as
    { change_set: number | null } | undefined
  const id = row?.change_set ?? null
  if (id === null || !reopenChangeSet(db, id)) return null
  const { detail } = db.prepare('SELECT detail FROM change_sets WHERE id = ?').get(id) as { detail: string }
  const parsed = JSON.parse(detail) as ImportChangeSetDetail
  parsed.runs.push(runId)
  db.prepare('UPDATE change_sets SET detail = ? WHERE id = ?').run(JSON.stringify(parsed), id)
  return id
}

const STATE_OF: Record<ImportRunStatus, Exclude<ChangeSetState, 'open'>> = {
  succeeded: 'done',
  cancelled: 'cancelled',
  // A failed or interrupted run keeps the batches it committed: they are the change set so far.
  failed: 'interrupted',
  interrupted: 'interrupted',
  running: 'interrupted',
}

/**
 * Ends the run's change set with the run's status and counts (an empty one is deleted). `profiles`:
 * 'kept' when the run added each batch's profiles as it went (a profile import), else they are counted.
 */
export function closeRunChangeSet(
  db: Db,
  id: number,
  status: ImportRunStatus,
  counts: unknown,
  at: number,
  profiles?: 'kept',
): void {
  const row = db.prepare('SELECT detail FROM change_sets WHERE id = ?').get(id) as
    { detail: string } | undefined
  if (row === undefined) return
  const detail = { ...(JSON.parse(row.detail) as ImportChangeSetDetail), counts }
  closeChangeSet(db, id, STATE_OF[status], { ...(profiles === undefined ? {} : { profiles }), detail, at })
}

/** How many profiles a batch's outcomes created or changed (each profile once). */
export function touchedProfiles(outcomes: readonly PlanOutcome[]): number {
  const ids = new Set<string>()
  for (const o of outcomes) if (o.outcome === 'created' || o.outcome === 'updated') ids.add(o.objectId)
  return ids.size
}
