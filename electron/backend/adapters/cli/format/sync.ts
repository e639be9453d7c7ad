// Plain-text output of `profile-desk sync`: what a push or pull did (from its job summary) and the sync
// status.
import type { SyncStatus } from '../../../../../shared/ipc/channels/sync'
import type { PullSummary, PushSummary } from '../../../../../shared/sync/types'

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

export function describePush(summary: PushSummary): string {
  const lines = [
    `Pushed ${summary.records} records (${summary.entries} changes) in ${seconds(summary.durationMs)}` +
      `${summary.deleted > 0 ? `; deleted ${summary.deleted} profiles` : ''}.`,
  ]
  if (summary.rejected > 0) {
    lines.push(`${summary.rejected} changes were refused by the server (see \`profile-desk sync status\`).`)
  }
  if (summary.conflicts > 0) lines.push(`${summary.conflicts} new conflicts found.`)
  if (summary.held > 0) lines.push(`${summary.held} changes wait for a conflict to be resolved.`)
  if (summary.unaccounted > 0) {
    lines.push(
      `${summary.unaccounted} records were not accounted for in the server's replies; they stay queued.`,
    )
  }
  if (summary.remaining > 0) lines.push(`${summary.remaining} changes still waiting.`)
  return lines.join('\n')
}

export function describePull(summary: PullSummary): string {
  const lines = [
    `Downloaded ${summary.records} profiles in ${seconds(summary.durationMs)}: ${summary.created} new, ` +
      `${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped} skipped.`,
  ]
  if (summary.conflicts > 0)
    lines.push(`${summary.conflicts} new conflicts found (see \`profile-desk sync status\`).`)
  if (summary.rejected > 0) lines.push(`${summary.rejected} profiles could not be applied here.`)
  lines.push(`The pull covered: ${summary.covered}`)
  return lines.join('\n')
}

export function describeStatus(status: SyncStatus): string {
  const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString())
  return [
    `Sync: ${status.headline}`,
    `  connection: ${status.connection}; waiting: ${status.pending} (held by conflicts: ${status.held}); ` +
      `refused: ${status.errors}; conflicts: ${status.conflicts}`,
    `  last push: ${when(status.lastPushAt)}; last pull: ${when(status.lastPullAt)}`,
    ...(status.lastError ? [`  last error: ${status.lastError.message}`] : []),
  ].join('\n')
}
