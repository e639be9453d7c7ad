// What the sync channels ask of a backend beyond reads: push, pull and "sync now" as jobs (progress,
// cancel; the job.finished summary is the run's figures, a failed run fails the job with its reason), and
// changes to the refused and conflicting entries, which refresh the status and wake the scheduler.
import type { ConnectionOverride, PullQuery, SyncConflict } from '../../../../shared/ipc/channels/sync'
import { AppError } from '../../../../shared/ipc/envelope'
import type { PullSummary, PushSummary } from '../../../../shared/sync/types'
import type { JobControl } from '../jobs/registry'
import type { BackendContext } from '../context'
import { discardErrors, resolveConflict, retryErrors } from './lists'
import type { PullResult } from './pull'
import type { PushResult } from './push-session'
import { errorCodeOf, type RunOptions, type SyncService } from './service'

type Finished<R> = R & { runId: number; durationMs: number }

/** A failed run fails the job with the run's reason (the run stays in the history). */
function unlessFailed<R extends PushResult | PullResult>(kind: 'push' | 'pull', result: Finished<R>) {
  if (result.status === 'failed') {
    throw new AppError(
      errorCodeOf(result.error?.code ?? 'internal'),
      result.error?.message ?? `The ${kind} failed.`,
      {
        runId: result.runId,
      },
    )
  }
  const { notes, error: _error, status, ...figures } = result
  return { ...figures, status, notes: notes.slice(0, 5) }
}

/** The sync.push job's summary. */
function pushSummary(result: Finished<PushResult>): PushSummary {
  return { kind: 'push', ...unlessFailed('push', result) }
}

/** The sync.pull job's summary. */
function pullSummary(result: Finished<PullResult>): PullSummary {
  return { kind: 'pull', ...unlessFailed('pull', result) }
}

function runOptions(
  control: JobControl,
  trigger: string,
  connection: RunOptions['connection'],
  query?: RunOptions['query'],
): RunOptions {
  return {
    trigger,
    signal: control.signal,
    onProgress: (phase, done, total) => control.progress(phase, done, total),
    ...(connection === undefined ? {} : { connection }),
    ...(query === undefined ? {} : { query }),
  }
}

/** A push as a job; incomplete settings are refused here, before a job exists. */
export async function startPushJob(
  ctx: BackendContext,
  service: SyncService,
  connection: ConnectionOverride | undefined,
): Promise<{ jobId: string }> {
  await service.settings.connection(connection)
  const { jobId } = ctx.jobs.start('sync.push', async (control) =>
    pushSummary(await service.push(runOptions(control, 'manual', connection))),
  )
  return { jobId }
}

/** A pull as a job, with the saved query or this one. */
export async function startPullJob(
  ctx: BackendContext,
  service: SyncService,
  connection: ConnectionOverride | undefined,
  query: PullQuery | undefined,
): Promise<{ jobId: string }> {
  await service.settings.connection(connection)
  const { jobId } = ctx.jobs.start('sync.pull', async (control) =>
    pullSummary(await service.pull(runOptions(control, 'manual', connection, query))),
  )
  return { jobId }
}

/** Sync now: a pull, then a push, as one job with the saved settings. */
export async function startSyncNowJob(ctx: BackendContext, service: SyncService): Promise<{ jobId: string }> {
  await service.settings.connection()
  const { jobId } = ctx.jobs.start('sync.now', async (control) => {
    // Pull first: a field changed on both sides is found before the push could overwrite it.
    const pulled = pullSummary(await service.pull(runOptions(control, 'sync now', undefined)))
    if (control.signal.aborted) return { pull: pulled }
    const pushed = pushSummary(await service.push(runOptions(control, 'sync now', undefined)))
    return { pull: pulled, push: pushed }
  })
  return { jobId }
}

/** The outbox changed outside a run: the status is recounted and auto-sync may push. */
function outboxChanged(service: SyncService): void {
  service.status.refresh()
  service.scheduler.changed()
}

/** Refused entries (all when `ids` is undefined) go back into the queue. */
export function retryRefused(
  ctx: BackendContext,
  service: SyncService,
  ids: readonly number[] | undefined,
): number {
  const retried = retryErrors(ctx.db, ids)
  outboxChanged(service)
  return retried
}

/** Refused entries are dropped: the change stays here, the server never gets it. */
export function discardRefused(ctx: BackendContext, service: SyncService, ids: readonly number[]): number {
  const discarded = discardErrors(ctx.db, ids)
  outboxChanged(service)
  return discarded
}

/** A person picked a side of a conflict; the profile page hears of it when the local value changed. */
export function chooseConflictSide(
  ctx: BackendContext,
  service: SyncService,
  id: number,
  choice: 'mine' | 'theirs',
): SyncConflict {
  const { conflict, profileChanged } = resolveConflict(ctx.db, id, choice, ctx.clock(), ctx.actor)
  if (profileChanged) ctx.events.emit('profiles.changed', { ids: [conflict.profileId] })
  outboxChanged(service)
  return conflict
}
