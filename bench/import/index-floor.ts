// The search index floor: what building the indexes the app searches with costs once the rows are in.
// On a data folder an import filled (no server running): in one transaction, every index of
// BULK_DEFERRED_INDEXES is dropped and built again from its CREATE statement (the CREATE is timed), then
// the trigram index is rebuilt from the table (`'rebuild'`, timed); ROLLBACK leaves the folder as it was.
// The connection is set up like the import worker's (WAL, synchronous=NORMAL, 32 MiB page cache), where an
// import builds them. Prints one JSON line: seconds per index, their sum and the FTS rebuild.
// Run: node --import tsx bench/import/index-floor.ts --db <data dir>/profiles.db
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { BULK_DEFERRED_INDEXES } from '../../electron/backend/core/profiles/schema'

/** The import worker's page cache (WORKER_CACHE_KIB in electron/backend/core/imports/import-service.ts). */
const CACHE_KIB = 32 * 1024

const { values } = parseArgs({ options: { db: { type: 'string' } } })
const file = values.db
if (!file || !existsSync(file)) throw new Error(`--db must name an existing database (${file ?? 'none'})`)

const db = new Database(file)
const perIndex: Record<string, number> = {}
let ftsSeconds: number | undefined
try {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma(`cache_size = -${CACHE_KIB}`)
  db.exec('BEGIN')
  try {
    for (const index of BULK_DEFERRED_INDEXES) {
      db.exec(`DROP INDEX ${index.name}`)
      const started = performance.now()
      db.exec(index.sql)
      perIndex[index.name] = (performance.now() - started) / 1000
    }
    const started = performance.now()
    db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('rebuild')")
    ftsSeconds = (performance.now() - started) / 1000
  } finally {
    db.exec('ROLLBACK')
  }
} finally {
  db.close()
}
if (ftsSeconds === undefined) throw new Error('the FTS rebuild was not timed')
const indexSeconds = Object.values(perIndex).reduce((sum, s) => sum + s, 0)
process.stdout.write(`${JSON.stringify({ indexSeconds, ftsSeconds, perIndex })}\n`)
