// The passcode in the desktop app, with `electron` mocked: the backend (utility process) asks the main
// process, which encrypts with safeStorage and keeps only ciphertext, in a user-only file. Where no OS
// keychain exists (Linux's basic_text), the settings say so.
import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { SECRETS_FILE } from '../../electron/backend/core/platform/secret-store'
import {
  startUtilityBackend,
  type UtilityBackend,
} from '../../electron/backend/adapters/utility-process/entry'
import { fakeElectron } from '../../test-support/fake-electron'

const keychain = vi.hoisted(() => ({
  available: true,
  backend: 'gnome_libsecret' as 'basic_text' | 'gnome_libsecret',
}))

vi.mock('electron', async () => {
  const { fakeElectron: fake } = await import('../../test-support/fake-electron')
  // A stand-in cipher: reversible, and visibly not the plain text.
  const safeStorage = {
    isAsyncEncryptionAvailable: () => Promise.resolve(keychain.available),
    getSelectedStorageBackend: () => keychain.backend,
    encryptStringAsync: (text: string) =>
      Promise.resolve(Buffer.from(`enc:${Buffer.from(text).toString('base64')}`)),
    decryptStringAsync: (data: Buffer) =>
      Promise.resolve({
        shouldReEncrypt: false,
        result: Buffer.from(data.toString().replace(/^enc:/, ''), 'base64').toString(),
      }),
  }
  return { ...fake.module, safeStorage }
})

const { SafeStorageSecrets, NO_KEYCHAIN_WARNING } = await import('../../electron/main/secret-storage')
const { BackendProcess } = await import('../../electron/main/backend-process')

const SECRET = 'pc-electron-3b9d'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sync-electron-'))
  keychain.available = true
  keychain.backend = 'gnome_libsecret'
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function secretFiles(dataDir: string): string[] {
  const folder = join(dataDir, 'secrets')
  return existsSync(folder) ? readdirSync(folder).map((name) => join(folder, name)) : []
}

describe('main: safeStorage secrets', () => {
  it('keeps only ciphertext, in a 0600 file, and reads it back', async () => {
    const secrets = new SafeStorageSecrets(dir, null, 'linux')
    expect(await secrets.describe()).toEqual({ storage: 'os-keychain', warning: null })
    expect(
      await secrets.handle({ type: 'secret', id: 1, op: 'set', name: 'clevertap.passcode', value: SECRET }),
    ).toEqual({
      type: 'secret-reply',
      id: 1,
      ok: true,
      value: null,
    })
    const [file] = secretFiles(dir)
    expect(file).toBeDefined()
    expect(statSync(file!).mode & 0o777).toBe(0o600)
    expect(readFileSync(file!).includes(Buffer.from(SECRET))).toBe(false)
    expect(
      await secrets.handle({ type: 'secret', id: 2, op: 'get', name: 'clevertap.passcode' }),
    ).toMatchObject({
      ok: true,
      value: SECRET,
    })
    await secrets.handle({ type: 'secret', id: 3, op: 'delete', name: 'clevertap.passcode' })
    expect(
      await secrets.handle({ type: 'secret', id: 4, op: 'get', name: 'clevertap.passcode' }),
    ).toMatchObject({
      ok: true,
      value: null,
    })
  })

  it("says when there is no real keychain (Linux's basic_text) instead of pretending", async () => {
    keychain.backend = 'basic_text'
    const secrets = new SafeStorageSecrets(dir, null, 'linux')
    expect(await secrets.describe()).toEqual({ storage: 'file', warning: NO_KEYCHAIN_WARNING })
    await secrets.handle({ type: 'secret', id: 1, op: 'set', name: 'n', value: SECRET })
    expect(statSync(secretFiles(dir)[0]!).mode & 0o777).toBe(0o600)
    keychain.available = false
    expect((await secrets.describe()).storage).toBe('file')
    expect(await secrets.handle({ type: 'secret', id: 2, op: 'get', name: 'n' })).toMatchObject({
      value: SECRET,
    })
  })
})

describe('main: the backend process relay', () => {
  it("answers the utility process's secret requests, to the process that asked", async () => {
    fakeElectron.forks.length = 0
    const backend = new BackendProcess({
      modulePath: '/app/out/main/backend-process.js',
      dataDir: dir,
      logger: silentLogger,
      onEvent: vi.fn(),
      stopTimeoutMs: 50,
      secrets: new SafeStorageSecrets(dir, null, 'darwin'),
    })
    backend.start()
    const child = fakeElectron.forks[0]!
    child.reply({ type: 'secret', id: 7, op: 'set', name: 'clevertap.passcode', value: SECRET })
    await vi.waitFor(() =>
      expect(child.posted).toContainEqual({ type: 'secret-reply', id: 7, ok: true, value: null }),
    )
    child.reply({ type: 'secret', id: 8, op: 'get', name: 'clevertap.passcode' })
    await vi.waitFor(() =>
      expect(child.posted).toContainEqual({ type: 'secret-reply', id: 8, ok: true, value: SECRET }),
    )
    await backend.stop()
  })
})

class FakeParentPort extends EventEmitter {
  constructor(private readonly main: InstanceType<typeof SafeStorageSecrets>) {
    super()
  }
  readonly posted: Record<string, unknown>[] = []
  postMessage(message: Record<string, unknown>): void {
    this.posted.push(message)
    // Main answers secret requests the way backend-process.ts does.
    if (message.type === 'secret') {
      void this.main.handle(message as never).then((reply) => this.emit('message', { data: reply }))
    }
  }
  send(data: unknown): void {
    this.emit('message', { data })
  }
  async replyTo(id: number): Promise<Record<string, unknown>> {
    await vi.waitFor(() => expect(this.posted.some((m) => m.type === 'reply' && m.id === id)).toBe(true))
    return this.posted.find((m) => m.type === 'reply' && m.id === id)!
  }
}

describe('utility process: the backend asks main', () => {
  let started: UtilityBackend | null = null
  afterEach(async () => {
    await started?.backend?.close()
    started = null
  })

  it('stores the passcode through main, reports the keychain, and never writes it itself', async () => {
    const port = new FakeParentPort(new SafeStorageSecrets(dir, null, 'darwin'))
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit: vi.fn() })
    port.send({
      type: 'rpc',
      id: 1,
      channel: 'sync.settings.set',
      request: { remote: { kind: 'region', region: 'in1' }, accountId: 'ACC', passcode: SECRET },
    })
    const reply = await port.replyTo(1)
    expect(reply.envelope).toMatchObject({
      ok: true,
      value: { passcodeStored: true, configured: true, secretStorage: 'os-keychain', secretWarning: null },
    })
    expect(JSON.stringify(reply)).not.toContain(SECRET)
    // The secret went to main as a request; the backend kept no file of its own.
    expect(port.posted.some((m) => m.type === 'secret' && m.op === 'set')).toBe(true)
    expect(existsSync(join(dir, SECRETS_FILE))).toBe(false)
    expect(secretFiles(dir)).toHaveLength(1)
    expect(readFileSync(secretFiles(dir)[0]!).includes(Buffer.from(SECRET))).toBe(false)
  })
})
