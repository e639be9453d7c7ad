// The web host over real HTTP on 127.0.0.1 with a real backend on a temporary database: the token,
// Host and Origin checks, the RPC wire protocol, the event stream, static files and shutdown.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { startWebHost, type WebHost } from '../../electron/backend/adapters/web-host/index'
import { MAX_BODY_BYTES } from '../../electron/backend/adapters/web-host/rpc'
import { countingSubscriptions, openSse, raw } from '../../test-support/raw-http'

const PAGE_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'"

let root: string
let rendererDir: string
let backend: Backend
let host: WebHost

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-web-host-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(
    join(rendererDir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}" /></head><body>Profile Desk page</body></html>`,
  )
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")')
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body { color: black }')
  writeFileSync(join(root, 'package.json'), '{"secret": "outside the renderer folder"}')
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer folder')
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  backend = createBackend({ dataDir: join(root, 'data'), host: 'web', logger: silentLogger })
  host = await startWebHost({ backend, port: 0, rendererDir, logger: silentLogger, heartbeatMs: 200 })
})

afterAll(async () => {
  await host?.close()
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
})

const auth = (): Record<string, string> => ({
  Authorization: `Bearer ${host.token}`,
  'Content-Type': 'application/json',
})

const rpc = (channel: string, body: string | Buffer, headers: Record<string, string> = auth()) =>
  raw(host.port, { method: 'POST', path: `/rpc/${channel}`, headers, body })

describe('launch', () => {
  it('listens on 127.0.0.1 and gives a URL that carries a fresh 256-bit token in its fragment', async () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`)
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`)
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const other = await startWebHost({ backend, rendererDir, logger: silentLogger })
    try {
      expect(other.token).not.toBe(host.token)
      expect(other.port).not.toBe(host.port)
    } finally {
      await other.close()
    }
  })
})

describe('RPC', () => {
  it('answers a call with the token with the backend envelope', async () => {
    const res = await rpc('app.info', '{}')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('application/json')
    expect(res.headers['cache-control']).toBe('no-store')
    const envelope = JSON.parse(res.body)
    expect(envelope).toMatchObject({ ok: true, value: { host: 'web', dataDir: join(root, 'data') } })
  })

  it('refuses a call without a token with 401 and an unauthorized envelope', async () => {
    const res = await rpc('app.info', '{}', { 'Content-Type': 'application/json' })
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  it('refuses a wrong token, including one that differs only in its last character', async () => {
    const last = host.token.at(-1) === 'A' ? 'B' : 'A'
    for (const token of ['nope', `${host.token.slice(0, -1)}${last}`, `${host.token}x`]) {
      const res = await rpc('app.info', '{}', { Authorization: `Bearer ${token}` })
      expect(res.status).toBe(401)
    }
  })

  it('refuses a foreign Origin with 403 even with the right token', async () => {
    const res = await rpc('app.info', '{}', { ...auth(), Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const sameOrigin = await rpc('app.info', '{}', { ...auth(), Origin: `http://localhost:${host.port}` })
    expect(sameOrigin.status).toBe(200)
  })

  it('refuses a Host other than 127.0.0.1 or localhost on its port with 403 (DNS rebinding)', async () => {
    for (const hostHeader of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`]) {
      const res = await raw(host.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { ...auth(), Host: hostHeader },
        body: '{}',
      })
      expect(res.status).toBe(403)
    }
    // Without any Host, Node's parser already answers 400 (requireHostHeader).
    const none = await raw(host.port, { path: '/', setHost: false })
    expect([400, 403]).toContain(none.status)
    const localhost = await raw(host.port, { path: '/', headers: { Host: `localhost:${host.port}` } })
    expect(localhost.status).toBe(200)
  })

  it('answers malformed JSON with 400 and a validation envelope', async () => {
    const res = await rpc('app.info', '{"unterminated": ')
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'validation' } })
  })

  it('answers an unknown channel and a malformed request with validation envelopes, and keeps serving', async () => {
    const unknown = await rpc('profiles.explode', '{}')
    expect(unknown.status).toBe(200)
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'validation' } })
    const malformed = await rpc('profiles.search', '{"query": 42, "limit": "lots"}')
    expect(malformed.status).toBe(200)
    const envelope = JSON.parse(malformed.body)
    expect(envelope).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(envelope.error.message).toContain('profiles.search')
    const after = await rpc('app.info', '{}')
    expect(JSON.parse(after.body)).toMatchObject({ ok: true })
  })

  it('treats an empty body as an empty request', async () => {
    const res = await rpc('app.info', '')
    expect(JSON.parse(res.body)).toMatchObject({ ok: true })
  })

  it('refuses GET on /rpc with 405', async () => {
    const res = await raw(host.port, { method: 'GET', path: '/rpc/app.info', headers: auth() })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })

  it('refuses a body over 16 MiB with 413', async () => {
    // Sent chunked, without a Content-Length: the server counts as it reads.
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20)
    const res = await rpc('app.info', big).catch((error: Error) => error)
    expect(res).not.toBeInstanceOf(Error)
    expect((res as { status: number }).status).toBe(413)
    const after = await rpc('app.info', '{}')
    expect(after.status).toBe(200)
  })

  it('refuses a declared Content-Length over 16 MiB with 413 before reading the body', async () => {
    const res = await raw(host.port, {
      method: 'POST',
      path: '/rpc/app.info',
      headers: { ...auth(), 'Content-Length': String(MAX_BODY_BYTES + 1) },
      body: '{}',
    })
    expect(res.status).toBe(413)
  })

  it('sets the security headers on every response', async () => {
    for (const res of [
      await rpc('app.info', '{}'),
      await raw(host.port, { path: '/' }),
      await raw(host.port, { path: '/nope' }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      // The page's own CSP, plus frame-ancestors (which a meta tag cannot carry).
      expect(res.headers['content-security-policy']).toBe(`${PAGE_CSP}; frame-ancestors 'none'`)
    }
  })
})

describe('events', () => {
  it('refuses the stream without the token', async () => {
    const stream = await openSse(host.port, '/events')
    expect(stream.status).toBe(401)
    stream.close()
    const wrong = await openSse(host.port, '/events?token=wrong')
    expect(wrong.status).toBe(401)
    wrong.close()
  })

  it('relays backend events to the stream and sends heartbeats', async () => {
    const stream = await openSse(host.port, `/events?token=${encodeURIComponent(host.token)}`)
    try {
      expect(stream.status).toBe(200)
      backend.context.events.emit('profiles.changed', { ids: ['p-1'] })
      const event = await stream.waitFor((e) => e.event === 'profiles.changed')
      expect(JSON.parse(event.data)).toEqual({ ids: ['p-1'] })
      await expect.poll(() => stream.comments.includes('heartbeat'), { timeout: 5000 }).toBe(true)
    } finally {
      stream.close()
    }
  })

  it('delivers job progress and the job.finished event of a sample.load started over RPC', async () => {
    const stream = await openSse(host.port, `/events?token=${encodeURIComponent(host.token)}`)
    try {
      const started = JSON.parse((await rpc('sample.load', '{"profiles": 20}')).body)
      expect(started).toMatchObject({ ok: true })
      const jobId: string = started.value.jobId
      const finished = await stream.waitFor(
        (e) => e.event === 'job.finished' && JSON.parse(e.data).jobId === jobId,
        20_000,
      )
      expect(JSON.parse(finished.data)).toMatchObject({ jobId, status: 'succeeded' })
      const info = JSON.parse((await rpc('app.info', '{}')).body)
      expect(info.value.profileCount).toBeGreaterThanOrEqual(20)
    } finally {
      stream.close()
    }
  })

  it('unsubscribes from the backend when a client goes away', async () => {
    const counting = countingSubscriptions(backend)
    const own = await startWebHost({ backend: counting.backend, rendererDir, logger: silentLogger })
    try {
      const a = await openSse(own.port, `/events?token=${own.token}`)
      const b = await openSse(own.port, `/events?token=${own.token}`)
      expect(counting.subscribed()).toBe(2)
      a.close()
      await vi.waitFor(() => expect(counting.subscribed()).toBe(1))
      b.close()
      await vi.waitFor(() => expect(counting.subscribed()).toBe(0))
    } finally {
      await own.close()
    }
  })
})

describe('static files', () => {
  it('serves index.html for / with the right content type, without a token', async () => {
    const res = await raw(host.port, { path: '/' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('Profile Desk page')
  })

  it('serves assets with their content types', async () => {
    const js = await raw(host.port, { path: '/assets/app.js' })
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const css = await raw(host.port, { path: '/assets/app.css?v=1' })
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    const head = await raw(host.port, { method: 'HEAD', path: '/assets/app.js' })
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('answers 404 for a missing file and a directory', async () => {
    expect((await raw(host.port, { path: '/missing.js' })).status).toBe(404)
    expect((await raw(host.port, { path: '/assets' })).status).toBe(404)
  })

  it('refuses directory traversal, plain and encoded, and symlinks out of the folder', async () => {
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/package.json',
      '/%2E%2E/secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e%5csecret.txt',
      '/assets/link.txt',
      '/index.html%00.js',
    ]
    for (const path of attempts) {
      const res = await raw(host.port, { path })
      expect([400, 403, 404], path).toContain(res.status)
      expect(res.body, path).not.toContain('outside the renderer folder')
    }
  })

  it('refuses a POST to a static path', async () => {
    expect((await raw(host.port, { method: 'POST', path: '/', body: 'x' })).status).toBe(405)
  })
})

describe('close()', () => {
  it('ends open event streams and stops listening', async () => {
    const own = await startWebHost({ backend, rendererDir, logger: silentLogger })
    const stream = await openSse(own.port, `/events?token=${own.token}`)
    expect(stream.status).toBe(200)
    await own.close()
    await stream.ended
    await expect(raw(own.port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/)
    // The backend is untouched: the first host still answers.
    expect((await rpc('app.info', '{}')).status).toBe(200)
  })
})
