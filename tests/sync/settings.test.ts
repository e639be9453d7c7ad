// Sync settings: where the remote is (regions, a custom base URL), the passcode kept in a user-only file
// with a visible warning outside Electron, never returned, never logged, never in the database; and
// "test connection" telling apart wrong credentials, an unreachable server and missing settings.
import { readdirSync, readFileSync, statSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SECRETS_FILE } from '../../electron/backend/core/platform/secret-store'
import {
  ACCOUNT,
  PASSCODE,
  openApp,
  recordingLogger,
  startSandbox,
  type App,
  type Sandbox,
} from '../../test-support/sync-harness'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function appWith(options: Parameters<typeof openApp>[0] = {}): App {
  const app = openApp(options)
  cleanups.push(() => app.close())
  return app
}

async function sandbox(): Promise<Sandbox> {
  const started = await startSandbox()
  cleanups.push(() => started.stop())
  return started
}

describe('the remote', () => {
  it('resolves CleverTap regions (eu1 is the bare host) and normalises a custom base URL', async () => {
    const app = appWith()
    const expected: Record<string, string> = {
      eu1: 'https://api.clevertap.com/1',
      in1: 'https://in1.api.clevertap.com/1',
      sg1: 'https://sg1.api.clevertap.com/1',
      us1: 'https://us1.api.clevertap.com/1',
      aps3: 'https://aps3.api.clevertap.com/1',
      mec1: 'https://mec1.api.clevertap.com/1',
    }
    for (const [region, endpoint] of Object.entries(expected)) {
      const view = await app.call('sync.settings.set', {
        remote: { kind: 'region', region: region as 'eu1' },
      })
      expect(view.endpoint).toBe(endpoint)
    }
    const custom = await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: 'https://gateway.example.com/' },
    })
    expect(custom.endpoint).toBe('https://gateway.example.com/1')
    const local = await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: 'http://127.0.0.1:8080/1' },
    })
    expect(local.endpoint).toBe('http://127.0.0.1:8080/1')
  })

  it('refuses plain http off this computer, so the passcode never crosses a network in clear text', async () => {
    const app = appWith()
    const error = await app.fail('sync.settings.set', {
      remote: { kind: 'url', baseUrl: 'http://api.example.com' },
    })
    expect(error.code).toBe('validation')
    expect(error.message).toContain('use https')
    expect((await app.fail('sync.settings.set', { remote: { kind: 'region', region: 'xx9' } })).code).toBe(
      'validation',
    )
    expect((await app.call('sync.settings.get', {})).remote).toBeNull()
  })
})

describe('the passcode', () => {
  it('is stored in a 0600 file with a warning, and only "stored: yes" ever comes back', async () => {
    const logger = recordingLogger()
    const app = appWith({ logger })
    const events: unknown[] = []
    app.backend.onAny((name, payload) => events.push({ name, payload }))
    const replies: unknown[] = []

    replies.push(await app.call('sync.settings.get', {}))
    expect(replies[0]).toMatchObject({ passcodeStored: false, configured: false, secretStorage: 'file' })
    const server = await sandbox()
    replies.push(
      await app.call('sync.settings.set', {
        remote: { kind: 'url', baseUrl: server.baseUrl },
        accountId: ACCOUNT,
        passcode: PASSCODE,
      }),
    )
    const view = await app.call('sync.settings.get', {})
    replies.push(view)
    expect(view).toMatchObject({ passcodeStored: true, configured: true, secretStorage: 'file' })
    expect(view.secretWarning).toContain('not in the OS keychain')

    const file = join(app.dataDir, SECRETS_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toContain(PASSCODE)
    // A copy or restore that loosened the mode is tightened again on the next read.
    chmodSync(file, 0o644)
    replies.push(await app.call('sync.testConnection', {}))
    expect(statSync(file).mode & 0o777).toBe(0o600)

    // Wrong credentials, a failing push, status, history: none of it may carry the passcode.
    await app.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'x-1' }], changes: [] })
    replies.push(await app.call('sync.testConnection', { connection: { passcode: `${PASSCODE}-wrong` } }))
    replies.push(await app.run('sync.push', { connection: { passcode: `${PASSCODE}-wrong` } }))
    replies.push(await app.run('sync.push'))
    replies.push(await app.call('sync.status', {}))
    replies.push(await app.call('sync.runs.list', {}))
    replies.push(await app.fail('sync.settings.set', { passcode: '' }))

    const seen = JSON.stringify({ replies, events, log: logger.lines })
    expect(seen).not.toContain(PASSCODE)
    // Nor the database (the file, its WAL): only the secrets file holds it.
    for (const name of readdirSync(app.dataDir)) {
      if (name === SECRETS_FILE) continue
      const path = join(app.dataDir, name)
      if (statSync(path).isFile())
        expect(readFileSync(path).includes(Buffer.from(PASSCODE)), name).toBe(false)
    }

    // Forgetting it removes it from the file.
    const forgotten = await app.call('sync.settings.set', { passcode: null })
    expect(forgotten).toMatchObject({ passcodeStored: false, configured: false })
    expect(readFileSync(file, 'utf8')).not.toContain(PASSCODE)
  })
})

describe('test connection', () => {
  it('says ok, credentials refused, unreachable or not set up, in plain words', async () => {
    const app = appWith()
    const missing = await app.call('sync.testConnection', {})
    expect(missing).toMatchObject({ ok: false, outcome: 'not_configured' })
    expect(missing.message).toContain('the remote')

    const server = await sandbox()
    await app.configure(server)
    const ok = await app.call('sync.testConnection', {})
    expect(ok).toMatchObject({ ok: true, outcome: 'ok', endpoint: `${server.baseUrl}/1` })
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0)
    expect((await app.call('sync.status', {})).connection).toBe('online')

    // A form's unsaved values are tried without saving them.
    const refused = await app.call('sync.testConnection', {
      connection: { accountId: 'someone-else', passcode: 'their-passcode' },
    })
    expect(refused).toMatchObject({ ok: false, outcome: 'unauthorized' })
    expect((await app.call('sync.settings.get', {})).accountId).toBe(ACCOUNT)

    await server.server.close()
    const offline = await app.call('sync.testConnection', {})
    expect(offline).toMatchObject({ ok: false, outcome: 'offline' })
    expect(offline.message).toContain('Cannot reach')
    expect((await app.call('sync.status', {})).connection).toBe('offline')
  })
})
