// What the `profile-desk sftp …` commands share: a source found by name, and secrets read from files
// (never from the command line, where other users and the shell history would see them).
import type { SftpSourceView, SourceSecrets } from '../../../../../shared/ipc/channels/sftp'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Backend } from '../../ipc/create-backend'
import { readSecretFile } from '../secret-file'

export interface SecretFileOptions {
  passwordFile?: string
  keyFile?: string
  passphraseFile?: string
}

/** The secrets the options name, or null when they name none; refuses both a password and a key. */
export function secretsFromFiles(options: SecretFileOptions): SourceSecrets | null {
  if (options.passwordFile !== undefined && options.keyFile !== undefined) {
    throw new AppError('validation', 'Give either --password-file or --key-file, not both.')
  }
  if (options.passphraseFile !== undefined && options.keyFile === undefined) {
    throw new AppError('validation', '--passphrase-file goes with --key-file.')
  }
  if (options.passwordFile !== undefined)
    return { password: readSecretFile('--password-file', options.passwordFile) }
  if (options.keyFile === undefined) return null
  return {
    privateKey: readSecretFile('--key-file', options.keyFile, true),
    ...(options.passphraseFile !== undefined
      ? { passphrase: readSecretFile('--passphrase-file', options.passphraseFile) }
      : {}),
  }
}

export async function sourceByName(backend: Backend, name: string): Promise<SftpSourceView> {
  const { items } = await backend.call('sftp.sources.list', {})
  const found = items.find((s) => s.name.toLowerCase() === name.trim().toLowerCase())
  if (!found) {
    const names = items.map((s) => s.name)
    throw new AppError(
      'not_found',
      `No SFTP source named "${name}".${names.length ? ` Sources: ${names.join(', ')}.` : ' None is set up yet (profile-desk sftp add).'}`,
    )
  }
  return found
}
