// What SQLite alone needs to store the import's profile rows while their indexes stay live and every
// transaction is short (issue 11's own conditions for an import: exact and prefix search answer during it,
// and no batch holds the write lock much past 100 ms). The floor builds the indexes once after a
// bare `.import`, by sorting; an import cannot: it inserts into B-trees that are already searchable, a
// batch at a time, and each COMMIT writes every index page the batch touched (random keys: email, name,
// phone, identity, object id, identifier values, device ids) to the WAL again. This measures that cost on
// the rows the first pass produced: an empty database with the same profile tables and indexes (no
// triggers), the rows copied from the imported database in id order by `INSERT … SELECT`, each transaction
// sized (like the import's batches) to about 100 ms of write lock, with a PASSIVE checkpoint whenever the
// WAL passes 128 MiB (the import's bound), and one at the end. No parsing, validating, audit, outbox or
// upkeep: only storing. The trigram table is not included here: the bench adds the floor's own rebuild.
// Prints one JSON line. Run: node --import tsx bench/import/live-index-floor.ts --db <data dir>/profiles.db
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

/** The profile tables of the floor (issue 11), in the order their rows are copied. */
const TABLES = ['profiles', 'identifiers', 'devices'] as const
/** The import's cache and WAL bound (import-service.ts, import-checkpoints.ts). */
const CACHE_KIB = 64 * 1024
const WAL_BOUND_BYTES = 128 * 1024 * 1024
/** The import's aim for a batch's write lock (import-service.ts IN_WORKER.batchMs). */
const AIM_MS = 100
/** A WAL frame: a page (the app's 4 KiB) and its header. */
const PAGE_BYTES = 4096 + 24

const { values } = parseArgs({ options: { db: { type: 'string' } } })
const source = values.db
if (!source || !existsSync(source))
  throw new Error(`--db must name an existing database (${source ?? 'none'})`)

const dir = mkdtempSync(join(tmpdir(), 'bench-live-floor-'))
const file = join(dir, 'live.db')
const db = new Database(file)
try {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma(`cache_size = -${CACHE_KIB}`)
  db.pragma('temp_store = MEMORY')
  db.pragma('wal_autocheckpoint = 0')
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
  db.exec(`ATTACH DATABASE '${source.replaceAll("'", "''")}' AS src`)
  const schema = db
    .prepare(
      `SELECT type, sql FROM src.sqlite_master WHERE type IN ('table', 'index') AND sql IS NOT NULL
       AND tbl_name IN (${TABLES.map(() => '?').join(', ')}) ORDER BY type = 'index', name`,
    )
    .all(...TABLES) as { type: string; sql: string }[]
  for (const { sql } of schema) db.exec(sql)
  const indexes = schema.filter((s) => s.type === 'index').length
  // Stored columns only (generated ones are computed on insert, as in the import).
  const columnsOf = (table: string) =>
    (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[])
      .map((c) => c.name)
      .join(', ')
  const copies = TABLES.map((table) => {
    const columns = columnsOf(table)
    const key = table === 'profiles' ? 'id' : 'profile_id'
    return db.prepare(
      `INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM src.${table}
       WHERE ${key} > ? AND ${key} <= ? ORDER BY ${key}`,
    )
  })
  const { last, rows } = db.prepare('SELECT max(id) AS last, count(*) AS rows FROM src.profiles').get() as {
    last: number
    rows: number
  }
  const holds: number[] = []
  let checkpoints = 0
  let checkpointMs = 0
  // The WAL's frames are known only from a checkpoint's answer, so (like the import) the next checkpoint
  // comes once the commits since the last promise the bound at the last stretch's frames per commit…
  let commitsSince = 0
  let commitsPerCheckpoint = 1
  const checkpoint = () => {
    const started = performance.now()
    const [answer] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
    checkpointMs += performance.now() - started
    checkpoints++
    const framesPerCommit = (answer?.log ?? 0) / Math.max(1, commitsSince)
    const byBound = Math.floor(WAL_BOUND_BYTES / (PAGE_BYTES * Math.max(1, framesPerCommit)))
    // …or after twice the last stretch, so the small first transactions' rate cannot put it off for long.
    commitsPerCheckpoint = Math.max(1, Math.min(byBound, 2 * commitsSince))
    commitsSince = 0
  }
  const started = performance.now()
  // Small at first, then fitted to the aim as the import fits its batches (profile-import.ts).
  let chunk = 200
  for (let from = 0; from < last;) {
    const to = from + chunk
    const locked = performance.now()
    db.exec('BEGIN IMMEDIATE')
    for (const copy of copies) copy.run(from, to)
    db.exec('COMMIT')
    from = to
    const held = performance.now() - locked
    holds.push(held)
    if (++commitsSince >= commitsPerCheckpoint) checkpoint()
    chunk = Math.max(100, Math.round((chunk + (chunk * AIM_MS) / Math.max(1, held)) / 2))
  }
  checkpoint()
  const seconds = (performance.now() - started) / 1000
  const copied = (db.prepare('SELECT count(*) AS n FROM main.profiles').get() as { n: number }).n
  if (copied !== rows) throw new Error(`copied ${copied} of ${rows} profiles`)
  holds.sort((a, b) => a - b)
  const round = (ms: number) => Math.round(ms)
  process.stdout.write(
    `${JSON.stringify({
      seconds,
      profiles: rows,
      indexes,
      transactions: holds.length,
      lockMaxMs: round(holds[holds.length - 1] ?? 0),
      lockP99Ms: round(holds[Math.floor(holds.length * 0.99)] ?? 0),
      lockMedianMs: round(holds[Math.floor(holds.length / 2)] ?? 0),
      checkpoints,
      checkpointSeconds: checkpointMs / 1000,
    })}\n`,
  )
} finally {
  db.close()
  rmSync(dir, { recursive: true, force: true })
}
