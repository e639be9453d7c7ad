// The backup service of one backend: backups made now or once a day (7 automatic ones kept by default),
// listed with their settings, and restore of the running backend's folder (restore-folder.ts).
import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import {
  BACKUP_SLICE_BYTES,
  DEFAULT_BACKUP_SETTINGS,
  type BackupInfo,
  type BackupSlice,
  type BackupOverview,
  type BackupSettingsView,
  type CreatedBackup,
  type RestoreResult,
} from '../../../../shared/backup/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import type { Migration } from '../db/migrate'
import { DATABASE_FILE } from '../platform/data-folder'
import { ensurePrivateDir } from '../platform/private-files'
import { copyDatabase } from './backup-file'
import { autoDay, autoName, backupFolder, dayOf, isBackupName, manualStem, unusedName } from './names'
import { readDeliveryState } from './restore'
import { restoreDataFolder } from './restore-folder'

const SETTINGS_KEY = 'backup.settings'
const HOUR_MS = 60 * 60 * 1000

export interface BackupOptions {
  /** The daily backup's timer runs (Electron and `serve`; one-shot commands turn it off). */
  scheduler?: boolean
  /** First look for a due daily backup this long after start (a minute), then every `everyMs` (an hour). */
  firstCheckMs?: number
  everyMs?: number
  /** Free bytes on the disk of a folder (the real disk's; tests pretend it is nearly full). */
  freeBytes?: (dir: string) => number
}

/** What a restore of the running backend needs from the composition root. */
export interface RestorePorts {
  migrations: readonly Migration[]
  releaseHold(): void
  retakeHold(): void
  /** Stops every service and closes the database (the backend is rebuilt after the swap). */
  stopServices(): Promise<void>
  /** Rebuilds the services on the restored database (false: this backend cannot, so it refuses restores). */
  canReopen: boolean
  reopen(): void
  /**
   * True while an import writes (issue 11): the daily backup waits for it. VACUUM INTO runs on the
   * backend's thread, so a backup during a large import would hold up every search for seconds.
   */
  importRunning?: () => boolean
}

/** How soon the daily backup looks again when an import was running. */
const BUSY_RETRY_MS = 60_000

export class BackupService {
  private lastAutoProblem: string | null = null
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly ctx: BackendContext,
    private readonly restorePorts: RestorePorts,
    private readonly options: BackupOptions = {},
  ) {}

  get folder(): string {
    return backupFolder(this.ctx.dataDir)
  }

  start(): void {
    if (this.options.scheduler === false) return
    const every = this.options.everyMs ?? HOUR_MS
    const check = () => {
      const waiting = this.restorePorts.importRunning?.() === true
      if (!waiting) this.runDaily()
      this.timer = setTimeout(check, waiting ? Math.min(every, BUSY_RETRY_MS) : every)
      this.timer.unref()
    }
    this.timer = setTimeout(check, this.options.firstCheckMs ?? 60_000)
    this.timer.unref()
    this.ctx.onClose(() => {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
    })
  }

  settings(): BackupSettingsView {
    const row = this.ctx.db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(SETTINGS_KEY)
    if (!row) return { ...DEFAULT_BACKUP_SETTINGS }
    try {
      return { ...DEFAULT_BACKUP_SETTINGS, ...(JSON.parse(row.value) as Partial<BackupSettingsView>) }
    } catch {
      return { ...DEFAULT_BACKUP_SETTINGS }
    }
  }

  updateSettings(update: Partial<BackupSettingsView>): BackupSettingsView {
    const next = { ...this.settings(), ...update }
    this.ctx.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(SETTINGS_KEY, JSON.stringify(next))
    this.prune(next.keep)
    return next
  }

  overview(): BackupOverview {
    return {
      folder: this.folder,
      backups: this.list(),
      settings: this.settings(),
      lastAutoProblem: this.lastAutoProblem,
    }
  }

  /** Backups in the folder, newest first. */
  list(): BackupInfo[] {
    if (!existsSync(this.folder)) return []
    return readdirSync(this.folder)
      .filter(isBackupName)
      .map((name) => {
        const stats = statSync(join(this.folder, name))
        const kind: BackupInfo['kind'] = name.startsWith('before-restore-')
          ? 'before-restore'
          : autoDay(name) !== null
            ? 'auto'
            : 'manual'
        return { name, bytes: stats.size, createdAt: stats.mtimeMs, kind }
      })
      .sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name))
  }

  /** The path of a backup in the folder by its name, or null (never a path outside the folder). */
  fileOf(name: string): string | null {
    if (!isBackupName(name) || basename(name) !== name) return null
    const path = join(this.folder, name)
    return existsSync(path) ? path : null
  }

  /** A slice of a backup's bytes, for a browser download. */
  readSlice(name: string, offset: number): BackupSlice {
    const path = this.fileOf(name)
    if (!path) throw new AppError('not_found', `There is no backup called ${name} in ${this.folder}.`)
    const bytes = statSync(path).size
    const length = Math.max(0, Math.min(BACKUP_SLICE_BYTES, bytes - offset))
    const buffer = Buffer.alloc(length)
    const fd = openSync(path, 'r')
    try {
      readSync(fd, buffer, 0, length, offset)
    } finally {
      closeSync(fd)
    }
    return { data: buffer.toString('base64'), offset, bytes, done: offset + length >= bytes }
  }

  /** A backup now: into the backups folder, or to `out` (a file, or a folder to put it in). */
  create(out?: string): CreatedBackup {
    const now = this.ctx.clock()
    let path: string
    if (out === undefined) {
      ensurePrivateDir(this.folder)
      path = unusedName(this.folder, manualStem(now))
    } else {
      const target = resolve(out)
      path =
        existsSync(target) && statSync(target).isDirectory() ? unusedName(target, manualStem(now)) : target
    }
    return this.copyTo(path, 'manual')
  }

  private copyTo(path: string, kind: BackupInfo['kind']): CreatedBackup {
    const { bytes } = copyDatabase(join(this.ctx.dataDir, DATABASE_FILE), path, this.options.freeBytes)
    this.ctx.logger.info(`Backup made: ${basename(path)} (${bytes} bytes).`)
    return { name: basename(path), path, bytes, createdAt: this.ctx.clock(), kind }
  }

  /** The daily backup, when due (none yet today); problems are logged and shown, never thrown. */
  runDaily(): CreatedBackup | null {
    const settings = this.settings()
    if (!settings.auto) return null
    const today = dayOf(this.ctx.clock())
    if (this.list().some((b) => autoDay(b.name) === today)) return null
    try {
      ensurePrivateDir(this.folder)
      const made = this.copyTo(join(this.folder, autoName(this.ctx.clock())), 'auto')
      this.lastAutoProblem = null
      this.prune(settings.keep)
      return made
    } catch (error) {
      this.lastAutoProblem = error instanceof Error ? error.message : String(error)
      this.ctx.logger.warn(`The daily backup was not made: ${this.lastAutoProblem}`)
      return null
    }
  }

  /** Keeps the newest `keep` automatic backups; those made by hand or kept aside by a restore stay. */
  private prune(keep: number): void {
    const autos = this.list().filter((b) => b.kind === 'auto')
    for (const old of autos.slice(keep)) rmSync(join(this.folder, old.name), { force: true })
  }

  /** Replaces this backend's database with `file` (already checked by the caller to be readable). */
  async restore(file: string): Promise<RestoreResult> {
    const ports = this.restorePorts
    if (!ports.canReopen) {
      throw new AppError(
        'conflict',
        'This backend cannot restore a backup while it runs; use `profile-desk restore`.',
      )
    }
    let stopped = false
    const outcome = await restoreDataFolder({
      dataDir: this.ctx.dataDir,
      backup: file,
      migrations: ports.migrations,
      clock: this.ctx.clock,
      releaseOwnHold: ports.releaseHold,
      retakeOwnHold: ports.retakeHold,
      stop: async () => {
        const delivery = readDeliveryState(this.ctx.db)
        await ports.stopServices()
        stopped = true
        return delivery
      },
    }).catch((error: unknown) => {
      // The swap was undone: the services come back on the database that was there.
      if (stopped) ports.reopen()
      if (error instanceof AppError) throw error
      throw new AppError(
        'internal',
        `The restore failed and the database was left as it was: ${String(error)}`,
      )
    })
    ports.reopen()
    this.ctx.logger.info(`Restored the database from ${basename(file)}.`)
    return { keptAside: outcome.keptAside, alreadySent: outcome.alreadySent }
  }
}
