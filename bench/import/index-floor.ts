// The index half of the import floor: what building this build's indexes and trigram table on the profile
// tables (profiles, identifiers, devices) costs once the rows are in. On a data folder an import filled (no
// server running): in one transaction, every index on those tables (read from sqlite_master, so an index a
// later feature adds is counted) is dropped and built again from its CREATE statement (each timed), then
// the trigram table is rebuilt from the table ('rebuild', timed); ROLLBACK leaves the folder as it was.
// The connection is set up like the import worker's (WAL, synchronous=NORMAL). Prints one JSON line.
// Run: node --import tsx bench/import/index-floor.ts --db <data dir>/profiles.db
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

/** The profile tables of the floor (issue 11). */
const TABLES = ['profiles', 'identifiers', 'devices']
const CACHE_KIB = 16 * 1024

const { values } = parseArgs({ options: { db: { type: 'string' } } })
const file = values.db
if (!file || !existsSync(file)) throw new Error(`--db must name an existing database (${file ?? 'none'})`)

const db = new Database(file)
const perIndex: Record<string, number> = {}
let ftsSeconds: number | undefined
let deviceRows: number | undefined
try {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma(`cache_size = -${CACHE_KIB}`)
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND tbl_name IN (${TABLES.map(() => '?').join(', ')}) ORDER BY tbl_name, name`,
    )
    .all(...TABLES) as { name: string; sql: string }[]
  if (indexes.length === 0) throw new Error('no index on the profile tables: is this an app database?')
  deviceRows = (db.prepare('SELECT count(*) AS n FROM devices').get() as { n: number }).n
  db.exec('BEGIN')
  try {
    for (const index of indexes) {
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
if (ftsSeconds === undefined || deviceRows === undefined) throw new Error('the trigram rebuild was not timed')
const indexSeconds = Object.values(perIndex).reduce((sum, s) => sum + s, 0)
process.stdout.write(`${JSON.stringify({ indexSeconds, ftsSeconds, perIndex, deviceRows })}\n`)
