// THE composition root: builds every service of one backend from its ports, registers every feature's
// migrations and runs the start-up work. The only file that knows all features; hosts reach it through
// adapters/ipc/create-backend.ts.
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { finishInterruptedBulkLoad } from './db/bulk-load'
import { openDatabase } from './db/connection'
import { collectMigrations } from './db/migrate'
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
import { consoleLogger, type Logger } from './platform/logger'
import { tightenDataDir } from './platform/private-files'
import { FileSecretStore, type SecretStore } from './platform/secret-store'
import { APP_VERSION } from './platform/version'
import { PROFILE_MIGRATIONS } from './profiles/migrations'
import { PROFILE_BULK_STRUCTURES } from './profiles/schema'
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
  /** Stops timers and runs, cancels jobs, closes the database. Idempotent. */
  close(): Promise<void>
}

export function createServices(ports: ServicePorts): Services {
  const logger = ports.logger ?? consoleLogger
  privateDataDir(ports.dataDir, logger)
  const db = openDatabase(join(ports.dataDir, DATABASE_FILE), { migrations: MIGRATIONS })
  const events = new EventBus()
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
    secrets: ports.secrets ?? new FileSecretStore(ports.dataDir),
    onClose: (hook) => {
      closeHooks.push(hook)
    },
  }
  const files = createChosenFiles(context)
  const imports = new ImportService(context)
  const sync = new SyncService(context, ports.sync)
  const sftp = new SftpService(context, imports, ports.sftp)
  startUp(context, { files, sync, sftp }, ports.uploads)

  let closed = false
  return {
    context,
    files,
    imports,
    sync,
    sftp,
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
    },
  }
}

/**
 * Start-up work, in this order: abandoned uploads swept (then hourly); a bulk load killed half-way
 * finished (its indexes rebuilt) before anything is served; the trigram index of profiles an import that
 * died left pending caught up in the background; runs a dead process left "running" marked
 * interrupted; sync's scheduler started (it runs only once a remote is configured and auto-sync is on)
 * and the SFTP scheduler when the ports ask for it.
 */
function startUp(
  ctx: BackendContext,
  services: { files: ChosenFiles; sync: SyncService; sftp: SftpService },
  uploads: UploadOptions | undefined,
): void {
  startUploadSweep(ctx, services.files.uploads, uploads)
  finishInterruptedBulkLoad(ctx.db, PROFILE_BULK_STRUCTURES, ctx.logger)
  resumeTextIndexing(ctx)
  const interrupted = markInterruptedRuns(ctx.db, ctx.clock())
  if (interrupted > 0) {
    ctx.logger.warn(
      `${interrupted} import ${interrupted === 1 ? 'run was' : 'runs were'} interrupted and marked so.`,
    )
  }
  services.sync.start()
  services.sftp.start()
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
