// Sync settings (remote, account, tuning) in the settings table; the passcode only in the secret store,
// with a flag here saying one is stored. Also sync's own bookkeeping: install id, last sync times,
// the checkpoint of an unfinished download.
import { randomUUID } from 'node:crypto'
import {
  DEFAULT_BATCH_SIZE,
  type ConnectionOverride,
  type PullQuery,
  type RemoteSpec,
  type SyncSettingsView,
} from '../../../../shared/ipc/channels/sync'
import { DEFAULT_PULL_QUERY, describePullQuery } from '../../../../shared/sync/pull-query'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import type { SecretStore } from '../platform/secret-store'
import type { RemoteConnection } from './client'
import { endpointOf } from './remote'

export const PASSCODE_SECRET = 'clevertap.passcode'
const SETTINGS_KEY = 'sync.settings'
const STATE_KEY = 'sync.state'
const INSTALL_KEY = 'sync.installId'
/** Set by a restore: the next sync pulls before it pushes (cleared by a pull that finished). */
export const PULL_FIRST_KEY = 'sync.pullFirst'

/** Where the stored passcode may be sent: the endpoint and account it was saved with (null: not yet chosen). */
export interface PasscodeBinding {
  endpoint: string | null
  accountId: string | null
}

export interface StoredSettings {
  remote: RemoteSpec | null
  accountId: string | null
  passcodeStored: boolean
  /** Absent in settings saved before the binding existed: then the saved remote and account. */
  passcodeFor?: PasscodeBinding
  batchSize: number
  autoSync: boolean
  pushIntervalMinutes: number
  pullIntervalMinutes: number
  pullQuery: PullQuery
}

export interface SyncBookkeeping {
  lastPushAt: number | null
  lastPullAt: number | null
  /**
   * A download interrupted half-way resumes from here while the cursor is valid (4 days), for the same
   * endpoint and query (`query`: the request body it was started with, as JSON).
   */
  pullCursor: { cursor: string; startedAt: number; endpoint: string; done: number; query?: string } | null
}

const DEFAULTS: StoredSettings = {
  remote: null,
  accountId: null,
  passcodeStored: false,
  batchSize: DEFAULT_BATCH_SIZE,
  autoSync: true,
  pushIntervalMinutes: 5,
  pullIntervalMinutes: 0,
  pullQuery: DEFAULT_PULL_QUERY,
}

export type SettingsUpdate = {
  remote?: RemoteSpec | null | undefined
  accountId?: string | null | undefined
  passcode?: string | null | undefined
  batchSize?: number | undefined
  autoSync?: boolean | undefined
  pushIntervalMinutes?: number | undefined
  pullIntervalMinutes?: number | undefined
  pullQuery?: PullQuery | null | undefined
}

function readJson<T extends object>(db: Db, key: string, fallback: T): T {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)
  if (!row) return { ...fallback }
  try {
    const parsed: unknown = JSON.parse(row.value)
    return typeof parsed === 'object' && parsed !== null
      ? { ...fallback, ...(parsed as Partial<T>) }
      : { ...fallback }
  } catch {
    return { ...fallback }
  }
}

/**
 * Throws a validation error when the stored passcode would be sent (or saved for) another endpoint or
 * account than its binding. `partial`: a part the binding has not chosen yet may be anything.
 */
function refuseElsewhere(
  binding: PasscodeBinding,
  endpoint: string | null,
  accountId: string | null,
  options: { partial: boolean },
): void {
  const differs = (bound: string | null, wanted: string | null) =>
    wanted !== null && (bound === null ? !options.partial : bound !== wanted)
  if (!differs(binding.endpoint, endpoint) && !differs(binding.accountId, accountId)) return
  const describe = (where: string | null, who: string | null) =>
    `${where ?? 'no remote yet'}${who ? ` (account ${who})` : ''}`
  const saved = describe(binding.endpoint, binding.accountId)
  const asked = describe(endpoint, accountId)
  throw new AppError(
    'validation',
    `The stored passcode is only sent to ${saved}, not to ${asked}. Give the passcode for ${asked} ` +
      'with it (on the command line: --passcode-file), or forget the stored passcode first.',
    {
      key: 'passcode',
      rule: 'the passcode of the remote and account it is sent to',
      missing: ['the passcode'],
    },
  )
}

function writeJson(db: Db, key: string, value: unknown): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value))
}

export class SyncSettings {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
  ) {}

  read(): StoredSettings {
    return readJson(this.db, SETTINGS_KEY, DEFAULTS)
  }

  isConfigured(settings: StoredSettings = this.read()): boolean {
    return settings.remote !== null && settings.accountId !== null && settings.passcodeStored
  }

  endpoint(settings: StoredSettings = this.read()): string | null {
    if (settings.remote === null) return null
    try {
      return endpointOf(settings.remote)
    } catch {
      return null
    }
  }

  async view(): Promise<SyncSettingsView> {
    const settings = this.read()
    const storage = await this.secrets.describe()
    return {
      remote: settings.remote,
      endpoint: this.endpoint(settings),
      accountId: settings.accountId,
      passcodeStored: settings.passcodeStored,
      secretStorage: storage.storage,
      secretWarning: storage.warning,
      configured: this.isConfigured(settings),
      batchSize: settings.batchSize,
      autoSync: settings.autoSync,
      pushIntervalMinutes: settings.pushIntervalMinutes,
      pullIntervalMinutes: settings.pullIntervalMinutes,
      pullQuery: settings.pullQuery,
      pullCoverage: describePullQuery(settings.pullQuery, settings.remote?.kind ?? 'region'),
    }
  }

  /** Applies the fields present; returns whether where-or-who changed (the connection state is then unknown). */
  async update(update: SettingsUpdate): Promise<{ remoteChanged: boolean }> {
    const current = this.read()
    const next: StoredSettings = { ...current }
    if (update.remote !== undefined) {
      // Normalised (and refused when unsafe) before anything is saved.
      next.remote =
        update.remote === null
          ? null
          : update.remote.kind === 'url'
            ? { kind: 'url', baseUrl: endpointOf(update.remote) }
            : update.remote
    }
    if (update.accountId !== undefined)
      next.accountId = update.accountId === null ? null : update.accountId.trim()
    if (update.batchSize !== undefined) next.batchSize = update.batchSize
    if (update.autoSync !== undefined) next.autoSync = update.autoSync
    if (update.pushIntervalMinutes !== undefined) next.pushIntervalMinutes = update.pushIntervalMinutes
    if (update.pullIntervalMinutes !== undefined) next.pullIntervalMinutes = update.pullIntervalMinutes
    if (update.pullQuery !== undefined) next.pullQuery = update.pullQuery ?? DEFAULT_PULL_QUERY
    const nextEndpoint = next.remote === null ? null : endpointOf(next.remote)
    if (update.passcode === undefined && current.passcodeStored) {
      // Another remote or account is saved without its passcode: refused, so the stored one never
      // follows the settings somewhere else. A part still unchosen is bound on first choice.
      const binding = this.binding(current)
      refuseElsewhere(binding, nextEndpoint, next.accountId, { partial: true })
      next.passcodeFor = {
        endpoint: binding.endpoint ?? nextEndpoint,
        accountId: binding.accountId ?? next.accountId,
      }
    }
    if (update.passcode === null) {
      await this.secrets.delete(PASSCODE_SECRET)
      next.passcodeStored = false
      delete next.passcodeFor
    } else if (update.passcode !== undefined) {
      await this.secrets.set(PASSCODE_SECRET, update.passcode)
      next.passcodeStored = true
      next.passcodeFor = { endpoint: nextEndpoint, accountId: next.accountId }
    }
    const remoteChanged =
      JSON.stringify(next.remote) !== JSON.stringify(current.remote) ||
      next.accountId !== current.accountId ||
      update.passcode !== undefined
    writeJson(this.db, SETTINGS_KEY, next)
    // A download cursor belongs to one account on one server.
    if (remoteChanged) this.patchBookkeeping({ pullCursor: null })
    return { remoteChanged }
  }

  /**
   * The connection to use: the override's fields first, then the stored settings. The stored passcode
   * goes only to the endpoint and account it was saved with: an override naming another remote or
   * account must bring its own passcode (a validation error says so before anything is sent).
   */
  async connection(override: ConnectionOverride = {}): Promise<RemoteConnection> {
    const settings = this.read()
    const remote = override.remote ?? settings.remote
    const accountId = override.accountId?.trim() ?? settings.accountId
    const endpoint = remote === null ? null : endpointOf(remote)
    if (override.passcode === undefined && settings.passcodeStored && endpoint !== null) {
      refuseElsewhere(this.binding(settings), endpoint, accountId, { partial: false })
    }
    const passcode =
      override.passcode ?? (settings.passcodeStored ? await this.secrets.get(PASSCODE_SECRET) : null)
    const missing = [
      remote === null ? 'the remote (a region or a base URL)' : null,
      accountId === null ? 'the account id' : null,
      passcode === null ? 'the passcode' : null,
    ].filter((item): item is string => item !== null)
    if (endpoint === null || accountId === null || passcode === null) {
      throw new AppError('validation', `Sync is not set up: set ${missing.join(', ')} in Settings.`, {
        missing,
      })
    }
    return { endpoint, accountId, passcode }
  }

  /** Where the stored passcode may go (settings from before the binding: the saved remote and account). */
  private binding(settings: StoredSettings): PasscodeBinding {
    return settings.passcodeFor ?? { endpoint: this.endpoint(settings), accountId: settings.accountId }
  }

  installId(): string {
    const row = this.db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(INSTALL_KEY)
    if (row) return row.value
    const id = randomUUID()
    this.db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(INSTALL_KEY, id)
    return (
      this.db
        .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
        .get(INSTALL_KEY)?.value ?? id
    )
  }

  bookkeeping(): SyncBookkeeping {
    return readJson<SyncBookkeeping>(this.db, STATE_KEY, {
      lastPushAt: null,
      lastPullAt: null,
      pullCursor: null,
    })
  }

  pullFirstPending(): boolean {
    return this.db.prepare('SELECT 1 FROM settings WHERE key = ?').get(PULL_FIRST_KEY) !== undefined
  }

  pulledAfterRestore(): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(PULL_FIRST_KEY)
  }

  patchBookkeeping(patch: Partial<SyncBookkeeping>): void {
    writeJson(this.db, STATE_KEY, { ...this.bookkeeping(), ...patch })
  }
}
