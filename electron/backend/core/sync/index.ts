// The sync feature's public surface: push, pull and sync now as jobs, the lists of waiting, refused and
// conflicting changes and what can be done with them, the service (settings, status, history).
export { listConflicts, listErrors, listPending, profileSyncState } from './lists'
export type { SyncOptions } from './options'
export type { SyncService } from './service'
export {
  chooseConflictSide,
  discardRefused,
  retryRefused,
  startPullJob,
  startPushJob,
  startSyncNowJob,
} from './sync-actions'
