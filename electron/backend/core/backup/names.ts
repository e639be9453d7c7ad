// Where backups go and what they are called: <data dir>/backups/, named with the date and time (UTC) they
// were made; the automatic daily ones carry "auto" so pruning never touches a backup made by hand.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../../shared/ipc/envelope'

export const BACKUP_FOLDER = 'backups'
const AUTO_PATTERN = /^profile-desk-auto-(\d{4}-\d{2}-\d{2})\.db$/
const ANY_PATTERN = /^(profile-desk-.*|before-restore-.*)\.db$/

export function backupFolder(dataDir: string): string {
  return join(dataDir, BACKUP_FOLDER)
}

/** 2026-12-05-201502: sorts by time, valid in every file system. */
export function stampOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', '-').replaceAll(':', '')
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function manualStem(ms: number): string {
  return `profile-desk-${stampOf(ms)}`
}

/** A name in `folder` no file has (two backups or restores in one second must not meet, nor meet a source). */
export function unusedName(folder: string, stem: string): string {
  for (let n = 1; n < 1000; n += 1) {
    const path = join(folder, `${stem}${n === 1 ? '' : `-${n}`}.db`)
    if (!existsSync(path)) return path
  }
  throw new AppError(
    'conflict',
    `The backups folder ${folder} has too many files named ${stem}; move some away.`,
  )
}

export function autoName(ms: number): string {
  return `profile-desk-auto-${dayOf(ms)}.db`
}

/** The day of an automatic backup's name, or null for any other file. */
export function autoDay(name: string): string | null {
  return AUTO_PATTERN.exec(name)?.[1] ?? null
}

export function isBackupName(name: string): boolean {
  return ANY_PATTERN.test(name)
}
