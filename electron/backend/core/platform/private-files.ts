// The data folder holds personal data and secrets, so it is the user's alone: folders 0700, files 0600.
// Everything the backend creates there goes through these helpers; start-up tightens what is already there.
import {
  chmodSync,
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Windows has no POSIX modes (chmod only toggles read-only); the per-user profile folder's ACLs apply. */
const POSIX_MODES = process.platform !== 'win32'

/** Creates a folder (with any missing parents) readable only by the user; an existing one is tightened. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE })
  // mkdir's mode passes through the umask and leaves an existing folder as it was.
  if (POSIX_MODES) chmodSync(path, PRIVATE_DIR_MODE)
}

/**
 * Opens a file with mode 0600 from its first byte (flags as for fs.openSync: 'w', 'a', 'wx'). An existing
 * file keeps its inode but is tightened too, since open's mode only applies when the file is created.
 */
export function openPrivateFile(path: string, flags: 'w' | 'a' | 'wx' | 'ax' = 'w'): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE)
  try {
    if (POSIX_MODES) fchmodSync(fd, PRIVATE_FILE_MODE)
  } catch (error) {
    closeSync(fd)
    throw error
  }
  return fd
}

/** Writes a whole file, created (or tightened) to 0600. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const fd = openPrivateFile(path, 'w')
  try {
    if (typeof data === 'string') writeSync(fd, data)
    else writeSync(fd, data, 0, data.length)
  } finally {
    closeSync(fd)
  }
}

/** Sets 0600 on a file if it exists (SQLite's -wal and -shm, say); a missing one is no error. */
export function tightenFile(path: string): void {
  if (!POSIX_MODES) return
  try {
    if (lstatSync(path).isFile()) chmodSync(path, PRIVATE_FILE_MODE)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** How deep start-up looks: the deepest the app writes is imports/uploads/<id>/<file>. */
const TIGHTEN_DEPTH = 4

/**
 * Start-up: the data folder becomes 0700 and what the app keeps in it 0600 (folders 0700), so a folder
 * made by an older version, a copy or a restore is private again. Symbolic links are never followed.
 * `skip` names top-level entries owned by someone else (Electron's own profile keeps its own modes).
 * Returns what could not be tightened (a file owned by another user, say), for a warning: the app still starts.
 */
export function tightenDataDir(dataDir: string, skip: readonly string[] = []): string[] {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (!POSIX_MODES) return []
  const problems: string[] = []
  const chmod = (path: string, mode: number): boolean => {
    try {
      chmodSync(path, mode)
      return true
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') problems.push(`${path} (${code ?? (error as Error).message})`)
      return false
    }
  }
  const walk = (folder: string, depth: number): void => {
    let entries
    try {
      entries = readdirSync(folder, { withFileTypes: true })
    } catch (error) {
      problems.push(`${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
      return
    }
    for (const entry of entries) {
      if (depth === 0 && skip.includes(entry.name)) continue
      const path = join(folder, entry.name)
      if (entry.isDirectory()) {
        if (chmod(path, PRIVATE_DIR_MODE) && depth + 1 < TIGHTEN_DEPTH) walk(path, depth + 1)
      } else if (entry.isFile()) {
        chmod(path, PRIVATE_FILE_MODE)
      }
    }
  }
  if (chmod(dataDir, PRIVATE_DIR_MODE)) walk(dataDir, 0)
  return problems
}
