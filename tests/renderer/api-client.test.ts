// The renderer's API client over HTTP against the real web host and a real backend on a temporary
// database: values come back typed, backend errors keep their code, a stale token and a stopped
// backend each give the error the app shows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { startWebHost, type WebHost } from '../../electron/backend/adapters/web-host/index'
import { ApiClient, ApiError } from '../../renderer/src/lib/api/client'
import { createHttpTransport } from '../../renderer/src/lib/api/http-transport'

let root: string
let backend: Backend
let host: WebHost

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-renderer-api-'))
  const rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Profile Desk</title>')
  backend = createBackend({ dataDir: join(root, 'data'), host: 'web', logger: silentLogger })
  host = await startWebHost({ backend, port: 0, rendererDir, logger: silentLogger })
})

afterAll(async () => {
  await host?.close()
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
})

function clientWith(token: string, onUnauthorized?: () => void): ApiClient {
  const client = new ApiClient()
  client.attach(createHttpTransport({ token, baseUrl: host.origin }), onUnauthorized)
  return client
}

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('expected the call to fail')
}

describe('api.call over the web host', () => {
  it('creates a profile and finds it again with the launch token', async () => {
    const api = clientWith(host.token)
    const created = await api.call('profiles.create', {
      changes: [{ op: 'set', key: 'Name', value: 'Zoë Renderer' }],
      identifiers: [{ kind: 'email', value: 'zoe.renderer@example.com' }],
    })
    expect(created.type).toBe('Identified')
    const found = await api.call('profiles.search', { query: 'zoe.renderer' })
    expect(found.items.map((item) => item.id)).toContain(created.id)
  })

  it("keeps the backend's error code, message and details", async () => {
    const api = clientWith(host.token)
    const error = await failureOf(api.call('profiles.get', { id: 'no-such-profile' }))
    expect(error.code).toBe('not_found')
    expect(error.message).toMatch(/no-such-profile/)

    const invalid = await failureOf(
      api.call('profiles.create', { changes: [{ op: 'set', key: 'Email', value: 'bob@' }] }),
    )
    expect(invalid.code).toBe('validation')
    expect(invalid.message).toContain('bob@')
  })

  it('reports a token from an earlier launch as unauthorized, once per refused call', async () => {
    let refused = 0
    const api = clientWith('token-from-an-earlier-launch', () => refused++)
    const error = await failureOf(api.call('profiles.list', {}))
    expect(error.code).toBe('unauthorized')
    expect(refused).toBe(1)
  })

  it('says the backend cannot be reached once it has stopped', async () => {
    const rendererDir = join(root, 'renderer')
    const second = await startWebHost({ backend, port: 0, rendererDir, logger: silentLogger })
    const client = new ApiClient()
    client.attach(createHttpTransport({ token: second.token, baseUrl: second.origin }))
    await expect(client.call('app.info', {})).resolves.toMatchObject({ host: 'web' })
    await second.close()
    const error = await failureOf(client.call('app.info', {}))
    expect(error.code).toBe('network')
    expect(error.message).toMatch(/cannot be reached/)
  })
})
