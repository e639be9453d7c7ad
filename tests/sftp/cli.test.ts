// `profile-desk sftp add|list|test|run|remove` as a child process (through tsx, from source) against a real
// sshd: trust on first use from the command line, a changed key refused, a test pointed at another server
// refused without the secret given again, per-file results with counts, the rejected rows' file and the
// post-action, and a non-zero exit when a file failed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { profilesCsv } from '../../test-support/sftp-harness'
import { startLyingSftpServer, type LyingSftpServer } from '../../test-support/lying-sftp-server'
import { startSshd, type Sshd } from '../../test-support/sshd-fixture'
import { runCli, type Run } from '../../test-support/cli'

// Real sshd, real imports and (for the CLI) a child process per command: slow on a loaded machine.
vi.setConfig({ testTimeout: 120_000 })

let sshd: Sshd
/** Another server, which records the passwords offered to it. */
let other: LyingSftpServer
let root: string
let dataDir: string

function cli(args: string[], timeoutMs = 90_000): Promise<Run> {
  return runCli([...args, '--data-dir', dataDir], {}, timeoutMs)
}

let passwordFile: string
let keyFile: string

function addArgs(name: string, ...extra: string[]): string[] {
  return [
    'sftp',
    'add',
    name,
    '--host',
    sshd.host,
    '--port',
    String(sshd.port),
    '--user',
    sshd.user,
    '--folder',
    sshd.local('/in'),
    ...extra,
  ]
}

beforeAll(async () => {
  sshd = await startSshd()
  sshd.mkdir('/in')
  other = await startLyingSftpServer()
  // The same folder as the source's on sshd, so a test there gets as far as listing it.
  other.mkdir(sshd.local('/in'))
  root = mkdtempSync(join(tmpdir(), 'profile-desk-sftp-cli-'))
  dataDir = join(root, 'data')
  passwordFile = join(root, 'password.txt')
  writeFileSync(passwordFile, `${sshd.password}\n`, { mode: 0o600 })
  keyFile = join(root, 'id_ed25519')
  writeFileSync(keyFile, sshd.clientKey, { mode: 0o600 })
})

afterAll(async () => {
  await other?.stop()
  await sshd?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('profile-desk sftp', () => {
  it('add without --trust prints the server’s fingerprint to check, and saves nothing', async () => {
    const run = await cli(addArgs('Nightly', '--password-file', passwordFile))
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(sshd.fingerprint)
    expect(run.stderr).toContain(`--trust ${sshd.fingerprint}`)
    expect(run.stderr).toContain('Nothing was saved')
    expect((await cli(['sftp', 'list'])).stdout).toContain('No SFTP sources yet')
  })

  it('add with a different --trust is refused as a possible man-in-the-middle', async () => {
    const run = await cli(
      addArgs('Nightly', '--password-file', passwordFile, '--trust', sshd.wrongFingerprint),
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('man-in-the-middle')
    expect(run.stderr).not.toContain(sshd.password)
  })

  it('add with the right --trust tests, saves, and lists the source', async () => {
    const run = await cli(
      addArgs(
        'Nightly',
        '--password-file',
        passwordFile,
        '--trust',
        sshd.fingerprint,
        '--after',
        'move',
        '--schedule',
        'daily 02:00',
      ),
    )
    expect(run.stderr).not.toMatch(/^error:/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Saved SFTP source "Nightly" \(Daily at 02:00; next run \d{4}-\d\d-\d\d 02:00\)\./,
    )
    const list = await cli(['sftp', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(`Nightly: ${sshd.user}@127.0.0.1:${sshd.port} ${sshd.local('/in')} (*.csv`)
    expect(list.stdout).toContain('schedule: daily 02:00')
    expect(list.stdout).toContain(`host key: ${sshd.fingerprint}`)
    expect(list.stdout).not.toContain(sshd.password)
  })

  it('test checks a saved source; pointed at another server it needs the secret again', async () => {
    const ok = await cli(['sftp', 'test', 'Nightly'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`Connected to 127.0.0.1:${sshd.port} as ${sshd.user}.`)
    const elsewhere = ['--port', String(other.port), '--trust', other.fingerprint, '--user', other.user]
    const refused = await cli(['sftp', 'test', 'Nightly', ...elsewhere])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      'error: The port, the user name and the trusted host key have changed, so the stored password is not used',
    )
    expect(other.offeredPasswords).toEqual([])
    const otherPassword = join(root, 'other-password.txt')
    writeFileSync(otherPassword, other.password, { mode: 0o600 })
    const given = await cli([
      'sftp',
      'test',
      'Nightly',
      ...elsewhere,
      '--password-file',
      otherPassword,
      '--json',
    ])
    expect(given.code).toBe(0)
    expect(JSON.parse(given.stdout)).toMatchObject({ ok: true, fingerprint: other.fingerprint })
    expect(other.offeredPasswords).toEqual([other.password])
    // Nothing was saved by a test.
    expect((await cli(['sftp', 'list'])).stdout).toContain(`Nightly: ${sshd.user}@127.0.0.1:${sshd.port}`)
  })

  it('run prints each file’s result and exits 1 when a file failed', async () => {
    sshd.put('/in/good.csv', profilesCsv('cli', 3, 1))
    sshd.put('/in/no-identity.csv', 'Name\nNobody\n')
    const run = await cli(['sftp', 'run', 'Nightly'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /^Run #1 of "Nightly": partial in [\d.]+ s \(2 files found, 1 imported, 0 already imported, 1 failed\)/,
    )
    expect(run.stdout).toMatch(
      /imported {2}good\.csv: 3 rows: 2 new, 0 updated, 0 unchanged, 1 rejected; rejected rows: .*run-\d+-rejected\.csv; moved to processed\//,
    )
    expect(run.stdout).toMatch(/failed {4}no-identity\.csv: .*identity/)
    expect(existsSync(sshd.local('/in/processed/good.csv'))).toBe(true)
    expect(existsSync(sshd.local('/in/no-identity.csv'))).toBe(true)
  })

  it('a key login source runs clean and exits 0; remove deletes it', async () => {
    rmSync(sshd.local('/in/no-identity.csv'))
    sshd.put('/in/more.csv', profilesCsv('cli-key', 2))
    sshd.put('/in/more.manifest', JSON.stringify({ fileName: 'more.csv', type: 'profile' }))
    // --manifest: taken because its manifest arrived (no stability wait).
    const added = await cli(
      addArgs('Keyed', '--key-file', keyFile, '--trust', sshd.fingerprint, '--manifest'),
    )
    expect(added.code).toBe(0)
    const run = await cli(['sftp', 'run', 'Keyed'])
    expect(run.stderr).not.toMatch(/^error:/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('imported  more.csv: 2 rows: 2 new')
    expect((await cli(['sftp', 'remove', 'Nightly'])).code).toBe(0)
    const list = await cli(['sftp', 'list'])
    expect(list).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('Keyed:') })
    expect(list.stdout).not.toContain('Nightly:')
    const gone = await cli(['sftp', 'run', 'Nightly'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('No SFTP source named "Nightly". Sources: Keyed.')
  })
})
