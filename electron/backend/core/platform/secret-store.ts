// The secret store port (API passcodes, later SFTP passwords) and its file implementation for the web
// host, the CLI and tests: one JSON file in the data dir, readable and writable only by the user (0600).
// In Electron the utility process asks the main process instead, which uses safeStorage.
import { closeSync, fsyncSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { openPrivateFile, tightenFile } from './private-files'

export interface SecretStorageInfo {
  /** 'os-keychain': encrypted with the OS keychain (Electron safeStorage); 'file': a user-only file. */
  storage: 'os-keychain' | 'file'
  /** Plain words for the settings screen when the storage is weaker than the keychain; null otherwise. */
  warning: string | null
}

export interface SecretStore {
  describe(): Promise<SecretStorageInfo>
  /** Null when no secret of that name is stored. */
  get(name: string): Promise<string | null>
  set(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
}

export const SECRETS_FILE = 'secrets.json'

export const FILE_STORAGE_WARNING =
  'The passcode is stored unencrypted in a file readable only by your user account (secrets.json in the ' +
  'data folder), not in the OS keychain. Anyone who can log in as you, or read your backups, can read it.'

interface SecretsFile {
  version: 1
  secrets: Record<string, string>
}

/** Secrets in `<dataDir>/secrets.json` with mode 0600, replaced atomically (write, fsync, rename). */
export class FileSecretStore implements SecretStore {
  private readonly file: string

  constructor(dataDir: string) {
    this.file = join(dataDir, SECRETS_FILE)
  }

  describe(): Promise<SecretStorageInfo> {
    return Promise.resolve({ storage: 'file', warning: FILE_STORAGE_WARNING })
  }

  get(name: string): Promise<string | null> {
    return Promise.resolve(this.read().secrets[name] ?? null)
  }

  set(name: string, value: string): Promise<void> {
    const current = this.read()
    this.write({ version: 1, secrets: { ...current.secrets, [name]: value } })
    return Promise.resolve()
  }

  delete(name: string): Promise<void> {
    const current = this.read()
    if (current.secrets[name] === undefined) return Promise.resolve()
    const secrets = { ...current.secrets }
    delete secrets[name]
    this.write({ version: 1, secrets })
    return Promise.resolve()
  }

  private read(): SecretsFile {
    let text: string
    try {
      // Someone may have loosened the mode by hand (a copy, a restore): tighten it before reading.
      tightenFile(this.file)
      text = readFileSync(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, secrets: {} }
      throw error
    }
    const parsed: unknown = JSON.parse(text)
    const secrets = (parsed as { secrets?: unknown } | null)?.secrets
    if (typeof secrets !== 'object' || secrets === null) return { version: 1, secrets: {} }
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(secrets)) if (typeof value === 'string') out[key] = value
    return { version: 1, secrets: out }
  }

  private write(content: SecretsFile): void {
    const temporary = `${this.file}.${process.pid}.tmp`
    // Created with 0600 from the start: the secret is never on disk with a wider mode.
    const fd = openPrivateFile(temporary, 'w')
    try {
      writeSync(fd, JSON.stringify(content))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, this.file)
  }
}
