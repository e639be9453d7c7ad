// What the backup channels answer (zod-free: the renderer imports these).

export interface BackupInfo {
  /** The file's name in the backups folder (what restore and the download take). */
  name: string
  bytes: number
  /** Epoch ms (the file's modification time). */
  createdAt: number
  kind: 'manual' | 'auto' | 'before-restore'
}

export interface BackupSettingsView {
  /** A backup is made once a day while the app runs. */
  auto: boolean
  /** Automatic backups kept (the oldest go first). */
  keep: number
}

export interface BackupOverview {
  folder: string
  backups: BackupInfo[]
  settings: BackupSettingsView
  /** Why the last automatic backup was not made (low disk space, say), or null. */
  lastAutoProblem: string | null
}

export interface CreatedBackup extends BackupInfo {
  /** The full path of the file (the CLI prints it; the app shows it). */
  path: string
}

export interface RestoreResult {
  /** Where the database that was replaced is kept. */
  keptAside: string
  /** Entries of the backup's outbox the remote had already accepted, so never sent again. */
  alreadySent: number
}

export interface BackupSlice {
  /** Base64 of the bytes from `offset` (at most BACKUP_SLICE_BYTES of them). */
  data: string
  offset: number
  /** The whole file's size. */
  bytes: number
  done: boolean
}

export const BACKUP_SLICE_BYTES = 2 * 1024 * 1024

export const DEFAULT_BACKUP_SETTINGS: BackupSettingsView = { auto: true, keep: 7 }
export const MAX_BACKUPS_KEPT = 365
