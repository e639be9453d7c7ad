// "Test connection" against a real OpenSSH server: trust on first use (the fingerprint is shown and
// nothing is sent), password and key logins, and each failure named exactly: wrong password, changed
// host key (possible man-in-the-middle), connection refused, folder missing, not a folder, permission
// denied, unreadable key. Secrets are stored in the secret store and never returned.
import { chmodSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { connectFailure } from '../../electron/backend/core/sftp/connection'
import { openSftpHarness, type SftpHarness } from '../../test-support/sftp-harness'
import { KEY_PASSPHRASE, startSshd, type Sshd } from '../../test-support/sshd-fixture'

// Real sshd, real imports and (for the CLI) a child process per command: slow on a loaded machine.
vi.setConfig({ testTimeout: 120_000 })

let sshd: Sshd
let h: SftpHarness

beforeAll(async () => {
  sshd = await startSshd()
  sshd.mkdir('/in')
  sshd.put('/in/a.csv', 'identity,Name\nu1,A\n')
  sshd.put('/in/b.csv', 'identity,Name\nu2,B\n')
  sshd.put('/in/notes.txt', 'not a csv')
  h = openSftpHarness(sshd)
})

afterAll(async () => {
  await h?.close()
  await sshd?.stop()
})

function draft(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Nightly CRM',
    host: sshd.host,
    port: sshd.port,
    username: sshd.user,
    auth: 'password' as const,
    hostKey: sshd.fingerprint,
    folder: sshd.local('/in'),
    ...overrides,
  }
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1))
    })
  })
}

describe('first connection: trust on first use', () => {
  it('shows the server’s fingerprint and sends no password until the key is trusted', async () => {
    const before = sshd.log()
    const result = await h.call('sftp.sources.test', {
      source: draft({ hostKey: null }),
      secrets: { password: sshd.password },
    })
    expect(result.ok).toBe(false)
    expect(result.outcome).toBe('untrusted')
    expect(result.fingerprint).toBe(sshd.fingerprint)
    expect(result.keyType).toBe('ssh-ed25519')
    expect(result.message).toContain(sshd.fingerprint)
    expect(result.message).toContain('nothing was sent')
    // The server saw no login attempt at all.
    const during = sshd.log().slice(before.length)
    expect(during).not.toMatch(/Accepted|Failed password|Failed publickey/)
  })

  it('connects once the shown fingerprint is trusted, and counts the matching files', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft(),
      secrets: { password: sshd.password },
    })
    expect(result).toMatchObject({ ok: true, outcome: 'ok', fingerprint: sshd.fingerprint, matching: 2 })
    expect(result.message).toContain('2 files matching *.csv')
  })
})

describe('logins', () => {
  it('logs in with a private key', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft({ auth: 'key' }),
      secrets: { privateKey: sshd.clientKey },
    })
    expect(result.outcome).toBe('ok')
  })

  it('logs in with a passphrase-protected key, and says when the passphrase is missing or wrong', async () => {
    const source = draft({ auth: 'key' })
    const ok = await h.call('sftp.sources.test', {
      source,
      secrets: { privateKey: sshd.encryptedKey, passphrase: KEY_PASSPHRASE },
    })
    expect(ok.outcome).toBe('ok')
    const missing = await h.call('sftp.sources.test', { source, secrets: { privateKey: sshd.encryptedKey } })
    expect(missing.outcome).toBe('key_invalid')
    expect(missing.message).toContain('protected by a passphrase')
    const wrong = await h.call('sftp.sources.test', {
      source,
      secrets: { privateKey: sshd.encryptedKey, passphrase: 'not it' },
    })
    expect(wrong.outcome).toBe('key_invalid')
    expect(wrong.message).toContain('passphrase does not open')
  })

  it('names a wrong password as an authentication failure', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft(),
      secrets: { password: 'not-the-password' },
    })
    expect(result.ok).toBe(false)
    expect(result.outcome).toBe('auth')
    expect(result.message).toMatch(/refused the password for user "sftptest" \(authentication failed\)/)
  })

  it('refuses a key that is not a key before connecting', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft({ auth: 'key' }),
      secrets: { privateKey: 'this is not a key' },
    })
    expect(result.outcome).toBe('key_invalid')
    expect(result.message).toContain('-----BEGIN')
  })

  it('says when the password is missing', async () => {
    const result = await h.call('sftp.sources.test', { source: draft() })
    expect(result.outcome).toBe('missing_secret')
  })
})

describe('exactly what failed', () => {
  it('a changed host key is refused as a possible man-in-the-middle, naming both keys', async () => {
    const before = sshd.log()
    const result = await h.call('sftp.sources.test', {
      source: draft({ hostKey: sshd.wrongFingerprint }),
      secrets: { password: sshd.password },
    })
    expect(result.outcome).toBe('host_key_mismatch')
    expect(result.message).toContain('man-in-the-middle')
    expect(result.message).toContain(sshd.fingerprint)
    expect(result.message).toContain(sshd.wrongFingerprint)
    expect(sshd.log().slice(before.length)).not.toMatch(/Accepted|Failed password/)
  })

  it('connection refused', async () => {
    const port = await closedPort()
    const result = await h.call('sftp.sources.test', { source: draft({ port }), secrets: { password: 'x' } })
    expect(result.outcome).toBe('refused')
    expect(result.message).toContain(`127.0.0.1:${port} refused the connection`)
  })

  it('folder missing', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft({ folder: sshd.local('/nope') }),
      secrets: { password: sshd.password },
    })
    expect(result.outcome).toBe('folder_missing')
    expect(result.message).toContain('does not exist')
  })

  it('a file where the folder should be', async () => {
    const result = await h.call('sftp.sources.test', {
      source: draft({ folder: sshd.local('/in/a.csv') }),
      secrets: { password: sshd.password },
    })
    expect(result.outcome).toBe('not_a_folder')
  })

  it('permission denied', async () => {
    const locked = sshd.mkdir('/locked')
    chmodSync(locked, 0o000)
    const result = await h.call('sftp.sources.test', {
      source: draft({ folder: locked }),
      secrets: { password: sshd.password },
    })
    expect(result.outcome).toBe('permission')
    expect(result.message).toContain('permission denied')
  })

  it('DNS failures and timeouts are told apart from refusals', () => {
    const spec = {
      host: 'files.example.invalid',
      port: 22,
      username: 'u',
      auth: 'password' as const,
      password: 'p',
      privateKey: null,
      passphrase: null,
      hostKey: null,
    }
    const dns = Object.assign(new Error('getConnection: getaddrinfo ENOTFOUND files.example.invalid'), {
      code: 'ENOTFOUND',
    })
    expect(connectFailure(dns, spec, null, 5000).outcome).toBe('dns')
    const timeout = new Error('getConnection: Timed out while waiting for handshake')
    const failure = connectFailure(timeout, spec, null, 5000)
    expect(failure.outcome).toBe('timeout')
    expect(failure.message).toContain('did not answer within 5 s')
  })
})

describe('saved sources keep their secrets out of sight', () => {
  it('stores the password in the secret store, never in the database or a reply', async () => {
    const saved = await h.call('sftp.sources.save', {
      source: draft({ name: 'Secret keeper' }),
      secrets: { password: sshd.password },
    })
    expect(saved.stored).toEqual({ password: true, privateKey: false, passphrase: false })
    expect(JSON.stringify(saved)).not.toContain(sshd.password)
    const listed = await h.call('sftp.sources.list', {})
    expect(JSON.stringify(listed)).not.toContain(sshd.password)
    expect(listed.secretStorage).toBe('file')
    expect(listed.secretWarning).toMatch(/Passwords and private keys are stored unencrypted/)
    const rows = h.backend.context.db.prepare('SELECT * FROM sftp_sources').all()
    expect(JSON.stringify(rows)).not.toContain(sshd.password)
    expect(readFileSync(`${h.dataDir}/secrets.json`, 'utf8')).toContain(sshd.password)
    // A saved source tests with its stored password.
    expect((await h.call('sftp.sources.test', { id: saved.id })).outcome).toBe('ok')
  })

  it('refuses a source without the secret its login needs, and a duplicate name', async () => {
    const missing = await h.fail('sftp.sources.save', { source: draft({ name: 'No password' }), secrets: {} })
    expect(missing).toMatchObject({ code: 'validation', details: { key: 'password' } })
    const duplicate = await h.fail('sftp.sources.save', {
      source: draft({ name: 'secret KEEPER' }),
      secrets: { password: 'x' },
    })
    expect(duplicate.code).toBe('conflict')
  })

  it('removes the secrets with the source', async () => {
    const saved = await h.call('sftp.sources.save', {
      source: draft({ name: 'Short lived', auth: 'key' }),
      secrets: { privateKey: sshd.clientKey },
    })
    expect(readFileSync(`${h.dataDir}/secrets.json`, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY')
    expect(await h.call('sftp.sources.delete', { id: saved.id })).toEqual({ deleted: true })
    expect(readFileSync(`${h.dataDir}/secrets.json`, 'utf8')).not.toContain('BEGIN OPENSSH PRIVATE KEY')
  })
})
