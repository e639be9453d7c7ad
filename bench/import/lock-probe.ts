// How long a writer waits for the profile store while an import runs: every 100 ms this process (its own
// connection, as an edit from the CLI or the app's other connection would be) takes the write lock with
// BEGIN IMMEDIATE, times the wait and lets go (ROLLBACK: it writes nothing). A separate process, because
// the wait blocks its thread. The wait bounds the longest write transaction of the import from above (plus
// SQLite's busy-handler sleep, up to 100 ms a step). Stops when its stdin closes; prints one JSON line.
// Run: node --import tsx bench/import/lock-probe.ts --db <data dir>/profiles.db
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

const INTERVAL_MS = 100
const { values } = parseArgs({ options: { db: { type: 'string' } } })
if (!values.db) throw new Error('--db is required')
const db = new Database(values.db)
// The app's connections wait 5 s (core/db/connection.ts); the probe waits longer to measure the hold.
db.pragma('busy_timeout = 30000')

const waits: number[] = []
let running = true
let refused = 0
process.stdin.on('end', () => (running = false))
process.stdin.resume()

function probe(): void {
  if (!running) {
    db.close()
    const sorted = [...waits].sort((a, b) => a - b)
    const pct = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
    process.stdout.write(
      `${JSON.stringify({
        count: sorted.length,
        refused,
        p50Ms: pct(50),
        p99Ms: pct(99),
        maxMs: sorted.at(-1) ?? 0,
      })}\n`,
    )
    return
  }
  const started = performance.now()
  try {
    db.exec('BEGIN IMMEDIATE')
    db.exec('ROLLBACK')
  } catch (error) {
    // Still locked after the busy timeout: an edit would have been refused. Counted with its full wait.
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    refused++
  }
  waits.push(performance.now() - started)
  setTimeout(probe, INTERVAL_MS)
}
probe()
