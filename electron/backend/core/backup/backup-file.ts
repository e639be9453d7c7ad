// One backup file: a consistent copy of the live database made with VACUUM INTO (one read transaction,
// so writers carry on and the copy never restarts), checked with integrity_check; and the check a file
// must pass before it may replace the database.
import { renameSync, rmSync, statSync, statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { AppError } from '../../../../shared/ipc/envelope'
import { newerDatabaseError } from '../db/migrate'
import { tightenFile } from '../platform/private-files'

/** Bytes the database takes now: the file and its write-ahead log. */
export function databaseBytes(file: string): number {
  let bytes = 0
  for (const part of [file, `${file}-wal`]) {
    try {
      bytes += statSync(part).size
    } catch {
      // No WAL (or no database yet): nothing to add.
    }
  }
  return bytes
}

/** Free bytes for this user on the disk that holds `dir`. */
export function diskFreeBytes(dir: string): number {
  const stats = statfsSync(dir)
  return Number(stats.bavail) * Number(stats.bsize)
}

/** Refuses (plainly) when the destination's disk has less free space than twice the database's size. */
export function ensureRoom(databaseFile: string, destinationDir: string, freeBytes = diskFreeBytes): void {
  const needed = 2 * databaseBytes(databaseFile)
  const free = freeBytes(destinationDir)
  if (free < needed) {
    throw new AppError(
      'conflict',
      `No backup was made: the disk holding ${destinationDir} has ${formatBytes(free)} free, and a backup needs at least ${formatBytes(needed)} (twice the database's size). Free some space or choose another place.`,
      { freeBytes: free, neededBytes: needed },
    )
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/**
 * Copies the live database into `destination` (replaced only once the copy is whole and verified). Uses
 * its own read-only connection: VACUUM INTO reads one snapshot, so an import or a sync writing through
 * other connections neither waits for it nor makes it start again (the online backup API would).
 */
export function copyDatabase(
  databaseFile: string,
  destination: string,
  freeBytes = diskFreeBytes,
): { bytes: number } {
  ensureRoom(databaseFile, dirname(destination), freeBytes)
  const partial = `${destination}.partial`
  rmSync(partial, { force: true })
  const source = new Database(databaseFile, { readonly: true, fileMustExist: true })
  try {
    source.pragma('busy_timeout = 5000')
    source.prepare('VACUUM INTO ?').run(partial)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  } finally {
    source.close()
  }
  tightenFile(partial)
  try {
    verifyIntegrity(partial)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
  renameSync(partial, destination)
  return { bytes: statSync(destination).size }
}

/** integrity_check on a closed database file; throws unless SQLite answers "ok". */
export function verifyIntegrity(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[]
    if (rows.length !== 1 || rows[0]?.integrity_check !== 'ok') {
      throw new AppError(
        'validation',
        `The copy failed SQLite's integrity check (${rows
          .slice(0, 3)
          .map((r) => r.integrity_check)
          .join('; ')}).`,
      )
    }
  } finally {
    db.close()
  }
}

/**
 * What a file must be before it may replace the database: an SQLite file that passes integrity_check,
 * holds Profile Desk's tables and no newer schema than this app knows. Returns its schema version.
 */
export function checkRestorable(file: string, latest: number): number {
  let db: Database.Database
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (error) {
    throw new AppError('validation', `Cannot open ${file} as a backup: ${(error as Error).message}.`)
  }
  let version: number
  try {
    version = readBackupVersion(db, file)
  } finally {
    db.close()
  }
  if (version > latest) throw newerDatabaseError(version, latest)
  try {
    verifyIntegrity(file)
  } catch (error) {
    throw new AppError('validation', `${file} is damaged: ${(error as Error).message} Choose another backup.`)
  }
  return version
}

/** The schema version of an open file that must hold Profile Desk's tables. */
function readBackupVersion(db: Database.Database, file: string): number {
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name)
    if (!tables.includes('profiles') || !tables.includes('settings')) {
      throw new AppError('validation', `${file} is an SQLite file, but not a Profile Desk backup.`)
    }
    return db.pragma('user_version', { simple: true }) as number
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('validation', `${file} is not a Profile Desk backup (${(error as Error).message}).`)
  }
}
