// The log files: written to the data folder's logs/, at the level set in Settings, and after a sync with
// a passcode and an import of e-mail addresses they hold neither (profile ids are fine).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openImportHarness } from '../../test-support/import-harness'
import { PASSCODE, stoppedAfterEach } from '../../test-support/sync-harness'
import { runCli } from '../../test-support/cli'

const { sandboxWith, appWith } = stoppedAfterEach()

function logText(dataDir: string): string {
  const dir = join(dataDir, 'logs')
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('')
}

describe('log files', () => {
  it('hold no passcode and no e-mail address after a sync and an import', async () => {
    const sandbox = await sandboxWith()
    const app = appWith()
    await app.configure(sandbox)
    const person = await app.call('profiles.create', {
      identifiers: [
        { kind: 'identity', value: 'logged-user' },
        { kind: 'email', value: 'private.person@example.org' },
      ],
    })
    await app.pushUntilDone()
    // A failing run logs its error message: the wrong passcode must not appear either.
    await app.call('sync.settings.set', { passcode: 'wrong-pass-9d1c' })
    await app.call('profiles.update', { id: person.id, changes: [{ op: 'set', key: 'Name', value: 'P' }] })
    expect((await app.run('sync.push')).status).toBe('failed')
    await app.backend.close()

    const h = openImportHarness({ dataDir: app.dataDir })
    try {
      const file = h.file(
        'people.csv',
        'Identity,Email,Phone\nu-1,first.mail@example.com,+14155550123\nu-2,not-an-email@,+14155550199\n',
      )
      await h.run('imports.start', { file: h.grant(file) })
    } finally {
      await h.close()
    }

    const text = logText(app.dataDir)
    expect(text).toMatch(/job sync\.push .* succeeded/)
    expect(text).toMatch(/job import\.profiles .* succeeded/)
    expect(text).toMatch(/job sync.push .* failed/)
    for (const secret of [
      PASSCODE,
      'wrong-pass-9d1c',
      'private.person@example.org',
      'first.mail@example.com',
      'not-an-email@',
      '4155550123',
      '4155550199',
    ]) {
      expect(text, secret).not.toContain(secret)
    }
    const dir = join(app.dataDir, 'logs')
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o077).toBe(0)
  }, 60_000)

  it('follow the level set from the command line (and Settings, through the same channel)', async () => {
    const app = appWith()
    const dataDir = app.dataDir
    await app.backend.close()
    const set = await runCli(['log-level', 'error', '--json', '--data-dir', dataDir])
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout)).toEqual({ level: 'error', logsDir: join(dataDir, 'logs') })
    const bad = await runCli(['log-level', 'loud', '--data-dir', dataDir])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/one of error, warn, info, debug/)

    const h = openImportHarness({ dataDir })
    try {
      const file = h.file('few.csv', 'Identity\nquiet-1\n')
      await h.run('imports.start', { file: h.grant(file) })
      expect((await h.call('app.info', {})).logLevel).toBe('error')
      await h.call('app.logLevel.set', { level: 'info' })
      await h.run('imports.start', { file: h.grant(h.file('more.csv', 'Identity\nloud-1\n')) })
    } finally {
      await h.close()
    }
    const lines = logText(dataDir)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg: string })
    const imports = lines.filter((l) => l.msg.startsWith('job import.profiles'))
    // Only the import run after the level went back to info was logged.
    expect(imports).toHaveLength(1)
  }, 60_000)
})

describe('a log line', () => {
  it('is scrubbed of e-mails, phone numbers and registered secrets, whatever a caller passes', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { openFileLog, redactSecret } = await import('../../electron/backend/core/platform/file-log')
    const { silentLogger } = await import('../../electron/backend/core/platform/logger')
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-log-'))
    try {
      const log = openFileLog(dataDir, 'debug', silentLogger)
      redactSecret('s3cr3t-passcode')
      log.error(
        'row 7 rejected: ana.lima@example.com',
        new Error('auth s3cr3t-passcode refused for +44 20 7946 0958'),
      )
      log.info('details', { email: 'hidden@example.com' }, 42)
      log.debug('profile 1b4e28ba-2fa1-11d2-883f-0016d3cca427 changed')
      await log.close()
      const text = logText(dataDir)
      expect(text).toContain('row 7 rejected: [email]')
      expect(text).toContain('auth [secret] refused for [number]')
      expect(text).toContain('"detail":"[object] 42"')
      expect(text).toContain('profile 1b4e28ba-2fa1-11d2-883f-0016d3cca427 changed')
      expect(text).not.toMatch(/ana\.lima|s3cr3t|7946|hidden@/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
