// What every backend module is given: the database, the clock, the event bus, the job registry.
import type { Db } from '../db/connection'
import type { EventBus } from './event-bus'
import type { JobRegistry } from '../jobs/registry'
import type { Logger } from './logger'
import type { SecretStore } from './secret-store'
import type { SftpOptions } from '../sftp/options'
import type { SyncOptions } from '../sync/options'

export interface BackendContext {
  db: Db
  dataDir: string
  host: 'electron' | 'web' | 'test'
  version: string
  /** Milliseconds since the epoch; injected so tests can move time. */
  clock: () => number
  /** Who makes changes, for the audit log (the OS user name by default). */
  actor: string
  events: EventBus
  jobs: JobRegistry
  logger: Logger
  /** Passcodes and passwords: the OS keychain in Electron, a user-only file elsewhere. */
  secrets: SecretStore
  /** Sync tuning: background sync on/off (off for one-shot CLI commands); timers, sleep and retry policy for tests. */
  sync: SyncOptions
  /** SFTP sources: the scheduler on/off (off for one-shot CLI commands); timers, waits and retries for tests. */
  sftp: SftpOptions
  /** Registers work to do when the backend closes (timers to stop, runs to abort), before the database closes. */
  onClose(hook: () => void | Promise<void>): void
}
