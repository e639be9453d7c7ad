// Text output of `profile-desk history` and `undo --dry-run`, and the --since date: kept apart from the
// command wiring in bulk.ts.
import type { ChangeSetSummary, UndoPreview } from '../../../../../shared/bulk/types'
import { AppError } from '../../../../../shared/ipc/envelope'

/** --since: YYYY-MM-DD (start of that day, UTC) or any ISO time, as epoch seconds. */
export function parseSince(text: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text)
  if (Number.isNaN(ms)) throw new AppError('validation', `--since: "${text}" is not a date (YYYY-MM-DD)`)
  return Math.floor(ms / 1000)
}

function when(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19)
}

export function printHistory(items: ChangeSetSummary[], total: number): string {
  if (items.length === 0) return 'No change sets match.\n'
  const lines = items.map((c) => {
    const undo =
      c.undoneBy !== null ? ` (undone by #${c.undoneBy})` : c.undoes !== null ? ` (undoes #${c.undoes})` : ''
    const state = c.state === 'done' ? '' : ` [${c.state}]`
    return `#${c.id}  ${when(c.startedAt)}  ${c.kind}  ${c.actor}  ${c.profiles} profile${c.profiles === 1 ? '' : 's'}  ${c.label}${state}${undo}`
  })
  if (total > items.length)
    lines.push(`… ${total - items.length} more (use --limit, --kind, --since, --profile)`)
  return `${lines.join('\n')}\n`
}

export function printUndoPreview(p: UndoPreview): string {
  const c = p.changeSet
  const lines = [`Undo of #${c.id} (${c.kind}, ${c.label}):`]
  if (p.refusal !== null) lines.push(`Refused: ${p.refusal}`)
  else {
    lines.push(
      `  ${p.profiles} profile${p.profiles === 1 ? '' : 's'}: ${p.removes} removed, ${p.restores} restored, the rest reverted.`,
    )
    if (p.changedSince > 0) {
      lines.push(`  ${p.changedSince} changed again since (choose --overwrite or --skip-changed):`)
      for (const row of p.changedSinceSample)
        lines.push(
          `    ${row.profile.name ?? row.profile.email ?? row.profile.id} (by #${row.changeSets.join(', #')})`,
        )
    }
    for (const note of p.remote.notes) lines.push(`  Remote: ${note}`)
  }
  return `${lines.join('\n')}\n`
}
