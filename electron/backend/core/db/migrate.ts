// The migration runner. Each feature owns its migrations (core/<feature>/migrations.ts, global version
// numbers); the composition root collects them here, where they are checked (every version once, in
// ascending order), tracked with PRAGMA user_version and run in one transaction at start-up. A database
// written by a newer version is refused.
import type Database from 'better-sqlite3'
import { AppError } from '../../../../shared/ipc/envelope'

export interface Migration {
  version: number
  description: string
  up(db: Database.Database): void
  /**
   * Added below a version databases already have (its feature's range lies under another feature's
   * later one: user_version alone would skip it). It runs on such a database too, once: the ones that
   * ran are listed in schema_late_migrations.
   */
  late?: boolean
}

const LATE_LEDGER = 'schema_late_migrations'

/** The late migrations already run on this database (none when it has no ledger yet). */
function lateDone(db: Database.Database): Set<number> {
  const exists = db
    .prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?')
    .get('table', LATE_LEDGER)
  if (!exists) return new Set()
  return new Set(db.prepare(`SELECT version FROM ${LATE_LEDGER}`).pluck().all() as number[])
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
  const done = migrations.some((m) => m.late) ? lateDone(db) : new Set<number>()
  const pending = migrations
    .filter((m) => m.version > current || (m.late === true && !done.has(m.version)))
    .sort((a, b) => a.version - b.version)
  if (pending.length === 0) return
  db.transaction(() => {
    for (const m of pending) {
      m.up(db)
      if (m.late) {
        db.exec(`CREATE TABLE IF NOT EXISTS ${LATE_LEDGER} (version INTEGER PRIMARY KEY) STRICT`)
        db.prepare(`INSERT OR IGNORE INTO ${LATE_LEDGER} (version) VALUES (?)`).run(m.version)
      }
      // A late migration below the current version leaves user_version where it is.
      if (m.version > (db.pragma('user_version', { simple: true }) as number))
        db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
