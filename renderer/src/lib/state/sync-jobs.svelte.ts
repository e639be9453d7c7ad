// "Sync now" (pull, then push) and "Pull from remote" as jobs: start, follow the progress, cancel, and say
// how it ended with the run's figures. Picks up a sync job that was already running before a reload.
import { api } from '../api/client'
import { describeSyncSummary } from '../sync/sync-text'
import { ReportedJob } from './job-run.svelte'
import { kindIs } from './jobs.svelte'

export type SyncJobChannel = 'sync.now' | 'sync.pull'

export class SyncJob extends ReportedJob<SyncJobChannel> {
  readonly channel: SyncJobChannel
  /** What the progress bar is labelled, e.g. "Syncing with the remote". */
  readonly label: string

  constructor(channel: SyncJobChannel, label: string, done: string) {
    super({
      kind: channel,
      of: kindIs(channel),
      launch: () => api.call(channel, {}),
      succeeded: (summary) => `${done} ${describeSyncSummary(summary)}`,
      cancelled: 'Cancelled. What was already sent or downloaded is kept; the rest waits for the next sync.',
      failed: 'The sync failed.',
    })
    this.channel = channel
    this.label = label
  }
}

export const syncNowJob = new SyncJob('sync.now', 'Syncing with the remote', 'Sync finished.')
export const pullJob = new SyncJob('sync.pull', 'Pulling profiles from the remote', 'Pull finished.')
