// Secrets the command line reads from files (never from its arguments, where other users and the shell
// history would see them): one reader for sync's --passcode-file and the sftp --*-file flags.
import { readFileSync } from 'node:fs'
import { AppError } from '../../../../shared/ipc/envelope'

/**
 * The secret in `file`, named by `flag` in errors. A passcode or password file usually ends with a newline
 * that is not part of the secret, so one is dropped; `whole` keeps the text as it is (a private key).
 * An unreadable file, or one that is empty or only white space, is a validation AppError.
 */
export function readSecretFile(flag: string, file: string, whole = false): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new AppError(
      'validation',
      `Cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`,
    )
  }
  const value = whole ? text : text.replace(/\r?\n$/, '')
  if (value.trim() === '') {
    throw new AppError(
      'validation',
      `${flag} ${file} is empty (or holds only spaces): write the secret into it and run the command again.`,
    )
  }
  return value
}
