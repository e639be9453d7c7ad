// The one reader of secrets from files (sync's --passcode-file, the sftp --*-file flags): a trailing newline
// dropped, a key kept whole, and an unreadable, empty or blank file refused with a message naming the flag.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readSecretFile } from '../../electron/backend/adapters/cli/secret-file'
import { connectionFromOptions } from '../../electron/backend/adapters/cli/commands/sync'
import { secretsFromFiles } from '../../electron/backend/adapters/cli/commands/sftp-shared'
import { AppError } from '../../shared/ipc/envelope'

const dir = mkdtempSync(join(tmpdir(), 'secret-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function fileWith(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function refusal(read: () => unknown): AppError {
  try {
    read()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected a validation error')
}

describe('readSecretFile', () => {
  it('drops one trailing newline, and keeps the text whole when asked (a private key)', () => {
    expect(readSecretFile('--passcode-file', fileWith('p', 'pa ss\r\n'))).toBe('pa ss')
    const key = '-----BEGIN KEY-----\nabc\n-----END KEY-----\n'
    expect(readSecretFile('--key-file', fileWith('k', key), true)).toBe(key)
  })

  it('refuses a missing file, naming the flag and the reason', () => {
    const error = refusal(() => readSecretFile('--password-file', join(dir, 'missing')))
    expect(error.code).toBe('validation')
    expect(error.message).toBe(`Cannot read --password-file ${join(dir, 'missing')}: ENOENT.`)
  })

  it.each([
    ['empty', ''],
    ['a newline only', '\n'],
    ['spaces only', '   \n'],
  ])('refuses a file that is %s, saying what to do', (_label, text) => {
    const file = fileWith(`blank-${text.length}`, text)
    const error = refusal(() => readSecretFile('--passcode-file', file))
    expect(error.code).toBe('validation')
    expect(error.message).toBe(
      `--passcode-file ${file} is empty (or holds only spaces): write the secret into it and run the command again.`,
    )
  })
})

describe('both commands refuse a blank secret the same way', () => {
  it('sync: a --passcode-file of only spaces is refused (it used to be sent as the passcode)', () => {
    const file = fileWith('spaces-passcode', '    \n')
    const error = refusal(() =>
      connectionFromOptions({ baseUrl: 'http://127.0.0.1:9', account: 'acc', passcodeFile: file }),
    )
    expect(error.code).toBe('validation')
    expect(error.message).toContain(`--passcode-file ${file} is empty (or holds only spaces)`)
  })

  it('sftp: a --password-file of only spaces is refused', () => {
    const file = fileWith('spaces-password', '  \n')
    const error = refusal(() => secretsFromFiles({ passwordFile: file }))
    expect(error.message).toContain(`--password-file ${file} is empty (or holds only spaces)`)
  })
})
