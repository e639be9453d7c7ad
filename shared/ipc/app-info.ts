// What app.info answers: the version, which host runs the backend, its data folder and how many profiles;
// and the log levels.

/** How much the log files hold, least first (each level includes the ones before it). */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface AppInfo {
  version: string
  host: 'electron' | 'web' | 'test'
  dataDir: string
  profileCount: number
  /** The database file and its write-ahead log. */
  databaseBytes: number
  /** Where the rotated log files are. */
  logsDir: string
  /** How much goes into the log files. */
  logLevel: LogLevel
  /** What the last run left unfinished (an import, a sync) and how to go on; empty when nothing. */
  interrupted: string[]
  /** Versions of what runs the backend (Node; in Electron also Electron and Chromium). */
  runtime: Record<string, string>
}
