// Rows of one table that an import batch appends, written in multi-row INSERTs rather than one statement
// run per row: binding and stepping a statement cost about as much as the row itself (issue 11).
import type { Db } from '../db/connection'
import { prepared } from '../profiles/statements'

export type SqlValue = string | number | null

/** Rows per statement: the big chunk, then smaller ones for what is left at a flush. */
const CHUNKS = [64, 8, 1] as const

export class InsertBuffer {
  private readonly values: SqlValue[] = []
  private rows = 0
  private readonly sql: Map<number, string>

  constructor(
    private readonly db: Db,
    table: string,
    columns: readonly string[],
  ) {
    const row = `(${columns.map(() => '?').join(', ')})`
    this.sql = new Map(
      CHUNKS.map((n) => [
        n,
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(n).fill(row).join(', ')}`,
      ]),
    )
  }

  /** Queues one row (its values in the constructor's column order); a full chunk is written at once. */
  add(...row: SqlValue[]): void {
    for (const value of row) this.values.push(value)
    if (++this.rows < CHUNKS[0]) return
    // A full chunk binds the queue itself, which is then reused: no copy, no new array per chunk.
    prepared(this.db, this.sql.get(CHUNKS[0]) as string).run(this.values)
    this.values.length = 0
    this.rows = 0
  }

  /** Writes every queued row, in the order they were added. */
  flush(): void {
    if (this.rows === 0) return
    const width = this.values.length / this.rows
    let offset = 0
    for (const n of CHUNKS) {
      const statement = prepared(this.db, this.sql.get(n) as string)
      while (this.rows - offset / width >= n) {
        statement.run(this.values.slice(offset, offset + n * width))
        offset += n * width
      }
    }
    this.values.length = 0
    this.rows = 0
  }
}
