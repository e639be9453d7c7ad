// The stored passcode goes only to the remote and account it was saved for: a push, pull or connection
// test naming another remote (or account) must bring its own passcode, and saving another remote needs
// its passcode too. A loopback server records the headers it receives, so "never sent" is observed, not
// assumed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ACCOUNT, PASSCODE, cli, stoppedAfterEach, type App } from '../../test-support/sync-harness'
import { startLoopback, type LoopbackServer } from '../../test-support/loopback-server'

const { sandboxWith, appWith } = stoppedAfterEach()

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A server that records what it is sent and answers like an empty account. */
function recorder(): Promise<LoopbackServer> {
  return startLoopback((request) =>
    request.path.startsWith('/1/profile.json')
      ? { status: 200, body: { status: 'fail', error: 'User not found', code: 404 } }
      : request.path.startsWith('/1/profiles.json')
        ? { status: 200, body: { status: 'success', cursor: 'c1' } }
        : { status: 200, body: { status: 'success', processed: 1, unprocessed: [] } },
  )
}

async function configured(dataDir?: string): Promise<App> {
  const sandbox = await sandboxWith()
  const app = appWith({ sync: { precheckLimit: 0 }, ...(dataDir ? { dataDir } : {}) })
  await app.configure(sandbox)
  await app.call('profiles.create', {
    identifiers: [{ kind: 'identity', value: 'scope-1' }],
    changes: [{ op: 'set', key: 'Name', value: 'Ann' }],
  })
  return app
}

const passcodesSeen = (server: LoopbackServer) =>
  server.requests.map((r) => r.headers['x-clevertap-passcode'])

describe('an override naming another remote', () => {
  it('never gets the stored passcode: push, pull and the connection test are refused up front', async () => {
    const app = await configured()
    const other = await recorder()
    const elsewhere = { remote: { kind: 'url' as const, baseUrl: other.baseUrl } }

    for (const channel of ['sync.push', 'sync.pull']) {
      const error = await app.fail(channel, { connection: elsewhere })
      expect(error.code).toBe('validation')
      expect(error.message).toContain(`The stored passcode is only sent to http://127.0.0.1:`)
      expect(error.message).toContain(`not to ${other.baseUrl}/1 (account ${ACCOUNT})`)
      expect(error.message).toContain('--passcode-file')
    }
    const test = await app.call('sync.testConnection', { connection: elsewhere })
    expect(test).toMatchObject({ ok: false, outcome: 'not_configured' })
    expect(test.message).toContain('The stored passcode is only sent to')
    // Another account on the saved server is another remote too.
    const otherAccount = await app.fail('sync.push', { connection: { accountId: 'someone-else' } })
    expect(otherAccount.code).toBe('validation')
    expect(otherAccount.message).toContain('(account someone-else)')

    expect(other.requests).toEqual([])
    expect((await app.call('sync.status', {})).pending).toBe(1)
  })

  it('gets the passcode given with the request, and only that one', async () => {
    const app = await configured()
    const other = await recorder()
    const connection = {
      remote: { kind: 'url' as const, baseUrl: other.baseUrl },
      passcode: 'its-own-passcode',
    }

    expect((await app.call('sync.testConnection', { connection })).ok).toBe(true)
    const pushed = await app.run('sync.push', { connection })
    expect(pushed.summary).toMatchObject({ status: 'succeeded', records: 1 })
    expect(other.requests.length).toBeGreaterThanOrEqual(2)
    expect(new Set(passcodesSeen(other))).toEqual(new Set(['its-own-passcode']))
  })

  it('on the command line, needs --passcode-file (exit 2 without it, nothing sent)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sync-scope-'))
    folders.push(folder)
    const dataDir = join(folder, 'data')
    const app = await configured(dataDir)
    await app.close()
    const other = await recorder()

    const refused = await cli(['sync', 'push', '--data-dir', dataDir, '--base-url', other.baseUrl])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('error: The stored passcode is only sent to')
    expect(other.requests).toEqual([])

    const file = join(folder, 'passcode.txt')
    writeFileSync(file, 'from-the-file\n', { mode: 0o600 })
    const pushed = await cli([
      'sync',
      'push',
      '--data-dir',
      dataDir,
      '--base-url',
      other.baseUrl,
      '--passcode-file',
      file,
    ])
    expect(pushed.stderr).not.toContain('error')
    expect(pushed.code).toBe(0)
    expect(new Set(passcodesSeen(other))).toEqual(new Set(['from-the-file']))
  })
})

describe('saving another remote', () => {
  it('needs its passcode: the stored one is not carried over to it', async () => {
    const app = await configured()
    const other = await recorder()
    const before = await app.call('sync.settings.get', {})

    const error = await app.fail('sync.settings.set', {
      remote: { kind: 'url' as const, baseUrl: other.baseUrl },
    })
    expect(error.code).toBe('validation')
    expect(error.details).toMatchObject({ key: 'passcode' })
    expect(await app.call('sync.settings.get', {})).toEqual(before)
    // Clearing the account, then choosing another, is the same move in two steps: refused too.
    await app.call('sync.settings.set', { accountId: null })
    expect((await app.fail('sync.settings.set', { accountId: 'someone-else' })).code).toBe('validation')
    await app.call('sync.settings.set', { accountId: ACCOUNT })

    // With its own passcode it is saved, and the scheduler's pushes use that one.
    const saved = await app.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: other.baseUrl },
      passcode: 'new-remote-passcode',
    })
    expect(saved).toMatchObject({ configured: true, endpoint: `${other.baseUrl}/1` })
    await app.run('sync.push')
    expect(new Set(passcodesSeen(other))).toEqual(new Set(['new-remote-passcode']))
    expect(JSON.stringify(other.requests)).not.toContain(PASSCODE)
  })
})
