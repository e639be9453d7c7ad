// Who holds the data folder: every backend (app, web host, CLI command) holds it shared while it runs; a
// restore needs it alone. The hold is an OS file lock taken through SQLite on a small lock database.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { AppError } from '../../../../shared/ipc/envelope'
import { tightenFile } from './private-files'

/** The lock database in the data folder (its content never matters, only the locks on it). */
export const HOLD_FILE = 'folder.lock'

/**
 * Why SQLite and not a pid file or proper-lockfile: the OS drops these locks when a process dies (even by
 * kill -9), so a crash never leaves the folder "held", and SQLite's locks have a shared and an exclusive
 * mode on every platform (POSIX advisory locks, LockFileEx on Windows) — many backends may share the
 * folder, a restore must be alone. A reader's open transaction keeps a SHARED lock; BEGIN EXCLUSIVE
 * with no busy wait fails while any other connection (in any process) keeps one.
 */
function openLockDb(dataDir: string, busyMs: number): Database.Database {
  const file = join(dataDir, HOLD_FILE)
  const db = new Database(file)
  tightenFile(file)
  // Rollback journal (not WAL): in WAL mode readers take no lock on the file that a writer waits for.
  db.pragma('journal_mode = DELETE')
  db.pragma(`busy_timeout = ${busyMs}`)
  db.exec('CREATE TABLE IF NOT EXISTS hold (x INTEGER)')
  return db
}

export class FolderHold {
  private db: Database.Database | null

  private constructor(db: Database.Database) {
    this.db = db
  }

  /**
   * Holds the folder shared. Waits `busyMs` while a restore holds it alone, then says so plainly.
   */
  static shared(dataDir: string, busyMs = 10_000): FolderHold {
    const db = openLockDb(dataDir, busyMs)
    try {
      takeShared(db)
    } catch (error) {
      db.close()
      throw restoreInProgress(error)
    }
    return new FolderHold(db)
  }

  /**
   * The folder alone, or null when another backend (this process or another) holds it. The caller's own
   * shared hold must be released first (`release`), or it would refuse itself.
   */
  static alone(dataDir: string): FolderHold | null {
    const db = openLockDb(dataDir, 0)
    try {
      db.exec('BEGIN EXCLUSIVE')
      return new FolderHold(db)
    } catch (error) {
      db.close()
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null
      throw error
    }
  }

  release(): void {
    const db = this.db
    this.db = null
    if (!db) return
    if (db.inTransaction) db.exec('ROLLBACK')
    db.close()
  }
}

function takeShared(db: Database.Database): void {
  db.exec('BEGIN')
  // The SHARED lock is taken by the first read and kept until the transaction ends (never, while held).
  db.prepare('SELECT count(*) FROM hold').get()
}

function restoreInProgress(error: unknown): Error {
  if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
    return new AppError(
      'conflict',
      'The data folder is being restored from a backup by another Profile Desk. Try again in a moment.',
    )
  }
  return error as Error
}
