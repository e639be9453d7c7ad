// Opens the profile database: WAL, one writer, foreign keys, migrations in one transaction (the runner:
// migrate.ts). The file and its -wal/-shm companions are owner-only (0600).
import { closeSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openPrivateFile, tightenFile } from '../platform/private-files'
import { migrate, newerDatabaseError, type Migration } from './migrate'

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

/**
 * The schema: brought up to date by the backend's own connection (every feature's migrations, from the
 * composition root), or expected current by a second connection opened after that (the import worker's).
 */
export type SchemaPlan = { migrations: readonly Migration[] } | { expectVersion: number }

/** Work every connection needs before use, e.g. registering SQL functions its triggers call. */
export type ConnectionSetup = (db: Db) => void

export function openDatabase(file: string, schema: SchemaPlan, setup: readonly ConnectionSetup[] = []): Db {
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
    for (const step of setup) step(db)
    if ('migrations' in schema) migrate(db, schema.migrations)
    else expectVersion(db, schema.expectVersion)
    for (const suffix of COMPANIONS) tightenFile(`${file}${suffix}`)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function expectVersion(db: Db, expected: number): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > expected) throw newerDatabaseError(current, expected)
  if (current < expected) {
    throw new Error(`The database is at schema ${current}, not ${expected}: it was replaced while in use.`)
  }
}
