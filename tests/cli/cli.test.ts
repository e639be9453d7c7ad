// The `profile-desk` command line run as a child process (through tsx, from source) against a temporary
// data folder: seed, search, profile show, event record with both login scenarios, exit codes, serve.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, ROOT, runCli } from '../../test-support/cli'

const cli = runCli

/** `event record FLAGS --data-dir <the test's folder>`. */
const recordEvent = (flags: string[]) => cli(['event', 'record', ...flags, '--data-dir', dataDir])

let root: string
let dataDir: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-cli-'))
  dataDir = join(root, 'data')
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('seed and search', () => {
  it('seed --profiles N loads sample data, shows progress on stderr and a summary on stdout', async () => {
    const run = await cli(['seed', '--profiles', '40', '--data-dir', dataDir])
    expect(run.stderr).not.toMatch(/^error:/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Loaded sample data in [\d.]+ s/)
    expect(run.stderr).toContain('loading sample data')
  })

  it('search --json prints the search result; a table without --json', async () => {
    const list = await cli(['search', '', '--json', '--limit', '5', '--data-dir', dataDir])
    expect(list.code).toBe(0)
    const result = JSON.parse(list.stdout)
    expect(result.items.length).toBe(5)
    expect(result.total).toBeGreaterThanOrEqual(40)
    const someone = result.items.find((p: { email: string | null }) => p.email) as {
      email: string
      id: string
    }
    expect(someone).toBeDefined()
    const found = JSON.parse((await cli(['search', someone.email, '--json', '--data-dir', dataDir])).stdout)
    expect(found.items[0].id).toBe(someone.id)
    const table = await cli(['search', someone.email, '--data-dir', dataDir])
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+Name\s+Email\s+Identity\s+Phone\s+Type\s+Test$/)
    expect(table.stdout).toContain(someone.id)
    expect(table.stdout).toMatch(/1 of 1 match\./)
  })

  it('search says plainly when nothing matches', async () => {
    const run = await cli(['search', 'zz-no-such-person-zz', '--data-dir', dataDir])
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe('No profiles match "zz-no-such-person-zz".')
  })
})

describe('event record and profile show', () => {
  let anonymousA: string

  it('records an anonymous event on a new device profile', async () => {
    const run = await recordEvent(['--device', 'dev-A', '--name', 'App Opened', '--json'])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.login).toBe('none')
    anonymousA = result.profileId
  })

  it('scenario 1: a new identity on that device turns its anonymous profile into the user', async () => {
    const run = await recordEvent([
      '--device',
      'dev-A',
      '--identity',
      'cli-user-1',
      '--name',
      'Login',
      '--props',
      '{"Method": "password"}',
      '--ts',
      '1700000000',
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`on profile ${anonymousA}`)
    expect(run.stdout).toMatch(/became cli-user-1's profile/)
  })

  it('scenario 2: an existing identity on another device maps the device to that profile', async () => {
    const anon = JSON.parse(
      (await recordEvent(['--device', 'dev-B', '--name', 'App Opened', '--json'])).stdout,
    )
    expect(anon.profileId).not.toBe(anonymousA)
    const login = await recordEvent([
      '--device',
      'dev-B',
      '--identity',
      'cli-user-1',
      '--name',
      'Login',
      '--json',
    ])
    expect(login.code).toBe(0)
    expect(JSON.parse(login.stdout)).toMatchObject({ profileId: anonymousA, login: 'switched' })
  })

  it('profile show --json finds the profile by identity and by profile id', async () => {
    const byIdentity = await cli(['profile', 'show', 'cli-user-1', '--json', '--data-dir', dataDir])
    expect(byIdentity.code).toBe(0)
    const profile = JSON.parse(byIdentity.stdout)
    expect(profile.id).toBe(anonymousA)
    expect(profile.type).toBe('Identified')
    expect(profile.identifiers).toContainEqual({ kind: 'identity', value: 'cli-user-1' })
    const byId = JSON.parse(
      (await cli(['profile', 'show', anonymousA, '--json', '--data-dir', dataDir])).stdout,
    )
    expect(byId.id).toBe(anonymousA)
    const text = await cli(['profile', 'show', 'cli-user-1', '--data-dir', dataDir])
    expect(text.stdout).toMatch(new RegExp(`^Profile ${anonymousA} \\(Identified`))
  })
})

describe('errors and exit codes', () => {
  it('bad --props JSON is a clear validation error (exit 2)', async () => {
    const run = await recordEvent(['--device', 'd', '--name', 'E', '--props', '{bad'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^error: --props is not valid JSON/)
    const array = await recordEvent(['--device', 'd', '--name', 'E', '--props', '[1]'])
    expect(array.code).toBe(2)
    expect(array.stderr).toMatch(/^error: --props must be a JSON object/)
  })

  it('missing or malformed options exit 2', async () => {
    const missing = await recordEvent(['--device', 'd'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^error: required option '--name/)
    const badCount = await cli(['seed', '--profiles', 'many', '--data-dir', dataDir])
    expect(badCount.code).toBe(2)
    expect(badCount.stderr).toMatch(/^error: .*--profiles/)
    const unknown = await cli(['frobnicate'])
    expect(unknown.code).toBe(2)
  })

  it('a backend validation error exits 2; a profile that does not exist exits 1', async () => {
    const tooLong = await cli(['search', 'x'.repeat(300), '--data-dir', dataDir])
    expect(tooLong.code).toBe(2)
    expect(tooLong.stderr).toMatch(/^error: /)
    const missing = await cli(['profile', 'show', 'nobody@nowhere.example', '--json', '--data-dir', dataDir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^error: /)
    expect(missing.stdout).toBe('')
  })

  it('uses $PROFILE_DESK_DATA_DIR when --data-dir is not given', async () => {
    const run = await cli(['search', 'cli-user-1', '--json'], { PROFILE_DESK_DATA_DIR: dataDir })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).items.map((p: { identity: string }) => p.identity)).toContain('cli-user-1')
  })
})

describe('serve', () => {
  it('prints one line with the URL and token, answers /rpc with the token, 401 without, and stops on SIGTERM', async () => {
    const rendererDir = join(root, 'renderer')
    mkdirSync(rendererDir, { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Profile Desk</title>')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--port', '0', '--renderer-dir', rendererDir, '--data-dir', dataDir],
      { cwd: ROOT, env: { ...process.env, PROFILE_DESK_DATA_DIR: '' } },
    )
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
    try {
      const firstLine = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`serve printed nothing; stderr: ${stderr}`)), 30_000)
        const lines = createInterface({ input: child.stdout })
        lines.once('line', (line) => {
          clearTimeout(timer)
          done(line)
        })
        lines.on('line', (line) => (stdout += `${line}\n`))
      })
      const match =
        /^Profile Desk is running at (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([A-Za-z0-9_-]{43})$/.exec(
          firstLine,
        )
      expect(match, firstLine).not.toBeNull()
      const base = match![1]!
      const token = match![3]!
      const ok = await fetch(`${base}rpc/app.info`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toMatchObject({ ok: true, value: { host: 'web' } })
      const refused = await fetch(`${base}rpc/app.info`, { method: 'POST', body: '{}' })
      expect(refused.status).toBe(401)
      const page = await fetch(base)
      expect(await page.text()).toContain('<title>Profile Desk</title>')
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(stdout.trim().split('\n')).toHaveLength(1)
  })
})
