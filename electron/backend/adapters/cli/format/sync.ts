// Plain-text output of `profile-desk sync`: what a push or pull did (from its job summary) and the sync
// status.
import type { SyncStatus } from '../../../../../shared/ipc/channels/sync'

function seconds(ms: unknown): string {
  return typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '?'
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0
}

export function describePush(summary: Record<string, unknown>): string {
  const lines = [
    `Pushed ${num(summary.records)} records (${num(summary.entries)} changes) in ${seconds(summary.durationMs)}` +
      `${num(summary.deleted) > 0 ? `; deleted ${num(summary.deleted)} profiles` : ''}.`,
  ]
  if (num(summary.rejected) > 0) {
    lines.push(
      `${num(summary.rejected)} changes were refused by the server (see \`profile-desk sync status\`).`,
    )
  }
  if (num(summary.conflicts) > 0) lines.push(`${num(summary.conflicts)} new conflicts found.`)
  if (num(summary.held) > 0) lines.push(`${num(summary.held)} changes wait for a conflict to be resolved.`)
  if (num(summary.unaccounted) > 0) {
    lines.push(
      `${num(summary.unaccounted)} records were not accounted for in the server's replies; they stay queued.`,
    )
  }
  if (num(summary.remaining) > 0) lines.push(`${num(summary.remaining)} changes still waiting.`)
  return lines.join('\n')
}

export function describePull(summary: Record<string, unknown>): string {
  const lines = [
    `Downloaded ${num(summary.records)} profiles in ${seconds(summary.durationMs)}: ${num(summary.created)} new, ` +
      `${num(summary.updated)} updated, ${num(summary.unchanged)} unchanged, ${num(summary.skipped)} skipped.`,
  ]
  if (num(summary.conflicts) > 0)
    lines.push(`${num(summary.conflicts)} new conflicts found (see \`profile-desk sync status\`).`)
  if (num(summary.rejected) > 0) lines.push(`${num(summary.rejected)} profiles could not be applied here.`)
  if (typeof summary.covered === 'string') lines.push(`The pull covered: ${summary.covered}`)
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
