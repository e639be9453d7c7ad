// A stored password, private key or passphrase only ever goes to the server it was saved for: testing or
// saving a source with a changed host, port, user name or host key needs the secret given again, or is
// refused. The "other server" is the lying ssh2 server, which records every password offered to it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SftpSourceView, SourceFields } from '../../shared/ipc/channels/sftp'
import { openSftpHarness, type SftpHarness } from '../../test-support/sftp-harness'
import { startLyingSftpServer, type LyingSftpServer } from '../../test-support/lying-sftp-server'
import { KEY_PASSPHRASE, startSshd, type Sshd } from '../../test-support/sshd-fixture'

vi.setConfig({ testTimeout: 60_000 })

let sshd: Sshd
let other: LyingSftpServer
let h: SftpHarness

beforeAll(async () => {
  sshd = await startSshd()
  sshd.mkdir('/in')
  other = await startLyingSftpServer()
  other.mkdir('/in')
  h = openSftpHarness(sshd)
})

afterAll(async () => {
  await h?.close()
  await other?.stop()
  await sshd?.stop()
})

function fieldsOf(view: SftpSourceView): SourceFields {
  const { host, port, username, auth, hostKey, folder, pattern, completion, kind, after, schedule } = view
  return {
    name: view.name,
    host,
    port,
    username,
    auth,
    hostKey,
    folder,
    pattern,
    completion,
    kind,
    after,
    schedule,
  }
}

/** The saved source pointed at the other server, as someone holding the app's token might ask. */
function atOtherServer(view: SftpSourceView): SourceFields {
  return { ...fieldsOf(view), port: other.port, hostKey: other.fingerprint, folder: '/in' }
}

async function saved(name: string): Promise<SftpSourceView> {
  const id = await h.addSource({ name, folder: sshd.local('/in') })
  return h.call('sftp.sources.get', { id })
}

describe('testing a saved source', () => {
  it('with the server changed and no secret is refused, and the other server never sees the password', async () => {
    const source = await saved('Test elsewhere')
    const before = other.offeredPasswords.length
    const error = await h.fail('sftp.sources.test', { id: source.id, source: atOtherServer(source) })
    expect(error.code).toBe('validation')
    expect(error.message).toBe(
      'The port and the trusted host key have changed, so the stored password is not used: it is only ever ' +
        `sent to ${sshd.user}@127.0.0.1:${sshd.port} with the host key it was saved for. Give the password ` +
        `again to connect to ${sshd.user}@127.0.0.1:${other.port}.`,
    )
    expect(error.details).toMatchObject({ key: 'password' })
    expect(other.offeredPasswords.slice(before)).toEqual([])
    expect(other.offeredPasswords).not.toContain(sshd.password)
  })

  it('with the secret given in the same request, connects there with that secret only', async () => {
    const source = await saved('Test elsewhere with secret')
    const before = other.offeredPasswords.length
    const result = await h.call('sftp.sources.test', {
      id: source.id,
      source: { ...atOtherServer(source), username: other.user },
      secrets: { password: other.password },
    })
    expect(result).toMatchObject({ ok: true, outcome: 'ok', fingerprint: other.fingerprint })
    expect(other.offeredPasswords.slice(before)).toEqual([other.password])
  })

  it('each of host, port, user name and host key on its own counts as a change; the folder does not', async () => {
    const source = await saved('Each field')
    const fields = fieldsOf(source)
    const changes: [Partial<SourceFields>, string][] = [
      [{ host: 'files.example.invalid' }, 'The host has changed'],
      [{ port: other.port }, 'The port has changed'],
      [{ username: 'someone-else' }, 'The user name has changed'],
      [{ hostKey: sshd.wrongFingerprint }, 'The trusted host key has changed'],
    ]
    for (const [change, message] of changes) {
      const error = await h.fail('sftp.sources.test', { id: source.id, source: { ...fields, ...change } })
      expect(error.code).toBe('validation')
      expect(error.message).toMatch(new RegExp(`^${message}, so the stored password is not used`))
    }
    const elsewhereInFolder = await h.call('sftp.sources.test', {
      id: source.id,
      source: { ...fields, folder: sshd.local('/'), pattern: '*.txt' },
    })
    expect(elsewhereInFolder.outcome).toBe('ok')
    expect(other.offeredPasswords).not.toContain(sshd.password)
  })

  it('a stored key and its passphrase are not used elsewhere either', async () => {
    const id = await h.addSource(
      { name: 'Key elsewhere', auth: 'key', folder: sshd.local('/in') },
      { privateKey: sshd.encryptedKey, passphrase: KEY_PASSPHRASE },
    )
    const source = await h.call('sftp.sources.get', { id })
    const error = await h.fail('sftp.sources.test', { id, source: { ...fieldsOf(source), port: other.port } })
    expect(error).toMatchObject({ code: 'validation', details: { key: 'privateKey' } })
    expect(error.message).toContain('so the stored private key is not used')
    // The key given again, but not its passphrase: the stored passphrase does not fill in.
    const keyOnly = await h.call('sftp.sources.test', {
      id,
      source: { ...fieldsOf(source), port: other.port },
      secrets: { privateKey: sshd.encryptedKey },
    })
    expect(keyOnly.outcome).toBe('key_invalid')
    expect(keyOnly.message).toContain('protected by a passphrase')
  })

  it('without a trusted key no login is tried, so the key can be read with no secret given', async () => {
    const source = await saved('First look elsewhere')
    const before = other.offeredPasswords.length
    const result = await h.call('sftp.sources.test', {
      id: source.id,
      source: { ...atOtherServer(source), hostKey: null },
    })
    expect(result).toMatchObject({ outcome: 'untrusted', fingerprint: other.fingerprint })
    expect(other.offeredPasswords.slice(before)).toEqual([])
  })
})

describe('saving a source', () => {
  it('with the server changed needs the secret again; runs then send only the new one', async () => {
    const source = await saved('Moved')
    const moved = { ...atOtherServer(source), username: other.user }
    const error = await h.fail('sftp.sources.save', { id: source.id, source: moved })
    expect(error).toMatchObject({ code: 'validation', details: { key: 'password' } })
    expect(error.message).toContain('so the stored password is not used')
    // Nothing of the refused change was kept.
    expect(await h.call('sftp.sources.get', { id: source.id })).toMatchObject({
      port: sshd.port,
      hostKey: sshd.fingerprint,
      username: sshd.user,
    })
    const before = other.offeredPasswords.length
    const saved2 = await h.call('sftp.sources.save', {
      id: source.id,
      source: moved,
      secrets: { password: other.password },
    })
    expect(saved2).toMatchObject({ port: other.port, stored: { password: true } })
    const { run } = await h.run(source.id)
    expect(run.status).toBe('succeeded')
    expect(other.offeredPasswords.slice(before)).toEqual([other.password])
    expect(other.offeredPasswords).not.toContain(sshd.password)
  })

  it('with only the folder, pattern or schedule changed keeps the stored secret', async () => {
    const source = await saved('Same server')
    const kept = await h.call('sftp.sources.save', {
      id: source.id,
      source: { ...fieldsOf(source), folder: sshd.local('/'), schedule: { kind: 'every', hours: 6 } },
    })
    expect(kept.stored.password).toBe(true)
    expect((await h.call('sftp.sources.test', { id: source.id })).outcome).toBe('ok')
  })
})
