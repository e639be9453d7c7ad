// The sandbox API server as a child process of its own, for e2e specs (the built out/main/sandbox.js) and
// benchmarks (sandbox/main.ts from source with tsx, no build needed): started on 127.0.0.1, ready when
// it prints its URL, stopped by PID. Imports no server code, so Playwright can load it.
import { join, resolve } from 'node:path'
import { startUntilReady, stopChild } from './processes'
import { ACCOUNT, PASSCODE } from './sandbox-account'

const ROOT = resolve(import.meta.dirname, '..')

export interface SandboxProcess {
  url: string
  port: number
  pid: number
  stop(): Promise<void>
}

/**
 * The sandbox in a child process of its own: `built` runs out/main/sandbox.js (what e2e drives), `source`
 * runs sandbox/main.ts with tsx (benchmarks, no build needed). Port 0 picks a free one; giving the port
 * and data folder of a stopped one brings "the same server" back. Stopped by PID.
 */
export async function startSandboxProcess(
  options: {
    from: 'built' | 'source'
    port?: number
    dataDir?: string
    account?: string
    passcode?: string
    timeoutMs?: number
  } = { from: 'built' },
): Promise<SandboxProcess> {
  const entry =
    options.from === 'built'
      ? [join(ROOT, 'out/main/sandbox.js')]
      : ['--import', 'tsx', join(ROOT, 'sandbox/main.ts')]
  const args = [
    ...entry,
    '--port',
    String(options.port ?? 0),
    '--account',
    options.account ?? ACCOUNT,
    '--passcode',
    options.passcode ?? PASSCODE,
    ...(options.dataDir ? ['--data-dir', options.dataDir] : []),
  ]
  const { child, match } = await startUntilReady(process.execPath, args, {
    ready: /listening at (http:\/\/127\.0\.0\.1:\d+)/,
    what: 'the sandbox',
    cwd: ROOT,
    timeoutMs: options.timeoutMs ?? 20_000,
  })
  const url = match[1] as string
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid as number,
    stop: () => stopChild(child),
  }
}
