// createBackend(ports) -> { dispatch, call, on, close }: the whole app minus its window. It never
// imports Electron, so the same code runs in Electron's utility process, in the web host and in tests.
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { AppError, type Envelope } from '../../../../shared/ipc/envelope'
import type { Channel, RequestOf, ResponseOf } from '../../../../shared/ipc/contract'
import type { ImportRunMode } from '../../../../shared/ipc/channels/imports'
import type { ChosenFile, GrantSource } from '../../../../shared/ipc/file-handle'
import type { EventMap, EventName } from '../../../../shared/ipc/events'
import { openDatabase } from '../../core/db/connection'
import { createDispatch } from './dispatch'
import { tightenDataDir } from '../../core/platform/private-files'
import { ELECTRON_PROFILE_FOLDER } from '../data-dir'
import { EventBus } from '../../core/platform/event-bus'
import { createHandlers } from './handlers/index'
import { openChosenFiles, type UploadOptions } from '../../core/imports/file-grants'
import { ImportService, type RunRequest } from '../../core/imports/import-service'
import { JobRegistry } from '../../core/jobs/registry'
import { consoleLogger, type Logger } from '../../core/platform/logger'
import type { BackendContext } from '../../core/platform/context'
import { FileSecretStore, type SecretStore } from '../../core/platform/secret-store'
import type { SftpOptions } from '../../core/sftp/options'
import type { SyncOptions } from '../../core/sync/options'
import { APP_VERSION } from '../../core/platform/version'

export interface BackendPorts {
  dataDir: string
  host: BackendContext['host']
  clock?: () => number
  logger?: Logger
  actor?: string
  /** Default: a user-only file in the data dir (Electron passes one backed by safeStorage). */
  secrets?: SecretStore
  /** Sync tuning; by default background sync runs once a remote is configured. */
  sync?: SyncOptions
  /** SFTP sources: by default the scheduler starts due sources. */
  sftp?: SftpOptions
  /** How long an upload never imported is kept, and how often that is checked (tests shorten them). */
  uploads?: UploadOptions
}

export interface Backend {
  /** The boundary every host uses: untrusted channel name and request in, envelope out. */
  dispatch(channel: string, request: unknown): Promise<Envelope<unknown>>
  /** Typed convenience for trusted callers (CLI, tests): returns the value or throws AppError. */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  /**
   * Trusted callers only: registers a file the person chose (Electron's main process after its native
   * dialog) and returns the handle the page then uses. Never reachable through `dispatch`.
   */
  grantFile(path: string, source: GrantSource): ChosenFile
  /** Trusted callers only (the CLI, benchmarks): a dry run or an import of a file by path, as a job. */
  startImport(request: RunRequest, mode: ImportRunMode): Promise<{ jobId: string; runId: number }>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
  readonly context: BackendContext
  close(): Promise<void>
}

export const DATABASE_FILE = 'profiles.db'

export function createBackend(ports: BackendPorts): Backend {
  const logger = ports.logger ?? consoleLogger
  // Created 0700, and what an older version, a copy or a restore left readable by others is tightened
  // (not Electron's own profile folder: Chromium keeps its files' modes itself).
  const loose = tightenDataDir(ports.dataDir, [ELECTRON_PROFILE_FOLDER])
  if (loose.length > 0) {
    logger.warn(
      `Could not make ${loose.length === 1 ? 'this file' : `these ${loose.length} files`} in the data folder private to you: ${loose.slice(0, 5).join(', ')}${loose.length > 5 ? ', …' : ''}. Check their owner and permissions.`,
    )
  }
  const db = openDatabase(join(ports.dataDir, DATABASE_FILE))
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
    sync: ports.sync ?? {},
    sftp: ports.sftp ?? {},
    onClose: (hook) => {
      closeHooks.push(hook)
    },
  }
  const files = openChosenFiles(context, ports.uploads)
  // One ImportService per backend: wizard, CLI and SFTP imports share its one-run-at-a-time rule.
  const imports = new ImportService(context)
  const dispatch = createDispatch(createHandlers(context, { imports, files }), logger)
  let closed = false

  return {
    dispatch,
    async call(channel, request) {
      const reply = await dispatch(channel, request)
      if (!reply.ok) throw new AppError(reply.error.code, reply.error.message, reply.error.details)
      return reply.value as ResponseOf<typeof channel>
    },
    grantFile: (path, source) => files.grants.grant(path, source),
    startImport: (request, mode) => imports.start(request, mode),
    on: (event, listener) => events.on(event, listener),
    onAny: (listener) => events.onAny(listener),
    context,
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

function safeUserName(): string {
  try {
    return userInfo().username || 'local user'
  } catch {
    return 'local user'
  }
}
