// The migration runner. Each feature owns its migrations (core/<feature>/migrations.ts, global version
// numbers); the composition root collects them here, where they are checked (every version once, in
// ascending order), recorded in the schema_migrations ledger (PRAGMA user_version keeps the highest) and
// run in one transaction at start-up. A database written by a newer version is refused.
import type Database from 'better-sqlite3'
import { AppError } from '../../../../shared/ipc/envelope'

export interface Migration {
  version: number
  description: string
  up(db: Database.Database): void
  /**
   * Added below the version of databases made before the migration ledger existed (its feature's range
   * lies under another feature's later one). Such a database's user_version says every version up to it
   * ran; this one did not. Databases with the ledger need no flag: any version missing from it runs.
   */
  late?: boolean
}

/**
 * The versions that ran on a database, one row each. Features own version ranges, so a migration can be
 * added below a version a database already has (imports' 13 after change sets' 50): user_version alone
 * would skip it; the ledger does not.
 */
const LEDGER = 'schema_migrations'
/** Where builds before the ledger listed the late migrations they ran. */
const LATE_TABLE = 'schema_late_migrations'

/**
 * The versions that ran: the ledger's, or for a database from before it, user_version's but the `late`
 * ones (`inLedger` false: the ledger is still to be written).
 */
function ranVersions(
  db: Database.Database,
  migrations: readonly Migration[],
  current: number,
): { ran: Set<number>; inLedger: boolean } {
  const inLedger = db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get('table', LEDGER)
  if (inLedger)
    return {
      ran: new Set(db.prepare(`SELECT version FROM ${LEDGER}`).pluck().all() as number[]),
      inLedger: true,
    }
  const ran = new Set(migrations.filter((m) => m.version <= current && !m.late).map((m) => m.version))
  // Builds between the late flag and this ledger recorded the late migrations they ran in a table of
  // their own; those ran too (running 34 again would fail on the tables it made).
  const lateTable = db
    .prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?')
    .get('table', LATE_TABLE)
  if (lateTable)
    for (const v of db.prepare(`SELECT version FROM ${LATE_TABLE}`).pluck().all() as number[]) ran.add(v)
  return { ran, inLedger: false }
}

/**
 * One ordered list from every feature's migrations. Each feature owns a range of version numbers (see
 * docs/ARCHITECTURE.md), so features built side by side never claim the same number; gaps between ranges
 * are allowed. Throws when a version is claimed twice or is not a positive integer, so a wrong list never
 * reaches a database.
 */
export function collectMigrations(...lists: readonly (readonly Migration[])[]): Migration[] {
  const all = lists.flat().sort((a, b) => a.version - b.version)
  all.forEach((migration, index) => {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1) {
      throw new Error(`Schema version ${migration.version} is not a positive whole number.`)
    }
    if (migration.version === all[index - 1]?.version) {
      throw new Error(`Two migrations claim schema version ${migration.version}.`)
    }
  })
  return all
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0)
}

/** Refused: the database is from a newer app (or not the schema a second connection expects). */
export function newerDatabaseError(current: number, latest: number): AppError {
  return new AppError(
    'conflict',
    `This database was written by a newer version of Profile Desk (schema ${current}; this app knows up to ${latest}). ` +
      'Update Profile Desk, or choose another data folder with --data-dir.',
    { schema: current, supported: latest },
  )
}

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const latest = latestVersion(migrations)
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latest) throw newerDatabaseError(current, latest)
  const { ran, inLedger } = ranVersions(db, migrations, current)
  const pending = migrations.filter((m) => !ran.has(m.version)).sort((a, b) => a.version - b.version)
  if (pending.length === 0 && inLedger) return
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER} (version INTEGER PRIMARY KEY) STRICT`)
    const record = db.prepare(`INSERT OR IGNORE INTO ${LEDGER} (version) VALUES (?)`)
    for (const version of ran) record.run(version)
    for (const m of pending) {
      m.up(db)
      record.run(m.version)
      // A migration below the current version (added later in a lower range) leaves user_version be.
      if (m.version > (db.pragma('user_version', { simple: true }) as number))
        db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
