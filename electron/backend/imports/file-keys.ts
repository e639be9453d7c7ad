// The first and last line of every identity (or objectId) of a file, kept in a temporary SQLite table
// rather than in memory: pass 1 records them, pass 2 asks whether a row's key repeats. A million keys
// cost a million small B-tree entries in a temp file (with a 4 MiB page cache), not tens of megabytes
// of heap, so an import's memory stays the same whatever the size of the file.
import type { Db } from '../db/connection'

export class FileKeys {
  private readonly table: string
  private readonly upsert
  private readonly select

  constructor(
    private readonly db: Db,
    runId: number,
  ) {
    this.table = `temp.import_keys_${Math.trunc(runId)}`
    db.exec(`DROP TABLE IF EXISTS ${this.table}`)
    db.exec(
      `CREATE TABLE ${this.table} (key TEXT PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL) WITHOUT ROWID`,
    )
    db.pragma('temp.cache_size = -4096')
    this.upsert = db.prepare(
      `INSERT INTO ${this.table} (key, first, last) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET last = excluded.last`,
    )
    this.select = db.prepare(`SELECT first, last FROM ${this.table} WHERE key = ?`)
  }

  /** Records the keys of a chunk of rows in one transaction (on the temp table only). */
  recordAll(keys: readonly { key: string; line: number }[]): void {
    if (keys.length === 0) return
    this.db.transaction(() => {
      for (const { key, line } of keys) this.upsert.run(key, line, line)
    })()
  }

  /** First and last line of a key, or null if the file never had it. */
  lines(key: string): { first: number; last: number } | null {
    return (this.select.get(key) as { first: number; last: number } | undefined) ?? null
  }

  close(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`)
  }
}
