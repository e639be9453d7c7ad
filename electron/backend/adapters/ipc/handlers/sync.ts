// Handlers of the sync channels (shared/ipc/channels/sync.ts): each a call into core/sync. Push and pull
// run as jobs (core/sync/sync-actions.ts).
import type { syncChannels } from '../../../../../shared/ipc/channels/sync'
import type { Services } from '../../../core/index'
import {
  chooseConflictSide,
  discardRefused,
  listConflicts,
  listErrors,
  listPending,
  profileSyncState,
  retryRefused,
  startPullJob,
  startPushJob,
  startSyncNowJob,
} from '../../../core/sync/index'
import type { Handler } from '../dispatch'

export type SyncHandlers = { [C in keyof typeof syncChannels]: Handler<C> }

export function createSyncHandlers({ context: ctx, sync }: Services): SyncHandlers {
  return {
    'sync.settings.get': () => sync.settings.view(),
    'sync.settings.set': async (req) => {
      await sync.updateSettings(req)
      return sync.settings.view()
    },
    'sync.testConnection': (req) => sync.testConnection(req.connection),
    'sync.push': (req) => startPushJob(ctx, sync, req.connection),
    'sync.pull': (req) => startPullJob(ctx, sync, req.connection, req.query),
    'sync.now': () => startSyncNowJob(ctx, sync),
    'sync.status': () => sync.currentStatus(),
    'sync.pending.list': (req) => listPending(ctx.db, req.offset, req.limit),
    'sync.errors.list': (req) => listErrors(ctx.db, req.offset, req.limit),
    'sync.errors.retry': (req) => ({ retried: retryRefused(ctx, sync, req.ids) }),
    'sync.errors.discard': (req) => ({ discarded: discardRefused(ctx, sync, req.ids) }),
    'sync.conflicts.list': (req) => listConflicts(ctx.db, req.offset, req.limit, req.includeResolved),
    'sync.conflicts.resolve': (req) => chooseConflictSide(ctx, sync, req.id, req.choice),
    'sync.runs.list': (req) => sync.runs.list(req.offset, req.limit),
    'sync.profile': (req) => profileSyncState(ctx.db, req.id),
  }
}
