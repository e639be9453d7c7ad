// The sandbox API server for tests, in this process on 127.0.0.1 (port 0, a temporary data folder unless
// given one), talked to over real HTTP with fetch; the one startSandbox. (sandbox-process.ts runs it as
// a child process instead, for e2e and benchmarks.) The account and passcode every suite uses.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSandboxServer, type SandboxOptions, type SandboxServer } from '../sandbox/server'

import { ACCOUNT, PASSCODE } from './sandbox-account'

export { ACCOUNT, PASSCODE }

export const authHeaders = {
  'X-CleverTap-Account-Id': ACCOUNT,
  'X-CleverTap-Passcode': PASSCODE,
  'Content-Type': 'application/json; charset=utf-8',
}

export interface Reply {
  status: number
  // Tests read fields of CleverTap's JSON replies; the shapes are asserted, not assumed.
  body: Record<string, unknown>
}

export interface UploadReply {
  status: 'success' | 'partial' | 'fail'
  processed: number
  unprocessed: { status: string; code: number; error: string; record: unknown }[]
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

export type ProfileRecord = RemoteRecord & { events: NonNullable<RemoteRecord['events']> }

export interface Sandbox {
  server: SandboxServer
  baseUrl: string
  /** The server's data folder (the one given, or a temporary one `stop` removes). */
  dataDir: string
  /** POST JSON (or a raw string) with the account headers; the reply's status and parsed body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>
  get(path: string, headers?: Record<string, string>): Promise<Reply>
  /** POST /1/upload; throws unless the server answers 200. */
  upload(records: unknown[]): Promise<UploadReply>
  /** GET /1/profile.json?identity=… and return the record (throws when not found). */
  profileByIdentity(identity: string): Promise<ProfileRecord>
  /** Every profile on the server, with event summaries (the cursor download, retried through faults). */
  profiles(): Promise<RemoteRecord[]>
  stop(): Promise<void>
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const ownDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'sandbox-test-')) : null
  const dataDir = options.dataDir ?? (ownDir as string)
  const server = await createSandboxServer({ account: ACCOUNT, passcode: PASSCODE, ...options, dataDir })
  const send = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = authHeaders,
  ): Promise<Reply> => {
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body)
    const response = await fetch(server.baseUrl + path, init)
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  // Retries on injected faults: a 503 or a dropped connection changes nothing for a download.
  const download = async (path: string, method: 'GET' | 'POST'): Promise<Record<string, unknown>> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const reply = await send(method, path, method === 'POST' ? '{}' : undefined)
        if (reply.status === 200) return reply.body
        if (attempt >= 50) throw new Error(`download answered ${reply.status}`)
      } catch (error) {
        if (attempt >= 50) throw error
      }
    }
  }
  return {
    server,
    baseUrl: server.baseUrl,
    dataDir,
    post: (path, body, headers) => send('POST', path, body, headers),
    get: (path, headers) => send('GET', path, undefined, headers),
    async upload(records) {
      const reply = await send('POST', '/1/upload', { d: records })
      if (reply.status !== 200)
        throw new Error(`upload answered ${reply.status}: ${JSON.stringify(reply.body)}`)
      return reply.body as unknown as UploadReply
    },
    async profileByIdentity(identity) {
      const reply = await send('GET', `/1/profile.json?identity=${encodeURIComponent(identity)}`)
      if (reply.body.status !== 'success')
        throw new Error(`no profile for ${identity}: ${JSON.stringify(reply.body)}`)
      return reply.body.record as ProfileRecord
    },
    async profiles() {
      const started = await download('/1/profiles.json?batch_size=5000&events=true', 'POST')
      const records: RemoteRecord[] = []
      let cursor = started.cursor as string | undefined
      for (let page = 0; cursor !== undefined && page < 1000; page += 1) {
        const body = await download(`/1/profiles.json?cursor=${cursor}`, 'GET')
        records.push(...(body.records as RemoteRecord[]))
        cursor = body.next_cursor as string | undefined
      }
      return records
    },
    async stop() {
      await server.close()
      if (ownDir) rmSync(ownDir, { recursive: true, force: true })
    },
  }
}
