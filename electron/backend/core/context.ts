// What every feature is given: the database, the clock, the event bus, the job registry, the logger and
// the secret store. Built by the composition root (services.ts); each service's own tuning (sync, SFTP)
// is passed to that service alone.
import type { Db } from './db/connection'
import type { JobRegistry } from './jobs/registry'
import type { EventBus } from './platform/event-bus'
import type { Logger } from './platform/logger'
import type { SecretStore } from './platform/secret-store'

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
  /** Registers work to do when the backend closes (timers to stop, runs to abort), before the database closes. */
  onClose(hook: () => void | Promise<void>): void
}
