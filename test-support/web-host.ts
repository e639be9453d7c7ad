// Starts the built app's web host (`profile-desk serve`) on a fresh data directory for one spec, and
// stops it by PID afterwards. The URL line it prints carries the per-launch token.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startUntilReady, stopChild } from './processes'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'out/main/cli.js')

export interface RunningHost {
  url: string
  origin: string
  token: string
  dataDir: string
  /** The serve process (the benchmark reads its memory from /proc). */
  pid: number
  rpc<T = unknown>(channel: string, request: unknown): Promise<T>
  /** Stops the host; the data dir is removed unless `keepDataDir` (to start another host on it). */
  stop(options?: { keepDataDir?: boolean }): Promise<void>
}

/** Runs a CLI command against the data dir and returns its stdout (throws on a non-zero exit). */
export function cli(dataDir: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args, '--data-dir', dataDir], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`profile-desk ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** Starts a host on a fresh data dir, or on `dataDir` (one a stopped host kept) to test a restart. */
export async function startHost(
  options: { seedProfiles?: number; dataDir?: string } = {},
): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pd-e2e-'))
  if (options.seedProfiles) cli(dataDir, 'seed', '--profiles', String(options.seedProfiles))
  const { child, match } = await startUntilReady(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--data-dir', dataDir],
    { ready: /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/, what: 'the web host' },
  )
  const url = match[1] as string
  const parsed = new URL(url)
  const token = parsed.hash.replace(/^#token=/, '')
  const origin = parsed.origin
  return {
    url,
    origin,
    token,
    dataDir,
    pid: child.pid as number,
    async rpc<T>(channel: string, request: unknown): Promise<T> {
      const res = await fetch(`${origin}/rpc/${channel}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      })
      const envelope = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } }
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.message}`)
      return envelope.value as T
    },
    async stop(stopOptions = {}) {
      // Closing checkpoints the WAL: after a million-row import that takes some seconds.
      await stopChild(child, 15_000)
      if (!stopOptions.keepDataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
