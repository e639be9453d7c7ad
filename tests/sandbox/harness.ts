// Starts a sandbox on 127.0.0.1 port 0 for a test and talks to it over real HTTP with fetch.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSandboxServer, type SandboxOptions, type SandboxServer } from '../../sandbox/server'

export const ACCOUNT = 'TEST-ACCOUNT'
export const PASSCODE = 'test-passcode'

export interface Harness {
  server: SandboxServer
  dataDir: string
  /** POST JSON (or a raw string) with the account headers; the reply's status and parsed body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>
  get(path: string, headers?: Record<string, string>): Promise<Reply>
  upload(records: unknown[]): Promise<UploadReply>
  /** GET /1/profile.json?identity=… and return the record (throws when not found). */
  profileByIdentity(identity: string): Promise<ProfileRecord>
  stop(): Promise<void>
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

export interface ProfileRecord {
  identity?: string
  email?: string
  name?: string
  phone?: string
  profileData: Record<string, unknown>
  events: Record<string, { count: number; first_seen: number; last_seen: number }>
  platformInfo: { objectId: string }[]
}

export const authHeaders = {
  'X-CleverTap-Account-Id': ACCOUNT,
  'X-CleverTap-Passcode': PASSCODE,
  'Content-Type': 'application/json; charset=utf-8',
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-test-'))
  const server = await createSandboxServer({ account: ACCOUNT, passcode: PASSCODE, dataDir, ...options })
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
  const harness: Harness = {
    server,
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
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return harness
}
