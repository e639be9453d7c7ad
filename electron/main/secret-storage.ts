// Secrets kept by the main process with Electron's safeStorage (the OS keychain): each secret is
// encrypted and its ciphertext stored in <dataDir>/secrets/<name>.bin with mode 0600. Where the OS
// offers no keychain (Linux without a secret service), the file is still user-only and the settings
// screen says so. The backend reaches this over the utility-process protocol.
import { randomUUID } from 'node:crypto'
import { readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { safeStorage } from 'electron'
import { ensurePrivateDir, writePrivateFile, type SecretStorageInfo } from '../backend/core/platform/index'
import type { FromBackend, SecretReply } from '../backend/adapters/utility-process/protocol'

type SecretRequest = Extract<FromBackend, { type: 'secret' }>
export type SafeStorageLike = Pick<
  typeof safeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>

/** A marker byte in front of the stored bytes: encrypted by safeStorage, or plain (no keychain). */
const ENCRYPTED = 0x45 // 'E'
const PLAIN = 0x50 // 'P'

export const NO_KEYCHAIN_WARNING =
  'No OS keychain is available, so the passcode is stored unencrypted in a file readable only by your ' +
  'user account (the secrets folder in the data folder). Install or unlock a keyring (e.g. GNOME Keyring or ' +
  'KWallet) to have it encrypted.'

export class SafeStorageSecrets {
  private readonly dir: string

  constructor(
    dataDir: string,
    private readonly injected: SafeStorageLike | null = null,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.dir = join(dataDir, 'secrets')
  }

  /** Read on first use, not at construction: safeStorage works only once the app is ready. */
  private get storage(): SafeStorageLike {
    return this.injected ?? safeStorage
  }

  async describe(): Promise<SecretStorageInfo> {
    return (await this.encrypting())
      ? { storage: 'os-keychain', warning: null }
      : { storage: 'file', warning: NO_KEYCHAIN_WARNING }
  }

  /** Answers one request from the backend; failures become a message that never holds the secret. */
  async handle(request: SecretRequest): Promise<SecretReply> {
    try {
      switch (request.op) {
        case 'describe':
          return { type: 'secret-reply', id: request.id, ok: true, value: null, info: await this.describe() }
        case 'get':
          return { type: 'secret-reply', id: request.id, ok: true, value: await this.get(request.name) }
        case 'set':
          await this.set(request.name, request.value ?? '')
          return { type: 'secret-reply', id: request.id, ok: true, value: null }
        case 'delete':
          rmSync(this.fileOf(request.name), { force: true })
          return { type: 'secret-reply', id: request.id, ok: true, value: null }
      }
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name ?? 'error'
      return {
        type: 'secret-reply',
        id: request.id,
        ok: false,
        message: `Could not ${request.op} the secret "${request.name}" (${reason}).`,
      }
    }
  }

  /**
   * Whether safeStorage really encrypts: on Linux its 'basic_text' backend uses a fixed key, which is
   * no protection, so that counts as no keychain.
   */
  private async encrypting(): Promise<boolean> {
    if (!(await this.storage.isAsyncEncryptionAvailable())) return false
    return this.platform !== 'linux' || this.storage.getSelectedStorageBackend() !== 'basic_text'
  }

  private fileOf(name: string): string {
    // Hex keeps any secret name a safe file name.
    return join(this.dir, `${Buffer.from(name, 'utf8').toString('hex')}.bin`)
  }

  private async get(name: string): Promise<string | null> {
    let bytes: Buffer
    try {
      bytes = readFileSync(this.fileOf(name))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    const marker = bytes[0]
    const body = bytes.subarray(1)
    if (marker === PLAIN) return body.toString('utf8')
    if (marker !== ENCRYPTED) throw new Error('unreadable secret file')
    return (await this.storage.decryptStringAsync(body)).result
  }

  private async set(name: string, value: string): Promise<void> {
    const body = (await this.encrypting())
      ? Buffer.concat([Buffer.from([ENCRYPTED]), await this.storage.encryptStringAsync(value)])
      : Buffer.concat([Buffer.from([PLAIN]), Buffer.from(value, 'utf8')])
    ensurePrivateDir(this.dir)
    const file = this.fileOf(name)
    const temporary = `${file}.${randomUUID()}.tmp`
    writePrivateFile(temporary, body)
    renameSync(temporary, file)
  }
}
