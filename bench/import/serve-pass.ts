// One import pass against the built app, as a person runs it: `profile-desk serve` on a data folder (a
// separate process: the web host, its backend and, in a worker thread, the import; started and stopped
// by test-support/web-host.ts), the file uploaded as a browser uploads it (before the clock starts) and
// imported by the upload's handle through `POST /rpc/imports.start`, and a
// `profiles.search` over HTTP every 100 ms while it runs. The end is seen by polling `imports.run` every
// 25 ms. Latency is measured from when each search was due, so a search delayed by a busy server (or a
// late timer here) counts. Peak RSS is the server's VmHWM (/proc/<pid>/status, read before stopping it:
// worker threads share the process, so the import worker is in it); VmRSS is also sampled every 100 ms.
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ImportRunInfo, ImportSummary } from '../../shared/ipc/channels/imports'
import { percentile } from '../../test-support/stats'
import { startHost } from '../../test-support/web-host'

export const QUERIES = [
  'mar',
  'garcia',
  'u0004',
  'lucas.g',
  'anna m',
  'sch',
  'priya',
  'kim',
  'jose',
  'u00012',
  'hannah.we',
  'zz',
  'mül',
  '+4915',
  'olivia',
]

export interface ServePassResult {
  /** From sending imports.start to seeing the run finished (within the 25 ms poll). */
  wallMs: number
  counts: ImportRunInfo['counts']
  /** The server's VmHWM at the end of the pass. */
  peakRssMiB: number
  /** The largest VmRSS seen by sampling every 100 ms (a cross-check of VmHWM). */
  sampledMaxRssMiB: number
  /** VmRSS once the server is listening, before the import. */
  idleRssMiB: number
  /**
   * The largest RssAnon (private memory: heaps, buffers) and RssFile (file pages mapped in, such as the
   * segment engine's memory-mapped database: clean page cache the kernel can drop) seen by the sampler.
   */
  sampledMaxAnonMiB: number
  sampledMaxFileMiB: number
  /** The server's CPU time (user + system, all threads) from imports.start to the end: load-independent-ish. */
  cpuSeconds: number
  searches: { count: number; p50Ms: number; p99Ms: number; maxMs: number }
  /** Waits for the write lock of a writer on another connection every 100 ms (bench/import/lock-probe.ts). */
  lockWait: { count: number; refused: number; p50Ms: number; p99Ms: number; maxMs: number }
  /** How long the import's own transactions held the write lock, as the server logged them for the run. */
  lockHold: { commits: number; maxMs: number; p99Ms: number }
}

type LockWait = ServePassResult['lockWait']

/** Starts bench/import/lock-probe.ts on the data folder; `stop` ends it and returns its figures. */
function startLockProbe(dataDir: string): { stop: () => Promise<LockWait> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'lock-probe.ts'), '--db', join(dataDir, 'profiles.db')],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    async stop() {
      child.stdin.end()
      const code = await closed
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) throw new Error(`lock probe failed (${code}): ${err}`)
      return JSON.parse(line) as LockWait
    },
  }
}

const POLL_MS = 25

/** VmRSS, VmHWM and RSS split into private and file-backed pages of a process, in MiB (Linux). */
function memoryOf(pid: number): { rssMiB: number; hwmMiB: number; anonMiB: number; fileMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)
    if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`)
    return Number(match[1])
  }
  return {
    rssMiB: kib('VmRSS') / 1024,
    hwmMiB: kib('VmHWM') / 1024,
    anonMiB: kib('RssAnon') / 1024,
    fileMiB: kib('RssFile') / 1024,
  }
}

/** User + system CPU seconds of a process so far, all its threads (/proc/<pid>/stat, Linux). */
function cpuSecondsOf(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ') ?? []
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ticks)) throw new Error(`no CPU times in /proc/${pid}/stat`)
  return ticks / CLOCK_TICKS
}

/** USER_HZ: 100 on every Linux build this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100

function percentiles(latencies: number[]): ServePassResult['searches'] {
  const pct = (p: number) => percentile(latencies, p) || 0
  return { count: latencies.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: pct(100) }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The upload channels take at most 4 MiB per chunk. */
const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024

/** Uploads `file` as the page does (in chunks, read piece by piece) and returns its handle. */
async function upload(rpc: RunningHostRpc, file: string): Promise<string> {
  const bytes = statSync(file).size
  const { uploadId } = await rpc<{ uploadId: string }>('imports.upload.begin', {
    fileName: basename(file),
    bytes,
  })
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(UPLOAD_CHUNK_BYTES)
    for (let offset = 0; offset < bytes;) {
      const read = readSync(fd, buffer, 0, buffer.length, offset)
      const data = buffer.subarray(0, read).toString('base64')
      await rpc('imports.upload.chunk', { uploadId, offset, data })
      offset += read
    }
  } finally {
    closeSync(fd)
  }
  const { handle } = await rpc<{ handle: string }>('imports.upload.finish', { uploadId })
  return handle
}

type RunningHostRpc = Awaited<ReturnType<typeof startHost>>['rpc']

/**
 * The run's own figures from the server's log (import-service.ts logFigures: "import run #N: C commits, write
 * lock max M ms (p99 P ms); …"), read once the server has stopped and its log is flushed.
 */
function lockHoldOf(dataDir: string, runId: number): ServePassResult['lockHold'] {
  const log = readFileSync(join(dataDir, 'logs', 'profile-desk.log'), 'utf8')
  const pattern = new RegExp(
    `^import run #${runId}: (\\d+) commits, write lock max (\\d+) ms \\(p99 (\\d+) ms\\)`,
  )
  for (const line of log.split('\n').reverse()) {
    if (!line.startsWith('{')) continue
    const match = pattern.exec((JSON.parse(line) as { msg?: string }).msg ?? '')
    if (match) return { commits: Number(match[1]), maxMs: Number(match[2]), p99Ms: Number(match[3]) }
  }
  throw new Error(`the server logged no write figures for import run #${runId}`)
}

/** Imports `file` into `dataDir` (kept afterwards, for the next pass) through a served app. */
export async function servePass(file: string, dataDir: string, intervalMs = 100): Promise<ServePassResult> {
  const host = await startHost({ dataDir })
  const { pid, rpc } = host
  let sampler: NodeJS.Timeout | undefined
  let searching = true
  let probe: ReturnType<typeof startLockProbe> | undefined
  let runId: number
  let result: Omit<ServePassResult, 'lockHold'>
  try {
    const idleRssMiB = memoryOf(pid).rssMiB
    let sampledMaxRssMiB = idleRssMiB
    let sampledMaxAnonMiB = 0
    let sampledMaxFileMiB = 0
    sampler = setInterval(() => {
      try {
        const now = memoryOf(pid)
        sampledMaxRssMiB = Math.max(sampledMaxRssMiB, now.rssMiB)
        sampledMaxAnonMiB = Math.max(sampledMaxAnonMiB, now.anonMiB)
        sampledMaxFileMiB = Math.max(sampledMaxFileMiB, now.fileMiB)
      } catch {
        // The process is gone; the pass fails on its next request.
      }
    }, intervalMs)

    const handle = await upload(rpc, file)
    probe = startLockProbe(dataDir)
    const started = performance.now()
    const cpuBefore = cpuSecondsOf(pid)
    ;({ runId } = await rpc<{ runId: number }>('imports.start', {
      file: handle,
      kind: 'profiles',
      mapping: 'auto',
      encoding: 'auto',
    }))
    const latencies: number[] = []
    const searches = (async () => {
      let due = performance.now() + intervalMs
      for (let i = 0; searching; i++) {
        const wait = due - performance.now()
        if (wait > 0) await pause(wait)
        if (!searching) break
        await rpc('profiles.search', { query: QUERIES[i % QUERIES.length], limit: 20 })
        latencies.push(performance.now() - due)
        due += intervalMs
        // A search that overran its slot is followed by the next one at once, measured from its own due time.
      }
    })()

    type RunReply = { run: ImportRunInfo; summary: ImportSummary | null }
    let reply = await rpc<RunReply>('imports.run', { runId })
    while (reply.run.status === 'running') {
      await pause(POLL_MS)
      reply = await rpc<RunReply>('imports.run', { runId })
    }
    const wallMs = performance.now() - started
    const cpuSeconds = cpuSecondsOf(pid) - cpuBefore
    searching = false
    await searches
    const lockWait = await probe.stop()
    probe = undefined
    if (reply.run.status !== 'succeeded')
      throw new Error(`import ${reply.run.status}: ${reply.run.error ?? ''}`)

    clearInterval(sampler)
    const memory = memoryOf(pid)
    result = {
      wallMs,
      counts: reply.summary?.counts ?? reply.run.counts,
      peakRssMiB: memory.hwmMiB,
      sampledMaxRssMiB: Math.max(sampledMaxRssMiB, memory.rssMiB),
      idleRssMiB,
      sampledMaxAnonMiB: Math.max(sampledMaxAnonMiB, memory.anonMiB),
      sampledMaxFileMiB: Math.max(sampledMaxFileMiB, memory.fileMiB),
      cpuSeconds,
      searches: percentiles(latencies),
      lockWait,
    }
  } finally {
    searching = false
    clearInterval(sampler)
    // A failed pass: the probe is ended too (its figures are not needed).
    await probe?.stop().catch(() => undefined)
    await host.stop({ keepDataDir: true })
  }
  return { ...result, lockHold: lockHoldOf(dataDir, runId) }
}
