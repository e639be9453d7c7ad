// A saved mapping taken by header name; every column ends up placed or plainly reported. Mappings are
// checked before anything is read by the check the wizard runs too (shared/imports/mapping-check.ts:
// identity column present, no target used twice, custom types that agree with the account). Proposing a
// mapping from the headers is mapping-proposal.ts.
import type { ImportMapping } from '../../../../shared/ipc/channels/imports'
import { columnLabel } from '../../../../shared/imports/mapping-check'

/**
 * A saved mapping applied to a file's headers: each saved column is matched by header text (the first
 * unused column with that header). Columns of the file the saved mapping does not know are unplaced.
 */
export function applySavedMapping(
  saved: ImportMapping,
  headers: readonly string[],
): { mapping: ImportMapping; unplaced: string[]; missing: string[] } {
  const used = new Set<number>()
  const missing: string[] = []
  // The file's columns of each header, in order; a saved column takes the first one not taken yet.
  const columnsOf = new Map<string, { indexes: number[]; next: number }>()
  headers.forEach((h, i) => {
    const key = h.trim()
    const found = columnsOf.get(key)
    if (found) found.indexes.push(i)
    else columnsOf.set(key, { indexes: [i], next: 0 })
  })
  const place = <T extends { column: string; index: number }>(columns: T[]): T[] => {
    const placed: T[] = []
    for (const column of columns) {
      const found = columnsOf.get(column.column.trim())
      const index = found?.indexes[found.next++]
      if (index === undefined) {
        missing.push(column.column)
        continue
      }
      used.add(index)
      placed.push({ ...column, index, column: headers[index] as string })
    }
    return placed
  }
  const mapping: ImportMapping =
    saved.kind === 'profiles'
      ? { kind: 'profiles', columns: place(saved.columns) }
      : { kind: 'events', columns: place(saved.columns) }
  const unplaced = headers.flatMap((h, i) => (used.has(i) ? [] : [columnLabel(h, i)]))
  return { mapping, unplaced, missing }
}

// The check lives in shared/ (the wizard runs it too); re-exported for the backend's import set-up.
export {
  checkMapping,
  describeTarget,
  targetSlot,
  type MappingCheck,
} from '../../../../shared/imports/mapping-check'
