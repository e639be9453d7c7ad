// A segment's members to CSV: pages of the profiles table by id range (members kept by a mask), the
// chosen columns read by SQL with the rows, written through the one CSV writer (BOM, formula-safe,
// owner-only file). Progress per page; a cancel stops between pages and removes the partial file.
import { rmSync, statSync } from 'node:fs'
import type { PropertyRef } from '../../../../shared/segments/definition'
import type { Db } from '../db/connection'
import { throwIfCancelled } from '../jobs/registry'
import { csvLines, CsvFileWriter, plainBlockTest } from '../platform/csv-writer'
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
  /** Members per page (PAGE unless a test wants many small pages). */
  page?: number
}

/** A page of members as CSV records joined by CRLF (no final line end), in id order, and how many. */
type PageReader = (ids: Int32Array, member: Uint8Array) => { text: string | Uint8Array; rows: number }

export async function writeMembersCsv(
  db: Db,
  target: ExportTarget,
): Promise<{ rows: number; bytes: number }> {
  const { ids } = target
  const top = ids.length > 0 ? (ids[ids.length - 1] as number) : 0
  const member = new Uint8Array(top + 1)
  for (const id of ids) member[id] = 1
  const typed = typedPages(db, target)
  const read = textPages(db, target, typed) ?? typed
  const writer = new CsvFileWriter(target.path)
  let rows = 0
  try {
    writer.writeRow(target.plan.headers)
    const size = target.page ?? PAGE
    for (let start = 0; start < ids.length; start += size) {
      throwIfCancelled(target.signal)
      const page = read(ids.subarray(start, start + size), member)
      writer.writeBlock(page.text, page.rows)
      rows += page.rows
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

function plainColumns(target: ExportTarget): boolean[] {
  return target.plan.types.map((type, i) => type === 'string' && target.columns[i]?.kind !== 'age')
}

/** Any export: the rows of the page's id range read into JS, members kept, written through csvLines. */
function typedPages(db: Db, target: ExportTarget): PageReader {
  const { plan, columns, nowMs } = target
  const statement = db
    .prepare(`SELECT id, ${plan.selects.join(', ')} FROM profiles WHERE id >= ? AND id <= ? ORDER BY id`)
    .raw()
  const plainText = plainColumns(target).every(Boolean)
  // Text columns go out as stored; the others through their typed value.
  const cells = (row: unknown[]): string[] => {
    if (plainText) return columns.map((_, i) => (row[i + 1] as string | null) ?? '')
    const typed = plan.values(row, 1, nowMs)
    return columns.map((ref, i) => cellText(typed[i] ?? null, plan.types[i]!, ref))
  }
  return (ids, member) => {
    const page: string[][] = []
    const lo = ids[0] as number
    const hi = ids[ids.length - 1] as number
    for (const row of statement.all(...plan.params, lo, hi) as unknown[][])
      if (member[row[0] as number]) page.push(cells(row))
    return { text: csvLines(page).slice(0, -2), rows: page.length }
  }
}

/** Columns of the profiles table that hold only text or NULL: TEXT columns of a STRICT table. */
function textColumns(db: Db): Set<string> {
  const strict = db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'profiles'").pluck().get()
  if (strict !== 1) return new Set()
  const columns = db.prepare("SELECT name, type FROM pragma_table_xinfo('profiles')").all() as {
    name: string
    type: string
  }[]
  return new Set(columns.filter((c) => c.type.toUpperCase() === 'TEXT').map((c) => c.name))
}

/** The members of a page as runs of consecutive ids, JSON [[from, to], …]. */
function runsOf(ids: Int32Array): string {
  const runs: string[] = []
  let from = ids[0] as number
  for (let i = 1; i <= ids.length; i++) {
    const id = ids[i - 1] as number
    if (i < ids.length && ids[i] === id + 1) continue
    runs.push(`[${from},${id}]`)
    from = ids[i] as number
  }
  return `[${runs.join(',')}]`
}

/**
 * An export of text columns only (Identity, Name, Email, Phone, text custom properties): SQLite joins a
 * whole page, the members' rows found by runs of their ids, into one block of UTF-8 bytes, so a page
 * crosses into JS as one buffer that is written as it is, instead of a JS string per cell tested and
 * encoded again (the export took 2.2x sqlite3's own CSV export). When one test finds every cell plain
 * (plainBlockTest: what csvLines would write unchanged) the bytes are written; otherwise (a cell to quote
 * or guard, a value that is not text) the page goes through csvLines row by row. Null when a column is
 * not text.
 */
function textPages(db: Db, target: ExportTarget, typed: PageReader): PageReader | null {
  if (!plainColumns(target).every(Boolean)) return null
  const { plan } = target
  const known = textColumns(db)
  // Each select's own parameters (json paths), to repeat them where the select is repeated.
  let at = 0
  const selects = plan.selects.map((sql) => {
    const count = sql.split('?').length - 1
    at += count
    return { sql, params: plan.params.slice(at - count, at) }
  })
  const checked = selects.filter((s) => !known.has(s.sql))
  const text = checked.map((s) => `typeof(${s.sql}) IN ('text', 'null')`).join(' AND ') || '1'
  // A row with a value that is not text gets a quote, which fails the plain test: the page goes by rows.
  const line = `CASE WHEN ${text} THEN concat_ws(',', ${selects.map((s) => `ifnull(${s.sql}, '')`).join(', ')}) ELSE '"' END`
  // Both aggregates take the rows in the same order: the ids say which rows the block holds, in order.
  const statement = db
    .prepare(
      `SELECT CAST(string_agg(line, char(13, 10)) AS BLOB), string_agg(id, ',') FROM (
         SELECT profiles.id AS id, ${line} AS line
         FROM json_each(?) AS run CROSS JOIN profiles
         ON profiles.id BETWEEN run.value ->> 0 AND run.value ->> 1)`,
    )
    .raw()
  const params = [...checked.flatMap((s) => s.params), ...selects.flatMap((s) => s.params)]
  const plain = plainBlockTest(selects.length)
  return (ids, member) => {
    const [block, order] = statement.get(...params, runsOf(ids)) as [Buffer | null, string | null]
    // The page as it stands: every member there, in id order, every cell plain; else row by row (a member
    // deleted since it was counted, a cell to quote or guard, a value that is not text).
    if (block !== null && sameIds(order ?? '', ids) && isPlain(plain, block.toString('latin1')))
      return { text: block, rows: ids.length }
    return typed(ids, member)
  }
}

/** Whether `text` lists exactly `ids`, in order, as decimal numbers joined by commas. */
export function sameIds(text: string, ids: Int32Array): boolean {
  let at = 0
  for (const id of ids) {
    const start = at
    let n = 0
    for (; at < text.length; at++) {
      const digit = text.charCodeAt(at) - 48
      if (digit < 0 || digit > 9) break
      n = n * 10 + digit
    }
    if (at === start || n !== id) return false
    if (at < text.length && text.charCodeAt(at++) !== 44) return false
  }
  return ids.length > 0 && at === text.length && text.charCodeAt(text.length - 1) !== 44
}

/** The plain test, where a regular expression that runs out of backtracking stack counts as "no". */
function isPlain(test: RegExp, block: string): boolean {
  try {
    return test.test(block)
  } catch {
    return false
  }
}
