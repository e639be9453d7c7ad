// Opens the profile database: WAL, one writer, foreign keys, migrations in one transaction. The file and
// its -wal/-shm companions are owner-only (0600).
import { closeSync } from 'node:fs'
import Database from 'better-sqlite3'
import { AppError } from '../../../../shared/ipc/envelope'
import { openPrivateFile, tightenFile } from '../platform/private-files'
import { LATEST_VERSION, MIGRATIONS, type Migration } from '../profiles/migrations'

export type Db = Database.Database

/** SQLite's companions of a database file in WAL mode. */
const COMPANIONS = ['-wal', '-shm', '-journal']

/**
 * SQLite creates the -wal and -shm files itself, with the database file's own mode: so the database is
 * created (or tightened) 0600 before SQLite opens it, and companions an older version left wider are
 * tightened too (before and after the open, which may create them).
 */
function privateDatabaseFile(file: string): void {
  closeSync(openPrivateFile(file, 'a'))
  for (const suffix of COMPANIONS) tightenFile(`${file}${suffix}`)
}

export function openDatabase(file: string, migrations: Migration[] = MIGRATIONS): Db {
  privateDatabaseFile(file)
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // A bulk import's one transaction grows the WAL to the size of everything it wrote (gigabytes for a
    // million rows); once checkpointed, the file is cut back to this instead of staying that large.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    migrate(db, migrations)
    for (const suffix of COMPANIONS) tightenFile(`${file}${suffix}`)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

export function migrate(db: Db, migrations: Migration[] = MIGRATIONS): void {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0)
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > latest) {
    throw new AppError(
      'conflict',
      `This database was written by a newer version of Profile Desk (schema ${current}; this app knows up to ${latest}). ` +
        'Update Profile Desk, or choose another data folder with --data-dir.',
      { schema: current, supported: latest },
    )
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version)
  if (pending.length === 0) return
  db.transaction(() => {
    for (const m of pending) {
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }
  }).immediate()
}

export { LATEST_VERSION }
