// The sync status a person sees (Offline / Syncing / Up to date / N changes waiting / errors), computed
// from the outbox and what the last contact with the server showed, and pushed as `sync.status`
// whenever it changes.
import type { SyncState, SyncStatus } from '../../../../shared/ipc/channels/sync'
import type { Db } from '../db/connection'
import type { EventBus } from '../platform/event-bus'
import type { Timers } from './options'
import { NOT_DONE } from './outbox-queue'
import type { SyncSettings } from './settings'

const REFRESH_DELAY_MS = 250

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

export function headlineOf(status: Omit<SyncStatus, 'headline'>): string {
  const waiting = status.pending > 0 ? plural(status.pending, 'change waiting', 'changes waiting') : null
  const extras = [
    status.conflicts > 0 ? plural(status.conflicts, 'conflict', 'conflicts') : null,
    status.errors > 0 ? plural(status.errors, 'error', 'errors') : null,
  ]
  const join = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null).join(' · ')
  switch (status.state) {
    case 'not-configured':
      return 'Sync is not set up'
    case 'unauthorized':
      return join('Credentials refused: check the account id and passcode', waiting)
    case 'syncing':
      return join(status.activity === 'pulling' ? 'Downloading…' : 'Syncing…', waiting)
    case 'offline':
      return join('Offline', waiting, ...extras)
    case 'error':
      return join('Sync failed', waiting, ...extras)
    case 'waiting':
      return join(waiting, ...extras)
    case 'up-to-date':
      return join('Up to date', ...extras)
  }
}

/**
 * Waiting, refused and held changes and open conflicts. Counted through indexes (the whole outbox via
 * its object index, refused ones via their partial index, accepted ones in outbox_done), never by reading
 * every payload.
 */
export function countOutbox(db: Db): { pending: number; errors: number; held: number; conflicts: number } {
  const row = db
    .prepare(
      `SELECT
         (SELECT count(*) FROM outbox) AS total,
         (SELECT count(*) FROM outbox WHERE state = 'parked') AS parked,
         (SELECT count(*) FROM outbox_done) AS sent,
         (SELECT count(DISTINCT object_id) FROM outbox WHERE state = 'parked') AS errors,
         (SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL) AS conflicts`,
    )
    .get() as { total: number; parked: number; sent: number; errors: number; conflicts: number }
  const held =
    row.conflicts === 0
      ? 0
      : (
          db
            .prepare(
              `SELECT count(*) AS n FROM outbox WHERE state = 'pending' AND kind = 'profile' AND ${NOT_DONE}
               AND object_id IN (SELECT object_id FROM sync_conflicts WHERE resolved_at IS NULL)`,
            )
            .get() as { n: number }
        ).n
  return { pending: row.total - row.parked - row.sent, errors: row.errors, held, conflicts: row.conflicts }
}

export class SyncStatusTracker {
  connection: SyncStatus['connection'] = 'unknown'
  activity: SyncStatus['activity'] = 'idle'
  lastError: SyncStatus['lastError'] = null
  nextAttemptAt: number | null = null
  private lastEmitted = ''
  private timer: unknown = null
  private closed = false

  constructor(
    private readonly db: Db,
    private readonly settings: SyncSettings,
    private readonly events: EventBus,
    private readonly timers: Timers,
  ) {}

  compute(): SyncStatus {
    const counts = countOutbox(this.db)
    const stored = this.settings.read()
    const configured = this.settings.isConfigured(stored)
    const book = this.settings.bookkeeping()
    const lastSyncAt = Math.max(book.lastPushAt ?? 0, book.lastPullAt ?? 0) || null
    let state: SyncState
    if (!configured) state = 'not-configured'
    else if (this.connection === 'unauthorized') state = 'unauthorized'
    else if (this.activity !== 'idle') state = 'syncing'
    else if (this.connection === 'offline') state = 'offline'
    else if (this.lastError !== null) state = 'error'
    else if (counts.pending > 0) state = 'waiting'
    else state = 'up-to-date'
    const status: Omit<SyncStatus, 'headline'> = {
      configured,
      connection: this.connection,
      activity: this.activity,
      state,
      pending: counts.pending,
      held: counts.held,
      errors: counts.errors,
      conflicts: counts.conflicts,
      lastSyncAt,
      lastPushAt: book.lastPushAt,
      lastPullAt: book.lastPullAt,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt,
    }
    return { ...status, headline: headlineOf(status) }
  }

  /** Recomputes now and emits `sync.status` if anything changed. */
  refresh(): SyncStatus {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer)
      this.timer = null
    }
    const status = this.compute()
    const text = JSON.stringify(status)
    if (text !== this.lastEmitted && !this.closed) {
      this.lastEmitted = text
      this.events.emit('sync.status', status)
    }
    return status
  }

  /** Coalesces the recounts of a burst of changes (an import emits many) into one. */
  refreshSoon(): void {
    if (this.timer !== null || this.closed) return
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      if (!this.closed) this.refresh()
    }, REFRESH_DELAY_MS)
  }

  close(): void {
    this.closed = true
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }
}
