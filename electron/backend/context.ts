// What every backend module is given: the database, the clock, the event bus, the job registry.
import type { Db } from './db/connection'
import type { EventBus } from './events'
import type { JobRegistry } from './jobs/registry'
import type { Logger } from './logger'

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
}
