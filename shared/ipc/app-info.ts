// What app.info answers: the version, which host runs the backend, its data folder and how many profiles.
export interface AppInfo {
  version: string
  host: 'electron' | 'web' | 'test'
  dataDir: string
  profileCount: number
  /** The database file and its write-ahead log. */
  databaseBytes: number
  /** Where the rotated log files are. */
  logsDir: string
  /** Versions of what runs the backend (Node; in Electron also Electron and Chromium). */
  runtime: Record<string, string>
}
