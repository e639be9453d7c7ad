// How History names change sets: their kinds and states in words.
import type { ChangeSetSummary, UndoSummary } from '$shared/bulk/types'
import { countOf, formatCount } from '../format/counts'

export const KIND_LABELS: Record<string, string> = {
  edit: 'Edit',
  bulk: 'Bulk action',
  import: 'Import',
  pull: 'Sync pull',
  conflict: 'Conflict resolved',
  undo: 'Undo',
  'duplicate-id': 'Duplicate Platform ID',
  token: 'Push token',
  'control-groups': 'Control groups',
  sample: 'Sample data',
  delete: 'Deletion',
  event: 'Event',
}

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind
}

/** The state of a change set as a person reads it, with its undo when it has one. */
export function stateText(changeSet: ChangeSetSummary): string {
  const state = {
    open: 'Running',
    done: 'Done',
    cancelled: 'Cancelled (whole batches kept)',
    interrupted: 'Interrupted (whole batches kept)',
  }[changeSet.state]
  return changeSet.undoneBy !== null ? `${state} · undone by #${changeSet.undoneBy}` : state
}

/** How an undo ended: what it reverted, skipped or overwrote, and its own change set. */
export function undoResultText(summary: UndoSummary | null, status: string | null): string {
  if (!summary) return status === 'cancelled' ? 'Cancelled before anything was undone.' : 'The undo ended.'
  const parts = [
    `${countOf(summary.reverted, 'profile', 'profiles')} reverted`,
    summary.removed > 0 ? `${formatCount(summary.removed)} removed` : null,
    summary.restored > 0 ? `${formatCount(summary.restored)} restored` : null,
    summary.skipped > 0 ? `${formatCount(summary.skipped)} changed since and skipped` : null,
    summary.overwritten > 0 ? `${formatCount(summary.overwritten)} changed since and overwritten` : null,
    summary.reuploaded > 0 ? `${formatCount(summary.reuploaded)} to be uploaded again` : null,
  ].filter((part) => part !== null)
  const head =
    summary.cancelled || status === 'cancelled' ? 'Cancelled part way: whole batches kept' : 'Undone'
  const own =
    summary.changeSet === null
      ? ' Nothing needed changing, so no change set was written.'
      : ` The undo is change set #${summary.changeSet}, which can itself be undone.`
  return `${head}: ${parts.join(', ')}.${own}`
}
