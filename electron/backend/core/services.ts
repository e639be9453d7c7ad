// THE composition root: builds every service of one backend from its ports, registers every feature's
// migrations and runs the start-up work. The only file that knows all features; hosts reach it through
// adapters/ipc/create-backend.ts.
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { BackupService, type BackupOptions } from './backup/backup-service'
import { readDeliveryFromFile, restoreDataFolder } from './backup/restore-folder'
import { BulkService } from './bulk/service'
import { markInterruptedChangeSets } from './changes/change-sets'
import { CHANGE_SET_MIGRATIONS } from './changes/migrations'
import { finishInterruptedBulkLoad } from './db/bulk-load'
import { openDatabase } from './db/connection'
import { collectMigrations, type Migration } from './db/migrate'
import {
  createChosenFiles,
  startUploadSweep,
  type ChosenFiles,
  type UploadOptions,
} from './imports/file-grants'
import { markInterruptedRuns } from './imports/import-runs'
import { resumeTextIndexing } from './imports/index-upkeep'
import { ImportService } from './imports/import-service'
import { IMPORT_MIGRATIONS } from './imports/migrations'
import { JobRegistry } from './jobs/registry'
import type { BackendContext } from './context'
import { DATABASE_FILE, ELECTRON_PROFILE_FOLDER } from './platform/data-folder'
import { EventBus } from './platform/event-bus'
import { openFileLog, type FileLog, type LogLevel } from './platform/file-log'
import { readLogLevel, redactingSecrets, writeLogLevel } from './logs/log-settings'
import { FolderHold } from './platform/folder-hold'
import { consoleLogger, type Logger } from './platform/logger'
import { tightenDataDir } from './platform/private-files'
import { FileSecretStore, type SecretStore } from './platform/secret-store'
import { APP_VERSION } from './platform/version'
import { PROFILE_MIGRATIONS } from './profiles/migrations'
import { AUDIENCE_BULK_STRUCTURES, registerDeviceFunctions } from './devices/schema'
import { DEVICE_MIGRATIONS } from './devices/migrations'
import { SEGMENT_MIGRATIONS } from './segments/migrations'
import { SegmentService, type SegmentServiceOptions } from './segments/service'
import { SFTP_MIGRATIONS } from './sftp/migrations'
import type { SftpOptions } from './sftp/options'
import { SftpService } from './sftp/service'
import { SYNC_MIGRATIONS } from './sync/migrations'
import type { SyncOptions } from './sync/options'
import { SyncService } from './sync/service'

/** Every feature's migrations in one checked list (versions 1 to N, each once). */
export const MIGRATIONS = collectMigrations(
  PROFILE_MIGRATIONS,
  IMPORT_MIGRATIONS,
  SYNC_MIGRATIONS,
  SFTP_MIGRATIONS,
  DEVICE_MIGRATIONS,
  SEGMENT_MIGRATIONS,
  CHANGE_SET_MIGRATIONS,
)

/** What a host gives the backend: where its data lives, and the parts tests or Electron replace. */
export interface ServicePorts {
  dataDir: string
  host: BackendContext['host']
  clock?: () => number
  logger?: Logger
  actor?: string
  /** Default: a user-only file in the data dir (Electron passes one backed by safeStorage). */
  secrets?: SecretStore
  /** Sync tuning; by default background sync runs once a remote is configured. */
  sync?: SyncOptions
  /** SFTP sources: by default the scheduler starts due sources in Electron (`serve` turns it on too). */
  sftp?: SftpOptions
  /** How long an upload never imported is kept, and how often that is checked (tests shorten them). */
  uploads?: UploadOptions
  /** Where segment counts run (the command line counts in its own thread). */
  segments?: SegmentServiceOptions
  /** The daily backup's timer (on unless a one-shot command turns it off). */
  backup?: BackupOptions
  /** The bus events go out on; a backend that is rebuilt after a restore keeps its listeners on it. */
  events?: EventBus
  /** The schema's migrations (MIGRATIONS; a test adds a slow one to kill a process half-way). */
  migrations?: readonly Migration[]
  /**
   * Rebuilds the services after a restore put another database in place (createBackend does); without
   * it a restore is refused before anything is touched.
   */
  reopen?: () => void
}

/** The services of one backend, built and started. */
export interface Services {
  readonly context: BackendContext
  /** The chosen files and uploads the import channels take by handle. */
  readonly files: ChosenFiles
  /** The one ImportService: wizard, CLI and SFTP imports share its one-run-at-a-time rule. */
  readonly imports: ImportService
  readonly sync: SyncService
  readonly sftp: SftpService
  readonly segments: SegmentService
  readonly backup: BackupService
  /** Bulk edit, History and undo (change sets). */
  readonly bulk: BulkService
  /** What the last run of the app left unfinished, in words saying how to go on (shown once at start). */
  readonly interrupted: readonly string[]
  /** The log files' level (Settings and `profile-desk log-level`). */
  readonly logs: { level(): LogLevel; setLevel(level: string): LogLevel }
  /** Stops timers and runs, cancels jobs, closes the database. Idempotent. */
  close(): Promise<void>
}

export function createServices(ports: ServicePorts): Services {
  const hostLogger = ports.logger ?? consoleLogger
  privateDataDir(ports.dataDir, hostLogger)
  const migrations = ports.migrations ?? MIGRATIONS
  // Held shared for the backend's life: a restore elsewhere waits for it (and this waits for a restore).
  let hold: FolderHold | null = FolderHold.shared(ports.dataDir)
  const releaseHold = () => {
    hold?.release()
    hold = null
  }
  let db: ReturnType<typeof openDatabase>
  try {
    db = openDatabase(join(ports.dataDir, DATABASE_FILE), { migrations }, [registerDeviceFunctions])
  } catch (error) {
    releaseHold()
    throw error
  }
  // From here on every line also goes to the rotated files in logs/, at the level chosen in Settings.
  const logger: FileLog = openFileLog(ports.dataDir, readLogLevel(db), hostLogger)
  const events = ports.events ?? new EventBus()
  const clock = ports.clock ?? Date.now
  const jobs = new JobRegistry(events, clock)
  const closeHooks: (() => void | Promise<void>)[] = []
  const context: BackendContext = {
    db,
    dataDir: ports.dataDir,
    host: ports.host,
    version: APP_VERSION,
    clock,
    actor: ports.actor ?? safeUserName(),
    events,
    jobs,
    logger,
    secrets: redactingSecrets(ports.secrets ?? new FileSecretStore(ports.dataDir)),
    onClose: (hook) => {
      closeHooks.push(hook)
    },
  }
  const files = createChosenFiles(context)
  const imports = new ImportService(context)
  const sync = new SyncService(context, ports.sync)
  const sftp = new SftpService(context, imports, ports.sftp)
  const segments = new SegmentService(context, ports.segments)
  const bulk = new BulkService(context, { imports, segments })
  const reopen = ports.reopen
  const backup = new BackupService(
    context,
    {
      migrations,
      releaseHold,
      retakeHold: () => {
        hold ??= FolderHold.shared(ports.dataDir)
      },
      stopServices: () => services.close(),
      canReopen: reopen !== undefined,
      reopen: () => reopen?.(),
    },
    ports.backup,
  )
  const interrupted = startUp(context, { files, sync, sftp }, ports.uploads)
  backup.start()
  logJobs(context, logger)

  let closed = false
  const services: Services = {
    context,
    files,
    imports,
    sync,
    sftp,
    segments,
    backup,
    bulk,
    interrupted,
    logs: {
      level: () => readLogLevel(db),
      setLevel: (level) => {
        const saved = writeLogLevel(db, level)
        logger.setLevel(saved)
        return saved
      },
    },
    async close() {
      if (closed) return
      closed = true
      for (const hook of closeHooks.splice(0)) {
        try {
          await hook()
        } catch (error) {
          logger.error('a close hook failed', error)
        }
      }
      await jobs.cancelAll()
      db.close()
      releaseHold()
      await logger.close()
    },
  }
  return services
}

/** What ran, in the log: each job's kind, id and ending (a failure's message, scrubbed like every line). */
function logJobs(ctx: BackendContext, logger: FileLog): void {
  const offStarted = ctx.events.on('job.progress', (e) =>
    logger.debug(`job ${e.kind} ${e.jobId}: ${e.phase}`),
  )
  const offFinished = ctx.events.on('job.finished', (e) => {
    const line = `job ${e.kind} ${e.jobId} ${e.status}${e.error ? `: ${e.error.message}` : ''}`
    if (e.status === 'failed') logger.warn(line)
    else logger.info(line)
  })
  ctx.onClose(() => {
    offStarted()
    offFinished()
  })
}

/**
 * Restores a data folder no backend of this process has open (`profile-desk restore`): refused while any
 * other process holds it; what the current database knows of delivery is carried over.
 */
export function restoreClosedFolder(dataDir: string, backup: string, clock: () => number = Date.now) {
  return restoreDataFolder({
    dataDir,
    backup,
    migrations: MIGRATIONS,
    clock,
    releaseOwnHold: () => undefined,
    retakeOwnHold: () => undefined,
    stop: () => Promise.resolve(readDeliveryFromFile(join(dataDir, DATABASE_FILE))),
  })
}

/**
 * Start-up work, in this order: abandoned uploads swept (then hourly); a bulk load killed half-way
 * finished (its indexes rebuilt) before anything is served; the trigram index of profiles an import that
 * died left pending caught up in the background; runs and change sets a dead process left "running"
 * (open) marked interrupted; sync's scheduler started (it runs only once a remote is configured and auto-sync is on)
 * and the SFTP scheduler when the ports ask for it.
 */
function startUp(
  ctx: BackendContext,
  services: { files: ChosenFiles; sync: SyncService; sftp: SftpService },
  uploads: UploadOptions | undefined,
): string[] {
  startUploadSweep(ctx, services.files.uploads, uploads)
  finishInterruptedBulkLoad(ctx.db, AUDIENCE_BULK_STRUCTURES, ctx.logger)
  resumeTextIndexing(ctx)
  const notices: string[] = []
  const imports = markInterruptedRuns(ctx.db, ctx.clock())
  // After the runs: an interrupted import's change set keeps what it wrote, and a resumed run reopens it.
  markInterruptedChangeSets(ctx.db, Math.floor(ctx.clock() / 1000))
  if (imports > 0) {
    notices.push(
      `${imports === 1 ? 'An import was' : `${imports} imports were`} interrupted when Profile Desk last closed. ` +
        'What it wrote is kept; import the same file again to finish it.',
    )
  }
  const syncs = (
    ctx.db.prepare("SELECT count(*) AS n FROM sync_runs WHERE status = 'running'").get() as { n: number }
  ).n
  if (syncs > 0) {
    notices.push(
      'A sync was interrupted when Profile Desk last closed. It continues with the next sync, and nothing is sent twice.',
    )
  }
  for (const notice of notices) ctx.logger.warn(notice)
  services.sync.start()
  services.sftp.start()
  return notices
}

/**
 * The data folder is created 0700, and what an older version, a copy or a restore left readable by others
 * is tightened (not Electron's own profile folder: Chromium keeps its files' modes itself).
 */
function privateDataDir(dataDir: string, logger: Logger): void {
  const loose = tightenDataDir(dataDir, [ELECTRON_PROFILE_FOLDER])
  if (loose.length > 0) {
    logger.warn(
      `Could not make ${loose.length === 1 ? 'this file' : `these ${loose.length} files`} in the data folder private to you: ${loose.slice(0, 5).join(', ')}${loose.length > 5 ? ', …' : ''}. Check their owner and permissions.`,
    )
  }
}

function safeUserName(): string {
  try {
    return userInfo().username || 'local user'
  } catch {
    return 'local user'
  }
}
