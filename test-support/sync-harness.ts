// Sync test harness: a real sandbox on 127.0.0.1 port 0, real backends on temporary data folders, push
// and pull run as the jobs a window would start, and a comparison of the local cache with the server
// built from the public shapes (profiles.get on one side, the cursor download on the other).
import { afterEach, expect } from 'vitest'
import type { RequestOf } from '../shared/ipc/contract'
import type { JobFinishedEvent } from '../shared/ipc/events'
import { findSystemProperty } from '../shared/profile/catalogue'
import type { ProfileDetail } from '../shared/profile/types'
import { toDollarDate } from '../shared/profile/validators-dates'
import { catalogueKeyOfWire } from '../shared/sync/wire-keys'
import type { Logger } from '../electron/backend/core/platform/logger'
import type { SyncOptions } from '../electron/backend/core/sync/options'
import { openBackendHarness, type BackendHarness } from './backend'
import { runCli, type Run } from './cli'
import { ACCOUNT, PASSCODE, startSandbox, type RemoteRecord, type Sandbox } from './sandbox'

export { ACCOUNT, PASSCODE, authHeaders as headers, startSandbox } from './sandbox'
export type { RemoteRecord, Sandbox } from './sandbox'
export { seeded } from './seeded'

/** Short waits so retries do not slow the tests; the policy's shape is the production one. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 8, offlineAttempts: 2 }

export interface App extends BackendHarness {
  /** Points the app at a sandbox (stored settings, passcode in the secret store). */
  configure(sandbox: Sandbox, extra?: RequestOf<'sync.settings.set'>): Promise<void>
  /** Starts a job and resolves with its job.finished event (each of these channels starts a job of its name). */
  run<C extends 'sync.push' | 'sync.pull' | 'sync.now'>(
    channel: C,
    request?: Record<string, unknown>,
  ): Promise<JobFinishedEvent<C>>
  /** Pushes until nothing is left to send (bounded), failing the test if that never happens. */
  pushUntilDone(maxRuns?: number): Promise<JobFinishedEvent<'sync.push'>[]>
}

export function openApp(
  options: { dataDir?: string; sync?: SyncOptions; logger?: Logger; clock?: () => number } = {},
): App {
  const base = openBackendHarness({
    prefix: 'sync-app-',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    sync: { autoSync: false, retry: FAST_RETRY, requestTimeoutMs: 10_000, ...options.sync },
  })
  const { backend } = base
  const app: App = {
    ...base,
    async configure(sandbox, extra = {}) {
      await backend.call('sync.settings.set', {
        remote: { kind: 'url', baseUrl: sandbox.baseUrl },
        accountId: ACCOUNT,
        passcode: PASSCODE,
        ...extra,
      })
    },
    async run<C extends 'sync.push' | 'sync.pull' | 'sync.now'>(
      channel: C,
      request: Record<string, unknown> = {},
    ): Promise<JobFinishedEvent<C>> {
      const { jobId } = await backend.call(channel, request as never)
      return (await base.finished(jobId)) as JobFinishedEvent<C>
    },
    async pushUntilDone(maxRuns = 10) {
      const runs: JobFinishedEvent<'sync.push'>[] = []
      for (let i = 0; i < maxRuns; i += 1) {
        runs.push(await app.run('sync.push'))
        const status = await backend.call('sync.status', {})
        if (status.pending === 0) return runs
      }
      throw new Error(
        `still ${(await backend.call('sync.status', {})).pending} changes waiting after ${maxRuns} pushes`,
      )
    },
  }
  return app
}

/** Every local profile, through the public channels. */
export async function localProfiles(app: App): Promise<ProfileDetail[]> {
  const details: ProfileDetail[] = []
  for (let offset = 0; offset < 1_000_000; offset += 500) {
    const page = await app.call('profiles.list', { sort: 'created', limit: 500, offset })
    for (const item of page.items) details.push(await app.call('profiles.get', { id: item.id }))
    if (page.items.length < 500) break
  }
  return details
}

type Fields = Record<string, unknown>

function normaliseValue(key: string, value: unknown): unknown {
  if (Array.isArray(value)) return [...(value as unknown[])].map(String).sort()
  if (key === 'Email' && typeof value === 'string') return value.toLowerCase()
  if (key === 'Phone' && typeof value === 'number') return `+${value}`
  return value
}

/** What the server should hold for a local profile, from its ProfileDetail (wire keys and encodings). */
export function expectedFields(detail: ProfileDetail, ignore: ReadonlySet<string> = new Set()): Fields {
  const fields: Fields = {}
  for (const [key, value] of Object.entries(detail.system)) {
    const type = findSystemProperty(key)?.type
    fields[key] = type === 'date' && typeof value === 'number' ? toDollarDate(value) : value
  }
  for (const custom of detail.custom) {
    fields[custom.key] =
      custom.type === 'date' && typeof custom.value === 'number' ? toDollarDate(custom.value) : custom.value
  }
  for (const identifier of detail.identifiers) {
    if (identifier.kind === 'custom' && identifier.name && !(identifier.name in fields))
      fields[identifier.name] = identifier.value
  }
  const out: Fields = {}
  for (const [key, value] of Object.entries(fields))
    if (!ignore.has(key)) out[key] = normaliseValue(key, value)
  return out
}

/** The fields a server record holds, by wire key. */
export function remoteFields(record: RemoteRecord, ignore: ReadonlySet<string> = new Set()): Fields {
  // The time zone travels as `tz`; locally it is Timezone.
  const fields: Fields = Object.fromEntries(
    Object.entries(record.profileData).map(([key, value]) => [catalogueKeyOfWire(key), value]),
  )
  if (record.identity !== undefined) fields.Identity = String(record.identity)
  if (record.name !== undefined) fields.Name = record.name
  if (record.email !== undefined) fields.Email = record.email
  if (record.phone !== undefined) fields.Phone = record.phone
  const out: Fields = {}
  for (const [key, value] of Object.entries(fields))
    if (!ignore.has(key)) out[key] = normaliseValue(key, value)
  return out
}

/**
 * Asserts that the server holds exactly the local state: the same profiles, each with the same fields
 * and the same event counts (an event lost or applied twice shows as a different count).
 */
export async function expectServerMatches(
  app: App,
  sandbox: Sandbox,
  options: { ignoreFields?: ReadonlySet<string> } = {},
): Promise<{ profiles: number; events: number }> {
  const ignore = options.ignoreFields ?? new Set<string>()
  const local = await localProfiles(app)
  const remote = await sandbox.profiles()
  const byObjectId = new Map<string, RemoteRecord>()
  for (const record of remote) for (const info of record.platformInfo) byObjectId.set(info.objectId, record)
  const mismatches: string[] = []
  let events = 0
  for (const detail of local) {
    const record = byObjectId.get(detail.id)
    if (!record) {
      mismatches.push(`${detail.id}: missing on the server`)
      continue
    }
    const want = expectedFields(detail, ignore)
    const got = remoteFields(record, ignore)
    if (JSON.stringify(sortKeys(want)) !== JSON.stringify(sortKeys(got))) {
      mismatches.push(
        `${detail.id}: fields differ\n  local  ${JSON.stringify(sortKeys(want))}\n  remote ${JSON.stringify(sortKeys(got))}`,
      )
    }
    const wantEvents = Object.fromEntries(
      detail.eventSummaries.map((e) => [
        e.name,
        { count: e.count, first_seen: e.firstSeen, last_seen: e.lastSeen },
      ]),
    )
    if (JSON.stringify(sortKeys(wantEvents)) !== JSON.stringify(sortKeys(record.events ?? {}))) {
      mismatches.push(
        `${detail.id}: events differ: local ${JSON.stringify(wantEvents)} remote ${JSON.stringify(record.events)}`,
      )
    }
    events += detail.eventSummaries.reduce((n, e) => n + e.count, 0)
  }
  expect(mismatches.slice(0, 5)).toEqual([])
  // Nothing on the server that is not here (a profile deleted here must be gone there too).
  expect(remote.length).toBe(local.length)
  return { profiles: local.length, events }
}

function sortKeys(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)))
}

/** A logger that keeps every line (with its arguments), to prove what never appears in logs. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep =
    (level: string) =>
    (message: string, ...rest: unknown[]) => {
      lines.push(
        `${level} ${message} ${rest.map((r) => (r instanceof Error ? `${r.message} ${r.stack}` : JSON.stringify(r))).join(' ')}`,
      )
    }
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') }
}

/** `profile-desk …` from source, run to its end (a sync can take a while on a loaded machine). */
export function cli(args: string[]): Promise<Run> {
  return runCli(args, {}, 120_000)
}

/**
 * For a test file: sandboxes and apps started through these are stopped after every test, in reverse
 * order of starting.
 */
export function stoppedAfterEach(): {
  sandboxWith(options?: Parameters<typeof startSandbox>[0]): Promise<Sandbox>
  appWith(options?: Parameters<typeof openApp>[0]): App
} {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  return {
    async sandboxWith(options = {}) {
      const sandbox = await startSandbox(options)
      cleanups.push(() => sandbox.stop())
      return sandbox
    },
    appWith(options = {}) {
      const app = openApp(options)
      cleanups.push(() => app.close())
      return app
    },
  }
}

export interface TwoApps {
  sandbox: Sandbox
  a: App
  b: App
  /** Closes both apps, then stops the sandbox. */
  stop(): Promise<void>
}

/** Two apps (two data folders, two "devices") configured against one fresh sandbox. */
export async function startTwoApps(): Promise<TwoApps> {
  const sandbox = await startSandbox()
  const a = openApp()
  const b = openApp()
  await a.configure(sandbox)
  await b.configure(sandbox)
  return {
    sandbox,
    a,
    b,
    async stop() {
      await a.close()
      await b.close()
      await sandbox.stop()
    },
  }
}
