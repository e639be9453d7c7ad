// The `bulk` job: waits while an import runs (its phase says so), opens one change set, writes the
// selection in batches (one transaction each, the change set's profile count kept with it), reports
// progress and stops between batches on cancel. A process killed half-way leaves whole batches and an
// open change set, which the next start marks interrupted with the count it applied.
import {
  WAITING_PHASE,
  type BulkAction,
  type BulkSelection,
  type BulkSummary,
} from '../../../../shared/bulk/types'
import { addChangeSetProfiles, closeChangeSet, openChangeSet } from '../changes/change-sets'
import { withCheckpointAfter } from '../db/background-checkpoint'
import type { BackendContext } from '../context'
import type { ImportService } from '../imports/import-service'
import type { JobControl } from '../jobs/registry'
import { loadCustomTypes } from '../profiles/properties'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { nowSeconds } from '../profiles/statements'
import { actionLabel } from './actions'
import { setWiseKey, writeBatch } from './apply'
import { blockedError, classify, exclusionLimit } from './preview'

/** Profiles per transaction: big enough to amortise a commit, small enough for a prompt cancel. */
export const BULK_BATCH = 5_000
/**
 * At most this many profiles per transaction of a set-wise write (a custom property set/unset, apply.ts):
 * a batch is a few statements, so a bigger one costs no more per profile and saves commits, each of which
 * writes again the index pages the batches share (audit_object takes rows all over its key range, so each
 * batch rewrites most of its leaves; profiles_updated, outbox_object). A 100k selection is one batch
 * (~4 s at 1M profiles; a cancel waits for it).
 */
export const SET_WISE_BATCH = 128_000

/** The size of `count` items' batches of at most `max`, all about equal (no small batch at the end). */
export function evenBatch(count: number, max: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, Math.ceil(count / max))))
}

/** The batch size of an action (the control-group exclusion is one transaction: all or nothing). */
function batchSize(action: BulkAction, count: number, types: Map<string, CustomPropertyType>): number {
  if (action.action === 'exclude') return Math.max(1, count)
  return setWiseKey(action, types) ? evenBatch(count, SET_WISE_BATCH) : BULK_BATCH
}

export interface BulkRun {
  selection: BulkSelection
  action: BulkAction
  ids: Int32Array
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

/** Waits while an import runs; returns the seconds waited (false when cancelled while waiting). */
export async function waitForImports(imports: ImportService, control: JobControl): Promise<number | false> {
  if (!imports.running) return 0
  const started = performance.now()
  control.progress(WAITING_PHASE, 0, null)
  while (imports.running && !control.signal.aborted)
    await Promise.race([imports.idle(), aborted(control.signal)])
  if (control.signal.aborted) return false
  return Math.round(performance.now() - started) / 1000
}

export async function runBulk(
  ctx: BackendContext,
  imports: ImportService,
  run: BulkRun,
  control: JobControl,
): Promise<BulkSummary> {
  const started = performance.now()
  const { action, ids } = run
  const label = actionLabel(action)
  const summary: BulkSummary = {
    changeSet: null,
    action: action.action,
    label,
    matched: ids.length,
    changed: 0,
    alreadyInState: 0,
    refused: 0,
    batches: {
      done: 0,
      total: Math.ceil(ids.length / batchSize(action, ids.length, loadCustomTypes(ctx.db))),
    },
    cancelled: false,
    waitedSeconds: 0,
    seconds: 0,
  }
  const waited = await waitForImports(imports, control)
  if (waited === false) return { ...summary, cancelled: true, seconds: seconds(started) }
  summary.waitedSeconds = waited
  const db = ctx.db
  const types = loadCustomTypes(db)
  // The control-group limit is all or nothing: checked again now (an import or an edit may have
  // excluded profiles meanwhile) and the (at most 20) profiles are written in one transaction.
  const single = action.action === 'exclude'
  if (single) {
    const limit = exclusionLimit(db, action, classify(db, action, ids, types).willChange)
    if (limit.blocked !== null) throw blockedError(limit.blocked, limit.view)
  }
  // The WAL is checkpointed once, after the job (in the background): the batches share index pages
  // that a checkpoint per batch would copy again, and the job is done when its last batch commits.
  const kept = await withCheckpointAfter(db, async () => {
    const changeSet = openChangeSet(db, {
      kind: 'bulk',
      actor: ctx.actor,
      label: `${label} on ${ids.length.toLocaleString('en-US')} profile${ids.length === 1 ? '' : 's'}`,
      detail: { action, selection: run.selection, matched: ids.length },
      at: nowSeconds(ctx.clock),
    })
    summary.changeSet = changeSet
    await writeBatches(ctx, { ...run, changeSet, types }, summary, control)
    return closeChangeSet(db, changeSet, summary.cancelled ? 'cancelled' : 'done', {
      profiles: 'kept',
      detail: { action, selection: run.selection, matched: ids.length, ...counts(summary) },
    })
  })
  if (!kept) summary.changeSet = null
  if (summary.changed > 0) ctx.events.emit('profiles.changed', { ids: [], all: true })
  return { ...summary, seconds: seconds(started) }
}

/** The job's batches, one transaction each, into its change set; stops between batches on cancel. */
async function writeBatches(
  ctx: BackendContext,
  run: BulkRun & { changeSet: number; types: Map<string, CustomPropertyType> },
  summary: BulkSummary,
  control: JobControl,
): Promise<void> {
  const { db } = ctx
  const { action, ids, changeSet, types } = run
  const size = batchSize(action, ids.length, types)
  summary.batches.total = Math.ceil(ids.length / size)
  control.progress('applying', 0, ids.length)
  let done = 0
  for (let start = 0; start < ids.length; start += size) {
    if (control.signal.aborted) {
      summary.cancelled = true
      break
    }
    const batch = [...ids.subarray(start, start + size)]
    const at = nowSeconds(ctx.clock)
    const result = db
      .transaction(() => {
        const written = writeBatch(ctx, action, batch, { changeSet, at, types })
        addChangeSetProfiles(db, changeSet, written.changed)
        return written
      })
      .immediate()
    summary.changed += result.changed
    summary.alreadyInState += result.same
    summary.refused += result.refused
    summary.batches.done++
    done += batch.length
    control.progress('applying', done, ids.length)
    // Lets progress events, cancels and other requests through between batches.
    await new Promise((resolve) => setImmediate(resolve))
  }
}

function counts(s: BulkSummary) {
  return { changed: s.changed, alreadyInState: s.alreadyInState, refused: s.refused, batches: s.batches }
}

function seconds(started: number): number {
  return Math.round(performance.now() - started) / 1000
}
