// The `profile-desk sync` command as a child process: status, push and pull with credentials from the
// settings or from the command line (--passcode-file), exit codes; and a push killed with SIGKILL half-way,
// restarted, ending in the same server state as an uninterrupted one (no change lost, no event twice).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../electron/backend/core/platform/index'
import {
  ACCOUNT,
  PASSCODE,
  cli,
  expectServerMatches,
  openApp,
  startSandbox,
  type Sandbox,
} from '../../test-support/sync-harness'
import { spawnCli } from '../../test-support/cli'
import { pollUntil } from '../../test-support/processes'

let root: string
let passcodeFile: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sync-cli-'))
  passcodeFile = join(root, 'passcode.txt')
  writeFileSync(passcodeFile, `${PASSCODE}\n`, { mode: 0o600 })
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('profile-desk sync', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox.stop()
  })

  it('status on a fresh data folder says sync is not set up; push without settings is refused', async () => {
    const dataDir = join(root, 'fresh')
    const status = await cli(['sync', 'status', '--data-dir', dataDir])
    expect(status.code).toBe(0)
    expect(status.stdout).toContain('Sync: Sync is not set up')
    const push = await cli(['sync', 'push', '--data-dir', dataDir])
    expect(push.code).toBe(2)
    expect(push.stderr).toContain('error: Sync is not set up')
  })

  it('pushes with credentials given on the command line, and pulls them into another folder', async () => {
    const dataDir = join(root, 'one')
    const app = openApp({ dataDir })
    for (let i = 0; i < 30; i += 1) {
      await app.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: `cli-${i}` }],
        changes: [{ op: 'set', key: 'Name', value: `Person ${i}` }],
      })
    }
    await app.close()
    const connection = ['--base-url', sandbox.baseUrl, '--account', ACCOUNT, '--passcode-file', passcodeFile]

    const wrong = join(root, 'wrong.txt')
    writeFileSync(wrong, 'not-the-passcode')
    const refused = await cli([
      'sync',
      'push',
      '--data-dir',
      dataDir,
      ...connection.slice(0, 4),
      '--passcode-file',
      wrong,
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('refused the account id or passcode')
    expect(refused.stderr).toContain('hint: check the account id and passcode')

    const pushed = await cli(['sync', 'push', '--data-dir', dataDir, ...connection])
    expect(pushed.stderr).not.toMatch(/^error:/m)
    expect(pushed.code).toBe(0)
    expect(pushed.stdout).toMatch(/^Pushed 30 records \(30 changes\) in [\d.]+ s\.$/m)

    const other = join(root, 'two')
    const pulled = await cli(['sync', 'pull', '--data-dir', other, ...connection, '--json'])
    expect(pulled.code).toBe(0)
    expect(JSON.parse(pulled.stdout)).toMatchObject({
      kind: 'pull',
      status: 'succeeded',
      records: 30,
      created: 30,
    })
    const status = await cli(['sync', 'status', '--data-dir', other, '--json'])
    // --base-url and friends are for this run only: no settings were saved.
    expect(JSON.parse(status.stdout).status).toMatchObject({ pending: 0, configured: false })
    // The passcode was used, never shown.
    for (const run of [refused, pushed, pulled, status])
      expect(run.stdout + run.stderr).not.toContain(PASSCODE)
  }, 120_000)
})

describe('kill -9 during a push', () => {
  it('restarts and pushes to the same final state, with no lost change and no event twice', async () => {
    // Slow enough (50 ms a request, 10 records a batch) to be killed half-way.
    const sandbox = await startSandbox({ latencyMs: 50 })
    const dataDir = join(root, 'crash')
    const app = openApp({ dataDir })
    await app.configure(sandbox, { batchSize: 10 })
    const ids: string[] = []
    for (let i = 0; i < 600; i += 1) {
      const profile = await app.call('profiles.create', {
        identifiers: [{ kind: 'identity', value: `crash-${i}` }],
        changes: [{ op: 'set', key: 'Name', value: `Crash ${i}` }],
      })
      ids.push(profile.id)
    }
    for (let i = 0; i < 2400; i += 1) {
      await app.call('events.record', {
        deviceId: ids[i % ids.length]!,
        name: i % 3 === 0 ? 'Charged' : 'Viewed Item',
        props: { n: i },
      })
    }
    await app.close()

    const { child, done } = spawnCli(['sync', 'push', '--data-dir', dataDir], {}, 120_000)
    await pollUntil(() => sandbox.server.stats().recordsProcessed >= 600, {
      what: 'the push reaching 600 records',
      timeoutMs: 60_000,
      intervalMs: 10,
    }).catch(() => undefined) // asserted below, after the child is stopped
    child.kill('SIGKILL')
    const killed = await done
    expect(killed.signal).toBe('SIGKILL')
    const applied = sandbox.server.stats().recordsProcessed
    expect(applied).toBeGreaterThanOrEqual(600)
    expect(applied).toBeLessThan(3000)

    const check = new Database(join(dataDir, DATABASE_FILE))
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()

    const again = openApp({ dataDir })
    try {
      const before = await again.call('sync.status', {})
      // What the server had not processed is still here (what it had may be too: resending it is harmless).
      expect(before.pending).toBeGreaterThanOrEqual(3000 - applied)
      expect((await again.call('sync.runs.list', {})).items[0]).toMatchObject({
        kind: 'push',
        status: 'interrupted',
      })
      await again.pushUntilDone(3)
      const compared = await expectServerMatches(again, sandbox)
      expect(compared.events).toBe(2400)
      expect(sandbox.server.stats().events).toBe(2400)
    } finally {
      await again.close()
      await sandbox.stop()
    }
  }, 180_000)
})
