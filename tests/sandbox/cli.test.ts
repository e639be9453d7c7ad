// The command-line entry: prints its base URL on one line, serves, and stops cleanly on SIGTERM/SIGINT
// (spawned as a child process, stopped by its PID).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pollUntil } from '../../test-support/processes'

const LISTENING = /^Sandbox CleverTap API listening at (http:\/\/127\.0\.0\.1:(\d+)) \(account CLI-ACC\)$/m

interface Child {
  process: ChildProcessWithoutNullStreams
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: Child[] = []
const dirs: string[] = []

afterEach(() => {
  for (const child of children.splice(0)) {
    if (
      child.process.exitCode === null &&
      child.process.signalCode === null &&
      child.process.pid !== undefined
    ) {
      process.kill(child.process.pid, 'SIGKILL')
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function startCli(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', ...args], {
    cwd: process.cwd(),
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const handle = { process: child, output: () => output, exited }
  children.push(handle)
  return handle
}

/** Waits (at most 20 s) for the listening line and returns the base URL it prints. */
async function baseUrlOf(child: Child): Promise<string> {
  const url = await pollUntil(() => LISTENING.exec(child.output())?.[1] ?? child.process.exitCode !== null, {
    what: 'the sandbox printing its URL',
    timeoutMs: 20_000,
    intervalMs: 50,
  }).catch(() => undefined)
  if (typeof url !== 'string')
    throw new Error(`the sandbox did not print its URL; output:\n${child.output()}`)
  return url
}

const headers = {
  'X-CleverTap-Account-Id': 'CLI-ACC',
  'X-CleverTap-Passcode': 'cli-pass',
  'Content-Type': 'application/json',
}

describe('npm run sandbox (sandbox/main.ts)', () => {
  it('prints its URL on a free port, serves the API, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'))
    dirs.push(dataDir)
    const child = startCli([
      '--port',
      '0',
      '--account',
      'CLI-ACC',
      '--passcode',
      'cli-pass',
      '--data-dir',
      dataDir,
    ])
    const baseUrl = await baseUrlOf(child)
    expect(Number(new URL(baseUrl).port)).toBeGreaterThan(0)

    const upload = await fetch(`${baseUrl}/1/upload`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        d: [{ identity: 'cli-1', type: 'profile', profileData: { Name: 'From CLI' } }],
      }),
    })
    expect(await upload.json()).toEqual({ status: 'success', processed: 1, unprocessed: [] })

    process.kill(child.process.pid ?? 0, 'SIGTERM')
    expect(await child.exited).toEqual({ code: 0, signal: null })
    expect(child.output()).toContain('Sandbox stopping (SIGTERM)')
    await expect(fetch(`${baseUrl}/1/profile.json?identity=cli-1`, { headers })).rejects.toThrow()
  })

  it('passes the fault options through: --drop-connections resets after applying; SIGINT stops it', async () => {
    const child = startCli([
      '--port',
      '0',
      '--account',
      'CLI-ACC',
      '--passcode',
      'cli-pass',
      '--drop-connections',
    ])
    const baseUrl = await baseUrlOf(child)
    await expect(fetch(`${baseUrl}/1/profile.json?identity=x`, { headers })).rejects.toThrow(TypeError)
    process.kill(child.process.pid ?? 0, 'SIGINT')
    expect(await child.exited).toEqual({ code: 0, signal: null })
  })

  it('refuses to start without a passcode and says which option is missing', async () => {
    const child = startCli(['--port', '0', '--account', 'CLI-ACC'])
    expect((await child.exited).code).not.toBe(0)
    expect(child.output()).toContain("required option '--passcode <passcode>' not specified")
  })
})
