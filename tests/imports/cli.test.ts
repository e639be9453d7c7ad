// `profile-desk import` as a child process (through tsx, from source) on a temporary data folder: the
// summary as text and as JSON, the dry run, events, saved mappings, and the exit codes.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportSummary } from '../../shared/ipc/channels/imports'
import { generateProfiles } from '../../test-support/generate-profiles'
import { CLI, ROOT, runCli, type Run } from '../../test-support/cli'

function cli(args: string[], timeoutMs = 60_000): Promise<Run> {
  return runCli(args, { PROFILE_DESK_IMPORT_THREADING: 'in-thread' }, timeoutMs)
}

let root: string
let dataDir: string
const file = (name: string, content: string | Buffer) => {
  const path = join(root, name)
  writeFileSync(path, content)
  return path
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-cli-import-'))
  dataDir = join(root, 'data')
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('profile-desk import', () => {
  it('dry-runs, then imports, printing the summary and where the rejected rows are', async () => {
    const path = file(
      'people.csv',
      'identity,Name,Email\np1,Ann,ann@example.com\np2,Bo,nope\np3,Cy,cy@example.com\n',
    )
    const dry = await cli(['import', path, '--dry-run', '--data-dir', dataDir])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^Dry run of people\.csv \(profiles, run #1\): succeeded in [\d.]+ s$/m)
    expect(dry.stdout).toMatch(/^ {2}New profiles \(would be created\) +2$/m)
    expect((await cli(['search', 'ann', '--json', '--data-dir', dataDir])).stdout).toContain('"total": 0')

    const run = await cli(['import', path, '--data-dir', dataDir])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Import of people\.csv \(profiles, run #2\): succeeded/m)
    expect(run.stdout).toMatch(/^File: 75 bytes, utf-8, delimiter ",", line breaks LF$/m)
    expect(run.stdout).toMatch(/^ {2}New profiles +2$/m)
    expect(run.stdout).toMatch(/^ {2}Rejected rows +1$/m)
    expect(run.stdout).toContain(
      '  line 3 (Email): Email "nope" is not a valid email address (expected name@domain.tld).',
    )
    expect(run.stdout).toMatch(
      /^Rejected rows \(original columns \+ Failure Description\): .*run-2-rejected\.csv$/m,
    )
    expect(run.stderr).toContain('importing')
    const shown = await cli(['profile', 'show', 'p3', '--json', '--data-dir', dataDir])
    expect(JSON.parse(shown.stdout)).toMatchObject({ system: { Name: 'Cy', Email: 'cy@example.com' } })
  }, 120_000)

  it('prints the summary as JSON, reuses a saved mapping by name, and says when nothing changed', async () => {
    const first = file('crm.csv', 'Customer ID,Points\nc1,10\n')
    const saved = await cli(['import', first, '--save-mapping', 'crm', '--json', '--data-dir', dataDir])
    expect(saved.code).toBe(0)
    const summary = JSON.parse(saved.stdout) as ImportSummary
    expect(summary).toMatchObject({ status: 'succeeded', mappingName: 'crm', counts: { new: 1 } })
    const again = await cli(['import', first, '--mapping', 'crm', '--json', '--data-dir', dataDir])
    expect(JSON.parse(again.stdout)).toMatchObject({ mappingName: 'crm', counts: { new: 0, unchanged: 1 } })
    const unknown = await cli(['import', first, '--mapping', 'nope', '--data-dir', dataDir])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe('error: No saved mapping named "nope". Saved mappings: crm.\n')
  }, 120_000)

  it('takes push_token and platform through a saved mapping; reachability then shows the device', async () => {
    const path = file('tokens.csv', 'identity,token,OS\ntk1,fcm-cli-1,android\n')
    const saved = await cli(['import', path, '--save-mapping', 'tokens', '--json', '--data-dir', dataDir])
    expect(JSON.parse(saved.stdout)).toMatchObject({
      status: 'succeeded',
      counts: { new: 1 },
      mapping: {
        columns: [
          { target: { kind: 'identity' } },
          { target: { kind: 'pushToken' } },
          { target: { kind: 'platform' } },
        ],
      },
    })
    const changed = file('tokens.csv', 'identity,token,OS\ntk1,fcm-cli-2,android\n')
    const again = await cli(['import', changed, '--mapping', 'tokens', '--json', '--data-dir', dataDir])
    expect(JSON.parse(again.stdout)).toMatchObject({ mappingName: 'tokens', counts: { updated: 1 } })
    const reach = await cli(['reachability', 'tk1', '--json', '--data-dir', dataDir])
    expect(reach.code).toBe(0)
    const view = JSON.parse(reach.stdout) as {
      devices: { platform: string; pushToken: string; source: string }[]
    }
    expect(view.devices).toMatchObject([{ platform: 'Android', pushToken: 'fcm-cli-2', source: 'import' }])
  }, 120_000)

  it('imports events with --events', async () => {
    const path = file(
      'events.csv',
      'objectId,identity,evtName,ts\ndev-1,,App Opened,1700000000\ndev-1,user-1,Charged,1700000100\n',
    )
    const run = await cli(['import', path, '--events', '--data-dir', dataDir])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^ {2}Events imported +2$/m)
    expect(run.stdout).toMatch(/^ {2}Logins: anonymous profile became the user +1$/m)
  }, 120_000)

  it('exits non-zero when the file cannot be read or nothing in it can be imported', async () => {
    const missing = await cli(['import', join(root, 'missing.csv'), '--data-dir', dataDir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error: No file at .*missing\.csv\.$/m)

    const binary = await cli([
      'import',
      file('image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])),
      '--data-dir',
      dataDir,
    ])
    expect(binary.code).toBe(2)
    expect(binary.stderr).toBe('error: image.csv is not a CSV file: it is a PNG image.\n')

    const hopeless = await cli([
      'import',
      file('bad.csv', 'identity,Email\n,a@example.com\nx1,broken\n'),
      '--data-dir',
      dataDir,
    ])
    expect(hopeless.code).toBe(1)
    expect(hopeless.stdout).toMatch(/^ {2}Rejected rows +2$/m)
    expect(hopeless.stderr).toContain('error: nothing in')
  }, 120_000)

  it('Ctrl+C cancels a large import between batches: exit 130, the message says what was kept', async () => {
    const big = join(root, 'big.csv')
    await generateProfiles(40_000, 9, big)
    const bulkDir = join(root, 'ctrl-c')
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', big, '--data-dir', bulkDir], {
      cwd: ROOT,
      env: { ...process.env, PROFILE_DESK_DATA_DIR: '' },
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    // Rows are being written (a pipe gets a progress line per phase) when Ctrl+C comes.
    const deadline = Date.now() + 60_000
    while (!/: importing \d+\//.test(stderr) && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    expect(stderr).toMatch(/: importing \d+\//)
    child.kill('SIGINT')
    expect(await closed).toBe(130)
    expect(stderr).toContain(
      'error: The import was cancelled: the batches written before the cancel are kept; import the file again to finish it.',
    )
    const search = await cli(['search', 'u0', '--json', '--data-dir', bulkDir])
    expect(search.stdout).not.toContain('"total": 0')
  }, 120_000)
})
