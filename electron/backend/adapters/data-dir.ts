// Where the profile database lives: `--data-dir`, else $PROFILE_DESK_DATA_DIR, else the OS's per-user
// app data folder. One rule for the command line, the web host and Electron, so they all find the same data.
import { resolve } from 'node:path'
import envPaths from 'env-paths'

export const DATA_DIR_ENV = 'PROFILE_DESK_DATA_DIR'
export const DATA_DIR_FLAG = '--data-dir'
export const APP_DIR_NAME = 'profile-desk'
export { ELECTRON_PROFILE_FOLDER } from '../core/platform/index'

export interface DataDirSources {
  /** The value of `--data-dir`, when given. */
  flag?: string | undefined
  env: Readonly<Record<string, string | undefined>>
}

export function resolveDataDir({ flag, env }: DataDirSources): string {
  if (flag !== undefined && flag.trim() !== '') return resolve(flag)
  const fromEnv = env[DATA_DIR_ENV]
  if (fromEnv !== undefined && fromEnv.trim() !== '') return resolve(fromEnv)
  return envPaths(APP_DIR_NAME, { suffix: '' }).data
}

/**
 * Reads `--data-dir DIR` or `--data-dir=DIR` from a raw argv (Electron passes its own switches too, so
 * a full option parser would trip over them). Returns the last one given.
 */
export function dataDirFlagFromArgv(argv: readonly string[]): string | undefined {
  let found: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === DATA_DIR_FLAG) {
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('--')) {
        found = next
        i++
      }
    } else if (arg?.startsWith(`${DATA_DIR_FLAG}=`)) {
      found = arg.slice(DATA_DIR_FLAG.length + 1)
    }
  }
  return found
}
