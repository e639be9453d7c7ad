// Sync test harness: a real sandbox on 127.0.0.1 port 0, real backends on temporary data folders, push
// and pull run as the jobs a window would start, and a comparison of the local cache with the server
// built from the public shapes (profiles.get on one side, the cursor download on the other).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, expect } from 'vitest'
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract'
import type { AppErrorShape } from '../../shared/ipc/envelope'
import type { JobFinishedEvent } from '../../shared/ipc/events'
import { findSystemProperty } from '../../shared/profile/catalogue'
import type { ProfileDetail } from '../../shared/profile/types'
import { toDollarDate } from '../../shared/profile/validators-dates'
import { catalogueKeyOfWire } from '../../shared/sync/wire-keys'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger, type Logger } from '../../electron/backend/core/platform/logger'
import type { SyncOptions } from '../../electron/backend/core/sync/options'
import { createSandboxServer, type SandboxOptions, type SandboxServer } from '../../sandbox/server'

export const ACCOUNT = 'SYNC-TEST'
export const PASSCODE = 'pc-7f3a-never-log-me'

/** Short waits so retries do not slow the tests; the policy's shape is the production one. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 8, offlineAttempts: 2 }

/** A seeded PRNG (mulberry32): the same seed gives the same faults and the same changes. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Sandbox {
  server: SandboxServer
  baseUrl: string
  dataDir: string
  /** Every profile on the server, with event summaries (the cursor download). */
  profiles(): Promise<RemoteRecord[]>
  upload(records: unknown[]): Promise<Record<string, unknown>>
  stop(): Promise<void>
}

export interface RemoteRecord {
  identity?: string
  name?: string
  email?: string
  phone?: string | number
  profileData: Record<string, unknown>
  events?: Record<string, { count: number; first_seen: number; last_seen: number }>
  platformInfo: { objectId: string }[]
}

export const headers = {
  'X-CleverTap-Account-Id': ACCOUNT,
  'X-CleverTap-Passcode': PASSCODE,
  'Content-Type': 'application/json; charset=utf-8',
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sync-sandbox-'))
  const server = await createSandboxServer({ account: ACCOUNT, passcode: PASSCODE, dataDir, ...options })
  const api = `${server.baseUrl}/1`
  return {
    server,
    baseUrl: server.baseUrl,
    dataDir,
    async profiles() {
      // Retries on injected faults: a 503 or a dropped connection changes nothing for a download.
      const fetchJson = async (url: string, init: RequestInit): Promise<Record<string, unknown>> => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            const response = await fetch(url, init)
            if (response.status === 200) return (await response.json()) as Record<string, unknown>
            if (attempt >= 50) throw new Error(`download answered ${response.status}`)
          } catch (error) {
            if (attempt >= 50) throw error
          }
        }
      }
      const started = await fetchJson(`${api}/profiles.json?batch_size=5000&events=true`, {
        method: 'POST',
        headers,
        body: '{}',
      })
      const records: RemoteRecord[] = []
      let cursor = started.cursor as string | undefined
      for (let page = 0; cursor !== undefined && page < 1000; page += 1) {
        const body = await fetchJson(`${api}/profiles.json?cursor=${cursor}`, { headers })
        records.push(...(body.records as RemoteRecord[]))
        cursor = body.next_cursor as string | undefined
      }
      return records
    },
    async upload(records) {
      const response = await fetch(`${api}/upload`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ d: records }),
      })
      return (await response.json()) as Record<string, unknown>
    },
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface App {
  backend: Backend
  dataDir: string
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  /** Dispatches a request expected to fail; returns the error envelope's error. */
  fail(channel: string, request: unknown): Promise<AppErrorShape>
  /** Points the app at a sandbox (stored settings, passcode in the secret store). */
  configure(sandbox: Sandbox, extra?: RequestOf<'sync.settings.set'>): Promise<void>
  /** Starts a job and resolves with its job.finished event (each of these channels starts a job of its name). */
  run<C extends 'sync.push' | 'sync.pull' | 'sync.now'>(
    channel: C,
    request?: Record<string, unknown>,
  ): Promise<JobFinishedEvent<C>>
  /** Pushes until nothing is left to send (bounded), failing the test if that never happens. */
  pushUntilDone(maxRuns?: number): Promise<JobFinishedEvent<'sync.push'>[]>
  rows<T>(sql: string, ...params: unknown[]): T[]
  close(): Promise<void>
}

export function openApp(
  options: { dataDir?: string; sync?: SyncOptions; logger?: Logger; clock?: () => number } = {},
): App {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sync-app-'))
  const backend = createBackend({
    dataDir,
    host: 'test',
    logger: options.logger ?? silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
    sync: { autoSync: false, retry: FAST_RETRY, requestTimeoutMs: 10_000, ...options.sync },
  })
  const app: App = {
    backend,
    dataDir,
    call: (channel, request) => backend.call(channel, request),
    async fail(channel, request) {
      const reply = await backend.dispatch(channel, request)
      if (reply.ok) throw new Error(`${channel} succeeded but was expected to fail`)
      return reply.error
    },
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
      const finished = new Map<string, JobFinishedEvent>()
      let wanted: string | null = null
      let done: ((event: JobFinishedEvent) => void) | null = null
      const off = backend.on('job.finished', (event) => {
        finished.set(event.jobId, event)
        if (event.jobId === wanted) done?.(event)
      })
      try {
        const { jobId } = await backend.call(channel, request as never)
        wanted = jobId
        const event =
          finished.get(jobId) ?? (await new Promise<JobFinishedEvent>((resolve) => (done = resolve)))
        return event as JobFinishedEvent<C>
      } finally {
        off()
      }
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
    rows: <T>(sql: string, ...params: unknown[]) => backend.context.db.prepare(sql).all(...params) as T[],
    async close() {
      await backend.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
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

export const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'electron/backend/adapters/cli/main.ts')

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Starts `profile-desk …` as a child process from source (tsx), like a person at a terminal would. */
export function spawnCli(args: string[]): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PROFILE_DESK_DATA_DIR: '' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  const done = new Promise<CliRun>((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`profile-desk ${args.join(' ')} did not finish in time; stderr: ${stderr}`))
    }, 120_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolveRun({ code, signal, stdout, stderr })
    })
  })
  return { child, done }
}

export function cli(args: string[]): Promise<CliRun> {
  return spawnCli(args).done
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
