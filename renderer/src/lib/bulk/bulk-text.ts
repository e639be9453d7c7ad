// What a bulk action's preview and result say, in sentences (kept out of the components so tests read them).
import type { BulkPreview, BulkSummary } from '$shared/bulk/types'
import { countOf, formatCount } from '../format/counts'

const profiles = (n: number): string => countOf(n, 'profile', 'profiles')

/** "1,204 profiles change · 3 already so · 2 refused". */
export function previewCounts(preview: BulkPreview): string {
  const parts = [`${profiles(preview.willChange)} ${preview.willChange === 1 ? 'changes' : 'change'}`]
  parts.push(`${formatCount(preview.alreadyInState)} already in that state`)
  if (preview.refused > 0) parts.push(`${formatCount(preview.refused)} refused`)
  return parts.join(' · ')
}

/** How the job ended: what was applied, in which change set, and for a cancel how much was written. */
export function resultText(summary: BulkSummary | null, status: string | null): string {
  if (!summary) {
    return status === 'cancelled' ? 'Cancelled before anything was written.' : 'The bulk action ended.'
  }
  const what = `${summary.label}: ${profiles(summary.changed)} changed`
  const rest = [
    summary.alreadyInState > 0 ? `${formatCount(summary.alreadyInState)} already in that state` : null,
    summary.refused > 0 ? `${formatCount(summary.refused)} refused` : null,
  ].filter((part) => part !== null)
  const tail = rest.length > 0 ? ` (${rest.join(', ')})` : ''
  // a run that changed nothing wrote no change set (History lists none)
  const changeSet = summary.changeSet === null ? '' : ` Change set #${summary.changeSet}.`
  if (summary.cancelled || status === 'cancelled') {
    if (summary.changed === 0) return `Cancelled before anything was written.${changeSet}`
    return (
      `Cancelled: ${formatCount(summary.batches.done)} of ${formatCount(summary.batches.total)} batches were ` +
      `applied whole (${profiles(summary.changed)} changed), nothing of the rest.${changeSet}`
    )
  }
  const waited =
    summary.waitedSeconds >= 1 ? ` It waited ${Math.round(summary.waitedSeconds)} s for an import.` : ''
  return `${what}${tail}.${changeSet}${waited}`
}
