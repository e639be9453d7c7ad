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
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version)
  if (pending.length === 0) return
  db.transaction(() => {
    for (const m of pending) {
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}
