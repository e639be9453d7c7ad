// Handlers of the sync channels (shared/ipc/channels/sync.ts), spread into ../handlers.ts. Push and pull
// run as jobs (progress, cancel); their job.finished summary is the run's figures.
import type { syncChannels } from '../../../shared/ipc/channels/sync'
import { AppError } from '../../../shared/ipc/envelope'
import type { PullSummary, PushSummary } from '../../../shared/sync/types'
import type { BackendContext } from '../context'
import type { Handler } from '../dispatch'
import type { JobControl } from '../jobs/registry'
import {
  discardErrors,
  listConflicts,
  listErrors,
  listPending,
  profileSyncState,
  resolveConflict,
  retryErrors,
} from './lists'
import type { PullResult } from './pull'
import type { PushResult } from './push'
import { errorCodeOf, SyncService, type RunOptions } from './service'

export type SyncHandlers = { [C in keyof typeof syncChannels]: Handler<C> }

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

export function createSyncHandlers(ctx: BackendContext): SyncHandlers {
  const service = new SyncService(ctx)

  const runOptions = (
    control: JobControl,
    trigger: string,
    connection: RunOptions['connection'],
    query?: RunOptions['query'],
  ): RunOptions => ({
    trigger,
    signal: control.signal,
    onProgress: (phase, done, total) => control.progress(phase, done, total),
    ...(connection === undefined ? {} : { connection }),
    ...(query === undefined ? {} : { query }),
  })

  const changedOutbox = () => {
    service.status.refresh()
    service.scheduler.changed()
  }

  return {
    'sync.settings.get': () => service.settings.view(),
    'sync.settings.set': async (req) => {
      await service.updateSettings(req)
      return service.settings.view()
    },
    'sync.testConnection': (req) => service.testConnection(req.connection),
    'sync.push': async (req) => {
      // Incomplete settings are refused here, before a job exists.
      await service.settings.connection(req.connection)
      const { jobId } = ctx.jobs.start('sync.push', async (control) =>
        pushSummary(await service.push(runOptions(control, 'manual', req.connection))),
      )
      return { jobId }
    },
    'sync.pull': async (req) => {
      await service.settings.connection(req.connection)
      const { jobId } = ctx.jobs.start('sync.pull', async (control) =>
        pullSummary(await service.pull(runOptions(control, 'manual', req.connection, req.query))),
      )
      return { jobId }
    },
    'sync.now': async () => {
      await service.settings.connection()
      const { jobId } = ctx.jobs.start('sync.now', async (control) => {
        // Pull first: a field changed on both sides is found before the push could overwrite it.
        const pulled = pullSummary(await service.pull(runOptions(control, 'sync now', undefined)))
        if (control.signal.aborted) return { pull: pulled }
        const pushed = pushSummary(await service.push(runOptions(control, 'sync now', undefined)))
        return { pull: pulled, push: pushed }
      })
      return { jobId }
    },
    'sync.status': () => service.currentStatus(),
    'sync.pending.list': (req) => listPending(ctx.db, req.offset, req.limit),
    'sync.errors.list': (req) => listErrors(ctx.db, req.offset, req.limit),
    'sync.errors.retry': (req) => {
      const retried = retryErrors(ctx.db, req.ids)
      changedOutbox()
      return { retried }
    },
    'sync.errors.discard': (req) => {
      const discarded = discardErrors(ctx.db, req.ids)
      changedOutbox()
      return { discarded }
    },
    'sync.conflicts.list': (req) => listConflicts(ctx.db, req.offset, req.limit, req.includeResolved),
    'sync.conflicts.resolve': (req) => {
      const { conflict, profileChanged } = resolveConflict(ctx.db, req.id, req.choice, ctx.clock())
      if (profileChanged) ctx.events.emit('profiles.changed', { ids: [conflict.profileId] })
      changedOutbox()
      return conflict
    },
    'sync.runs.list': (req) => service.runs.list(req.offset, req.limit),
    'sync.profile': (req) => profileSyncState(ctx.db, req.id),
  }
}
