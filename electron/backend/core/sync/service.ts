// The sync service of one backend: settings and secrets, push and pull runs (one at a time), their
// history, the status and its `sync.status` events, and the auto-sync scheduler. Handlers and the CLI
// reach it through the sync channels.
import type {
  ConnectionOverride,
  ConnectionTestResult,
  PullQuery,
  SyncStatus,
} from '../../../../shared/ipc/channels/sync'
import { describePullQuery, queryBody } from '../../../../shared/sync/pull-query'
import { AppError, type ErrorCode } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import { CleverTapClient, type RemoteConnection } from './client'
import { purgeDone } from './outbox-queue'
import { type ResolvedSyncOptions, resolveSyncOptions, type SyncOptions } from './options'
import { runPull, type PullResult } from './pull'
import { runPush } from './push'
import type { Contact, PushResult } from './push-session'
import { RunHistory } from './runs'
import { type RunOutcome, SyncScheduler } from './scheduler'
import { type SettingsUpdate, SyncSettings } from './settings'
import { SyncStatusTracker, countOutbox } from './status'

export interface RunOptions {
  trigger: string
  signal?: AbortSignal
  onProgress?: (phase: string, done: number, total: number | null) => void
  connection?: ConnectionOverride
  /** Pull only: this query instead of the saved one. */
  query?: PullQuery
}

/** Sent rows deleted per slice of the background purge. */
const PURGE_SLICE = 5_000
/** Connection tests are answered within this, whatever the request timeout. */
const TEST_TIMEOUT_MS = 15_000
/** An identity nobody has: the lookup only tells whether the server accepts the credentials. */
const PROBE_IDENTITY = 'profile-desk-connection-test'

/** The AppError code a failed run's failure kind becomes. */
export function errorCodeOf(kind: string): ErrorCode {
  if (kind === 'unauthorized') return 'unauthorized'
  if (kind === 'cancelled') return 'cancelled'
  if (kind === 'internal') return 'internal'
  return 'network'
}

export class SyncService {
  readonly settings: SyncSettings
  readonly runs: RunHistory
  readonly status: SyncStatusTracker
  readonly scheduler: SyncScheduler
  private readonly options: ResolvedSyncOptions
  private readonly closing = new AbortController()
  private queue: Promise<unknown> = Promise.resolve()
  private purging = false

  /** `options`: sync tuning (background sync on/off; timers, sleep and retry policy for tests). */
  constructor(
    private readonly ctx: BackendContext,
    options: SyncOptions = {},
  ) {
    this.options = resolveSyncOptions(options)
    this.settings = new SyncSettings(ctx.db, ctx.secrets)
    this.runs = new RunHistory(ctx.db)
    this.status = new SyncStatusTracker(ctx.db, this.settings, ctx.events, this.options.timers)
    this.scheduler = new SyncScheduler(
      {
        enabled: () => this.options.autoSync && this.settings.read().autoSync && this.settings.isConfigured(),
        hasPending: () => this.pendingCount() > 0,
        push: (trigger) => this.runForScheduler(() => this.push({ trigger })),
        pull: (trigger) => this.runForScheduler(() => this.pull({ trigger })),
        probe: async () => {
          const result = await this.testConnection()
          return result.ok ? 'ok' : result.outcome === 'unauthorized' ? 'unauthorized' : 'offline'
        },
        pushIntervalMs: () => this.settings.read().pushIntervalMinutes * 60_000,
        pullIntervalMs: () => this.settings.read().pullIntervalMinutes * 60_000,
        onRetryPlanned: (at) => {
          this.status.nextAttemptAt = at
          this.status.refresh()
        },
      },
      this.options.timers,
      ctx.clock,
      this.options,
    )
  }

  /**
   * Start-up work, run once by the composition root: runs a dead process left "running" are marked
   * interrupted, local changes wake the scheduler, auto-sync starts (when a remote is configured and it is
   * on) and sent rows are purged in the background. Everything stops when the backend closes.
   */
  start(): void {
    const ctx = this.ctx
    this.runs.markInterrupted(ctx.clock())
    const offChanged = ctx.events.on('profiles.changed', () => {
      this.status.refreshSoon()
      this.scheduler.changed()
    })
    ctx.onClose(async () => {
      offChanged()
      this.scheduler.stop()
      this.status.close()
      this.closing.abort()
      await this.queue.catch(() => undefined)
    })
    this.scheduler.start()
    this.purgeSoon()
  }

  /**
   * Deletes the rows of accepted entries in slices, between other work: they already left the queue
   * (outbox_done); deleting them during the push would slow it down.
   */
  private purgeSoon(): void {
    if (this.purging) return
    this.purging = true
    const slice = () => {
      if (this.closing.signal.aborted) {
        this.purging = false
        return
      }
      if (purgeDone(this.ctx.db, PURGE_SLICE) > 0) this.options.timers.setTimeout(slice, 0)
      else this.purging = false
    }
    this.options.timers.setTimeout(slice, 0)
  }

  pendingCount(): number {
    return countOutbox(this.ctx.db).pending
  }

  currentStatus(): SyncStatus {
    return this.status.refresh()
  }

  async updateSettings(update: SettingsUpdate): Promise<void> {
    const { remoteChanged } = await this.settings.update(update)
    if (remoteChanged) {
      this.status.connection = 'unknown'
      this.status.lastError = null
    }
    this.status.nextAttemptAt = null
    this.scheduler.start()
    this.status.refresh()
  }

  /** Runs work after any run in progress (push and pull never overlap). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private client(connection: RemoteConnection, timeoutMs = this.options.requestTimeoutMs): CleverTapClient {
    return new CleverTapClient(connection, { fetch: this.options.fetch, timeoutMs })
  }

  private contact = (contact: Contact): void => {
    if (this.status.connection !== contact) {
      this.status.connection = contact
      this.status.refreshSoon()
    }
  }

  private async runForScheduler(run: () => Promise<PushResult | PullResult>): Promise<RunOutcome> {
    try {
      const result = await run()
      if (result.status !== 'failed') return 'ok'
      if (result.error?.code === 'unauthorized') return 'unauthorized'
      return this.status.connection === 'offline' ? 'offline' : 'failed'
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') return 'unauthorized'
      return 'failed'
    }
  }

  private signalFor(options: RunOptions): AbortSignal {
    return options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal
  }

  /**
   * Uploads the outbox. Settings incomplete: a validation AppError. A failed run is returned, not thrown.
   * After a restore the remote may hold changes newer than the restored database: a pull comes first.
   */
  async push(options: RunOptions): Promise<PushResult & { runId: number; durationMs: number }> {
    if (this.settings.pullFirstPending()) {
      const pulled = await this.pull({
        ...options,
        trigger: `${options.trigger}, pull first after a restore`,
      })
      if (pulled.status === 'failed' || pulled.status === 'cancelled') {
        throw new AppError(
          pulled.error ? errorCodeOf(pulled.error.code) : 'cancelled',
          `The database was restored from a backup, so sync pulls before it sends anything; that pull did not finish (${pulled.error?.message ?? pulled.status}). Nothing was sent: sync again.`,
        )
      }
    }
    return this.exclusive(async () => {
      const connection = await this.settings.connection(options.connection)
      const stored = this.settings.read()
      const remote = options.connection?.remote ?? stored.remote
      const started = this.ctx.clock()
      const runId = this.runs.start('push', options.trigger, connection.endpoint, started)
      this.status.activity = 'pushing'
      this.status.refresh()
      try {
        const result = await runPush({
          db: this.ctx.db,
          client: this.client(connection),
          retry: this.options.retry,
          deps: this.options,
          installId: this.settings.installId(),
          // $idem is a sandbox extension: never sent to CleverTap's own hosts (docs/ARCHITECTURE.md, Sync).
          idempotencyKeys: remote?.kind === 'url',
          batchSize: stored.batchSize,
          precheckLimit: this.options.precheckLimit,
          clock: this.ctx.clock,
          signal: this.signalFor(options),
          onProgress: (phase, done, total) => options.onProgress?.(phase, done, total),
          onContact: this.contact,
          onProfilesChanged: (ids) => this.ctx.events.emit('profiles.changed', { ids }),
        })
        this.afterRun(result, 'lastPushAt', options)
        this.runs.finish(runId, result, this.ctx.clock())
        this.purgeSoon()
        return { ...result, runId, durationMs: this.ctx.clock() - started }
      } catch (error) {
        this.runs.finish(runId, failedRun(error), this.ctx.clock())
        throw error
      } finally {
        this.status.activity = 'idle'
        this.status.refresh()
      }
    })
  }

  /** Downloads profiles into the cache; conflicts are recorded, never overwritten. */
  pull(options: RunOptions): Promise<PullResult & { runId: number; durationMs: number }> {
    return this.exclusive(async () => {
      const connection = await this.settings.connection(options.connection)
      const stored = this.settings.read()
      const remoteKind = (options.connection?.remote ?? stored.remote)?.kind ?? 'region'
      const query = options.query ?? stored.pullQuery
      const started = this.ctx.clock()
      const runId = this.runs.start('pull', options.trigger, connection.endpoint, started)
      this.status.activity = 'pulling'
      this.status.refresh()
      try {
        const result = await runPull({
          db: this.ctx.db,
          client: this.client(connection),
          retry: this.options.retry,
          deps: this.options,
          clock: this.ctx.clock,
          signal: this.signalFor(options),
          query: queryBody(query, remoteKind, started),
          queryKey: JSON.stringify({ remoteKind, query }),
          covered: describePullQuery(query, remoteKind),
          bookkeeping: () => this.settings.bookkeeping(),
          saveBookkeeping: (patch) => this.settings.patchBookkeeping(patch),
          onProgress: (phase, done, total) => options.onProgress?.(phase, done, total),
          onContact: this.contact,
          onProfilesChanged: (ids, all) =>
            this.ctx.events.emit('profiles.changed', all ? { ids: [], all } : { ids }),
        })
        this.afterRun(result, null, options)
        if (result.status === 'succeeded' || result.status === 'partial') this.settings.pulledAfterRestore()
        this.runs.finish(runId, result, this.ctx.clock())
        return { ...result, runId, durationMs: this.ctx.clock() - started }
      } catch (error) {
        this.runs.finish(runId, failedRun(error), this.ctx.clock())
        throw error
      } finally {
        this.status.activity = 'idle'
        this.status.refresh()
      }
    })
  }

  private afterRun(result: PushResult | PullResult, stamp: 'lastPushAt' | null, options: RunOptions): void {
    if (result.status === 'failed' && result.error) {
      this.status.lastError = { code: result.error.code, message: result.error.message, at: this.ctx.clock() }
      return
    }
    if (result.status === 'cancelled') return
    this.status.lastError = null
    if (stamp) this.settings.patchBookkeeping({ [stamp]: this.ctx.clock() })
    // Credentials given for this run only say nothing about the stored ones auto-sync uses.
    if (options.connection === undefined) this.scheduler.reachedServer()
  }

  /** Tries the credentials with one harmless lookup; the stored settings, or a form's unsaved values. */
  async testConnection(override?: ConnectionOverride): Promise<ConnectionTestResult> {
    let connection: RemoteConnection
    try {
      connection = await this.settings.connection(override)
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      return {
        ok: false,
        outcome: 'not_configured',
        message: error.message,
        endpoint: this.settings.endpoint(),
        latencyMs: null,
      }
    }
    const started = performance.now()
    const client = this.client(connection, Math.min(TEST_TIMEOUT_MS, this.options.requestTimeoutMs))
    let outcome = await client.profileByIdentity(PROBE_IDENTITY, this.closing.signal)
    // A kept-alive connection the server has since closed fails once; a fresh one tells the truth.
    if (!outcome.ok && outcome.kind === 'network') {
      outcome = await client.profileByIdentity(PROBE_IDENTITY, this.closing.signal)
    }
    const latencyMs = Math.round(performance.now() - started)
    const stored = override === undefined
    const report = (result: ConnectionTestResult, contact: Contact | null): ConnectionTestResult => {
      if (stored && contact !== null) {
        this.contact(contact)
        if (contact === 'online' && this.status.lastError?.code !== 'server') this.status.lastError = null
        this.status.refresh()
      }
      return result
    }
    if (outcome.ok) {
      return report(
        {
          ok: true,
          outcome: 'ok',
          message: `Connected to ${connection.endpoint} as account ${connection.accountId}.`,
          endpoint: connection.endpoint,
          latencyMs,
        },
        'online',
      )
    }
    const kind = outcome.kind
    const mapped: ConnectionTestResult['outcome'] =
      kind === 'unauthorized'
        ? 'unauthorized'
        : kind === 'offline' || kind === 'network' || kind === 'timeout'
          ? 'offline'
          : kind === 'wrong-address'
            ? 'wrong_address'
            : 'server'
    const contact: Contact | null =
      mapped === 'unauthorized'
        ? 'unauthorized'
        : mapped === 'offline'
          ? 'offline'
          : kind === 'cancelled'
            ? null
            : 'online'
    return report(
      { ok: false, outcome: mapped, message: outcome.message, endpoint: connection.endpoint, latencyMs },
      contact,
    )
  }
}

function failedRun(error: unknown) {
  const code = error instanceof AppError ? error.code : 'internal'
  const message = error instanceof Error ? error.message : String(error)
  return {
    status: 'failed' as const,
    records: 0,
    rejected: 0,
    conflicts: 0,
    requests: 0,
    retries: 0,
    error: { code, message },
    notes: [],
  }
}
