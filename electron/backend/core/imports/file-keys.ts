// The first and last line of every identity (or objectId) of a file, kept in a temporary SQLite table
// rather than in memory: pass 1 records them, pass 2 asks whether a row's key repeats. A million keys
// cost a million small B-tree entries in a temp file (with a 4 MiB page cache), not tens of megabytes
// of heap, so an import's memory stays the same whatever the size of the file. Pass 2 also parks here
// what it has merged for a repeated key until that key's last line (a file whose identities all repeat
// far apart would otherwise hold half of its rows in memory).
// The table is in a private temporary database of its own connection (SQLite deletes the file when it is
// closed, or at once if the process dies), not in the import connection's temp schema: that connection
// keeps its temporary storage in memory (import-connection.ts), which must stay small.
// A re-import also spools here the rows pass 1 could not settle by their row hash (row-hashes.ts), so
// pass 2 reads those rows back instead of parsing the whole file again (profile-import.ts).
import Database from 'better-sqlite3'
import type { ParsedRow } from './csv-reader'

export class FileKeys<Pending = unknown> {
  private readonly table: string
  private readonly pendingTable: string
  private readonly upsert
  private readonly select
  private readonly park
  private readonly unpark
  private readonly forget
  private readonly spoolRow
  private readonly spoolPage
  private readonly spoolTable: string
  /** Keyed rows recorded: more than the keys in the table means a key repeats. */
  private recorded = 0
  private spooledRows = 0

  /** A private temporary on-disk database (the empty file name), deleted when closed. */
  private readonly db = new Database('')

  constructor(runId: number) {
    this.table = `import_keys_${Math.trunc(runId)}`
    this.pendingTable = `import_pending_${Math.trunc(runId)}`
    this.spoolTable = `import_spool_${Math.trunc(runId)}`
    const db = this.db
    // Nothing here outlives the connection: no journal to keep, no need to sync.
    db.pragma('journal_mode = MEMORY')
    db.pragma('synchronous = OFF')
    db.exec(
      `CREATE TABLE ${this.table} (key TEXT PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL) WITHOUT ROWID`,
    )
    db.exec(`CREATE TABLE ${this.pendingTable} (key TEXT PRIMARY KEY, entry TEXT NOT NULL) WITHOUT ROWID`)
    db.exec(`CREATE TABLE ${this.spoolTable} (line INTEGER PRIMARY KEY, row TEXT NOT NULL)`)
    db.pragma('cache_size = -4096')
    // A chunk's keys in one statement (json_each keeps their order, so the last line wins): a run per
    // key made its JavaScript-to-SQLite calls most of the cost. (`WHERE true`: SQLite's grammar needs a
    // WHERE before ON CONFLICT when the rows come from a SELECT.)
    this.upsert = db.prepare(
      `INSERT INTO ${this.table} (key, first, last)
       SELECT value ->> 'key', value ->> 'line', value ->> 'line' FROM json_each(?) WHERE true
       ON CONFLICT (key) DO UPDATE SET last = excluded.last`,
    )
    this.select = db.prepare(`SELECT first, last FROM ${this.table} WHERE key = ?`)
    this.park = db.prepare(`INSERT OR REPLACE INTO ${this.pendingTable} (key, entry) VALUES (?, ?)`)
    this.unpark = db.prepare(`DELETE FROM ${this.pendingTable} WHERE key = ? RETURNING entry`)
    this.forget = db.prepare(`DELETE FROM ${this.pendingTable} RETURNING entry`)
    this.spoolRow = db.prepare(`INSERT INTO ${this.spoolTable} (line, row) VALUES (?, ?)`)
    // Paged by line rather than iterated: pass 2 parks pending entries on this connection meanwhile.
    this.spoolPage = db.prepare(
      `SELECT line, row FROM ${this.spoolTable} WHERE line > ? ORDER BY line LIMIT ?`,
    )
  }

  /** Records the keys of a chunk of rows in one statement (on the temp table only). */
  recordAll(keys: readonly { key: string; line: number }[]): void {
    if (keys.length === 0) return
    this.upsert.run(JSON.stringify(keys))
    this.recorded += keys.length
  }

  /** True when some key was recorded on more than one line. */
  get repeats(): boolean {
    return this.size !== this.recorded
  }

  /** Keeps rows (with their lines and parse problems) for pass 2, in one transaction. */
  spool(rows: readonly ParsedRow[]): void {
    if (rows.length === 0) return
    this.db.transaction(() => {
      for (const row of rows) {
        const kept = row.problem === undefined ? [row.cells] : [row.cells, row.problem]
        this.spoolRow.run(row.line, JSON.stringify(kept))
      }
    })()
    this.spooledRows += rows.length
  }

  /** How many rows are spooled. */
  get spooled(): number {
    return this.spooledRows
  }

  /** Drops the spooled rows (pass 2 reads the file instead). */
  dropSpool(): void {
    this.db.exec(`DELETE FROM ${this.spoolTable}`)
    this.spooledRows = 0
  }

  /** The spooled rows in line order, `size` at a time. */
  *spooledChunks(size: number): Generator<ParsedRow[]> {
    for (let after = 0; ;) {
      const page = this.spoolPage.all(after, size) as { line: number; row: string }[]
      if (page.length === 0) return
      yield page.map(({ line, row }) => {
        const [cells, problem] = JSON.parse(row) as [string[], string?]
        return problem === undefined ? { line, cells } : { line, cells, problem }
      })
      after = (page.at(-1) as { line: number }).line
    }
  }

  /** First and last line of a key, or null if the file never had it. */
  lines(key: string): { first: number; last: number } | null {
    return (this.select.get(key) as { first: number; last: number } | undefined) ?? null
  }

  /** Keeps what was gathered for a key until its last line (replacing what was kept before). */
  putPending(key: string, entry: Pending): void {
    this.park.run(key, JSON.stringify(entry))
  }

  /** What was kept for a key, removed from the table; null when nothing was. */
  takePending(key: string): Pending | null {
    const row = this.unpark.get(key) as { entry: string } | undefined
    return row === undefined ? null : (JSON.parse(row.entry) as Pending)
  }

  /** Everything still kept (keys whose last line never came), removed from the table. */
  takeAllPending(): Pending[] {
    return (this.forget.all() as { entry: string }[]).map((r) => JSON.parse(r.entry) as Pending)
  }

  /** How many keys are recorded. */
  get size(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${this.table}`).get() as { n: number }).n
  }

  /** Closes the connection: SQLite deletes its temporary file. Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close()
  }
}
