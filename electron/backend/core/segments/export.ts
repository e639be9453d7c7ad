// A segment's members to CSV: pages of the profiles table by id range (members kept by a mask), the
// chosen columns read by SQL with the rows, written through the one CSV writer (BOM, formula-safe,
// owner-only file). Progress per page; a cancel stops between pages and removes the partial file.
import { rmSync, statSync } from 'node:fs'
import type { PropertyRef } from '../../../../shared/segments/definition'
import type { Db } from '../db/connection'
import { throwIfCancelled } from '../jobs/registry'
import { CsvFileWriter } from '../platform/csv-writer'
import { cellText, type ColumnPlan } from './column-values'

/** Members per page: large enough that SQLite's range scan dominates, small enough for prompt cancels. */
const PAGE = 20_000

export interface ExportTarget {
  ids: Int32Array
  columns: readonly PropertyRef[]
  plan: ColumnPlan
  path: string
  nowMs: number
  signal: AbortSignal
  progress(done: number, total: number): void
}

export async function writeMembersCsv(
  db: Db,
  target: ExportTarget,
): Promise<{ rows: number; bytes: number }> {
  const { ids, plan, columns } = target
  const top = ids.length > 0 ? (ids[ids.length - 1] as number) : 0
  const member = new Uint8Array(top + 1)
  for (const id of ids) member[id] = 1
  const statement = db
    .prepare(`SELECT id, ${plan.selects.join(', ')} FROM profiles WHERE id >= ? AND id <= ? ORDER BY id`)
    .raw()
  const plainText = plan.types.map((type, i) => type === 'string' && columns[i]?.kind !== 'age')
  const writer = new CsvFileWriter(target.path)
  let rows = 0
  try {
    writer.writeRow(plan.headers)
    for (let start = 0; start < ids.length; start += PAGE) {
      throwIfCancelled(target.signal)
      const lo = ids[start] as number
      const hi = ids[Math.min(start + PAGE, ids.length) - 1] as number
      const page: string[][] = []
      for (const row of statement.all(...plan.params, lo, hi) as unknown[][]) {
        if (!member[row[0] as number]) continue
        // Text columns go out as stored; the others through their typed value.
        const typed = plainText.every(Boolean) ? null : plan.values(row, 1, target.nowMs)
        page.push(
          columns.map((ref, i) =>
            typed === null
              ? ((row[i + 1] as string | null) ?? '')
              : cellText(typed[i] ?? null, plan.types[i]!, ref),
          ),
        )
      }
      writer.writeRows(page)
      rows += page.length
      target.progress(rows, ids.length)
      await new Promise((resolve) => setImmediate(resolve))
    }
    writer.close()
  } catch (error) {
    writer.close()
    rmSync(target.path, { force: true })
    throw error
  }
  return { rows, bytes: statSync(target.path).size }
}
