// One import pass against the built app, as a person runs it: `node out/main/cli.js serve` on a data
// folder (a separate process: the web host, its backend and, in a worker thread, the import), the file
// imported through `POST /rpc/imports.start`, the end seen on the SSE stream (job.finished), and a
// `profiles.search` over HTTP every 100 ms while it runs. Latency is measured from when each search was
// due, so a search delayed by a busy server (or a late timer here) counts. Peak RSS is the server's
// VmHWM (/proc/<pid>/status, read before stopping it: worker threads share the process, so the import
// worker is in it); VmRSS is also sampled every 100 ms as a cross-check.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Agent, request, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { ImportRunInfo, ImportSummary } from '../../shared/ipc/channels/imports'
import type { Envelope } from '../../shared/ipc/envelope'
import type { JobFinishedEvent } from '../../shared/ipc/events'

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
  /** From sending imports.start to the job.finished event of the run (status succeeded). */
  wallMs: number
  counts: ImportRunInfo['counts']
  /** The server's VmHWM at the end of the pass. */
  peakRssMiB: number
  /** The largest VmRSS seen by sampling every 100 ms (a cross-check of VmHWM). */
  sampledMaxRssMiB: number
  /** VmRSS once the server is listening, before the import. */
  idleRssMiB: number
  searches: { count: number; p50Ms: number; p99Ms: number; maxMs: number }
}

const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
const READY_LINE = /Profile Desk is running at (http:\/\/127\.0\.0\.1:(\d+))\/#token=(\S+)/

type Server = ChildProcessByStdio<null, Readable, Readable>

/** VmRSS and VmHWM of a process, in MiB (Linux). */
function memoryOf(pid: number): { rssMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)
    if (!match?.[1]) throw new Error(`no ${field} in /proc/${pid}/status`)
    return Number(match[1])
  }
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 }
}

function percentiles(latencies: number[]): ServePassResult['searches'] {
  const sorted = [...latencies].sort((a, b) => a - b)
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
  return { count: sorted.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: sorted[sorted.length - 1] ?? 0 }
}

/** Starts `serve --port 0` and waits for the line with its address and token. */
async function startServer(
  root: string,
  dataDir: string,
): Promise<{ server: Server; port: number; token: string; output: () => string }> {
  const server = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'cli.js'), 'serve', '--port', '0', '--data-dir', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  // Both pipes are drained for the whole pass; the tail is kept for error messages.
  server.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-8192)))
  server.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)))
  const output = () => `${stdout}${stderr}`.trim()
  try {
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve did not print its address in ${READY_TIMEOUT_MS} ms: ${output()}`)),
        READY_TIMEOUT_MS,
      )
      const onData = () => {
        const match = READY_LINE.exec(stdout)
        if (!match) return
        clearTimeout(timer)
        server.stdout.off('data', onData)
        server.off('exit', onExit)
        resolve({ port: Number(match[2]), token: match[3] as string })
      }
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer)
        reject(new Error(`serve exited (${code ?? signal}) before it was ready: ${output()}`))
      }
      server.stdout.on('data', onData)
      server.once('exit', onExit)
      server.once('error', reject)
    })
    return { server, port, token, output }
  } catch (error) {
    await stopServer(server)
    throw error
  }
}

/** SIGTERM to the server's PID (serve closes the host and the backend), SIGKILL after a timeout. */
async function stopServer(server: Server): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  server.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
  ])
  clearTimeout(timer)
  if (timedOut) {
    process.stderr.write(`serve (pid ${server.pid}) did not stop in ${STOP_TIMEOUT_MS} ms: SIGKILL\n`)
    server.kill('SIGKILL')
    await exited
  }
}

/** The web host's RPC: POST /rpc/<channel> with the bearer token; the reply is always an envelope. */
function rpcClient(port: number, token: string, agent: Agent) {
  return <T>(channel: string, body: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const text = JSON.stringify(body)
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/rpc/${encodeURIComponent(channel)}`,
          agent,
          // Node sets Host to 127.0.0.1:<port>, which the host accepts; no Origin (not a browser).
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(text),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('error', reject)
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8')
            let envelope: Envelope<T>
            try {
              envelope = JSON.parse(raw) as Envelope<T>
            } catch {
              reject(new Error(`${channel}: HTTP ${res.statusCode}, not JSON: ${raw.slice(0, 200)}`))
              return
            }
            if (envelope.ok) resolve(envelope.value)
            else
              reject(
                new Error(
                  `${channel}: HTTP ${res.statusCode} ${envelope.error.code}: ${envelope.error.message}`,
                ),
              )
          })
        },
      )
      req.on('error', reject)
      req.end(text)
    })
}

/** GET /events (SSE): calls onEvent for every `event:`/`data:` block; resolves once the stream is open. */
function openEvents(
  port: number,
  token: string,
  onEvent: (name: string, payload: unknown) => void,
  onEnd: (error: Error) => void,
): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'GET',
        path: '/events',
        agent: false,
        headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /events: HTTP ${res.statusCode}`))
          res.resume()
          return
        }
        let closed = false
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffer += chunk
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            let name = 'message'
            const data: string[] = []
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) name = line.slice(6).trim()
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
            }
            if (data.length > 0) onEvent(name, JSON.parse(data.join('\n')))
          }
        })
        const ended = () => {
          if (!closed) onEnd(new Error('the SSE stream ended before the import finished'))
          closed = true
        }
        res.on('end', ended)
        res.on('error', ended)
        // The subscription is made when the headers are written: from here no event is missed.
        resolve({
          close() {
            closed = true
            req.destroy()
          },
        })
      },
    )
    req.on('error', reject)
    req.end()
  })
}

export async function servePass(
  root: string,
  file: string,
  dataDir: string,
  intervalMs = 100,
): Promise<ServePassResult> {
  const { server, port, token, output } = await startServer(root, dataDir)
  const pid = server.pid as number
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  const rpc = rpcClient(port, token, agent)
  let events: { close(): void } | null = null
  let sampler: NodeJS.Timeout | undefined
  let onServerExit: ((code: number | null, signal: string | null) => void) | null = null
  try {
    const idleRssMiB = memoryOf(pid).rssMiB
    let sampledMaxRssMiB = idleRssMiB
    sampler = setInterval(() => {
      try {
        sampledMaxRssMiB = Math.max(sampledMaxRssMiB, memoryOf(pid).rssMiB)
      } catch {
        // The process is gone; the pass fails elsewhere.
      }
    }, intervalMs)

    // job.finished may in principle arrive before imports.start's reply: keep them all by job id.
    const finishedAt = new Map<string, { event: JobFinishedEvent; at: number }>()
    let wanted: string | null = null
    let onFinished: (() => void) | null = null
    let failPass: (error: Error) => void = () => undefined
    const failed = new Promise<never>((_, reject) => (failPass = reject))
    failed.catch(() => undefined)
    onServerExit = (code: number | null, signal: string | null) =>
      failPass(new Error(`serve exited (${code ?? signal}) during the import: ${output()}`))
    server.once('exit', onServerExit)
    events = await openEvents(
      port,
      token,
      (name, payload) => {
        if (name !== 'job.finished') return
        const event = payload as JobFinishedEvent
        finishedAt.set(event.jobId, { event, at: performance.now() })
        if (event.jobId === wanted) onFinished?.()
      },
      (error) => failPass(error),
    )

    const started = performance.now()
    const { jobId, runId } = await rpc<{ jobId: string; runId: number }>('imports.start', {
      path: file,
      kind: 'profiles',
      mapping: 'auto',
      encoding: 'auto',
    })
    wanted = jobId
    const finished = new Promise<{ event: JobFinishedEvent; at: number }>((resolve) => {
      const check = () => {
        const seen = finishedAt.get(jobId)
        if (seen) resolve(seen)
      }
      onFinished = check
      check()
    })

    const latencies: number[] = []
    let searching = true
    const searches = (async () => {
      let due = performance.now() + intervalMs
      for (let i = 0; searching; i++) {
        const wait = due - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        if (!searching) break
        await rpc('profiles.search', { query: QUERIES[i % QUERIES.length], limit: 20 })
        latencies.push(performance.now() - due)
        due += intervalMs
        // A search that overran its slot is followed by the next one at once, measured from its own due time.
      }
    })()
    searches.catch((error: unknown) => failPass(error instanceof Error ? error : new Error(String(error))))

    const end = await Promise.race([finished, failed])
    searching = false
    await Promise.race([searches, failed])
    const wallMs = end.at - started

    // The run's row is final before job.finished is sent; poll briefly in case it is not.
    let reply = await rpc<{ run: ImportRunInfo; summary: ImportSummary | null }>('imports.run', { runId })
    for (let i = 0; reply.run.status === 'running' && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      reply = await rpc<{ run: ImportRunInfo; summary: ImportSummary | null }>('imports.run', { runId })
    }
    if (end.event.status !== 'succeeded' || reply.run.status !== 'succeeded') {
      throw new Error(
        `import ${reply.run.status} (job ${end.event.status}): ${reply.run.error ?? end.event.error?.message ?? ''}`,
      )
    }

    clearInterval(sampler)
    const memory = memoryOf(pid)
    return {
      wallMs,
      counts: reply.summary?.counts ?? reply.run.counts,
      peakRssMiB: memory.hwmMiB,
      sampledMaxRssMiB: Math.max(sampledMaxRssMiB, memory.rssMiB),
      idleRssMiB,
      searches: percentiles(latencies),
    }
  } finally {
    clearInterval(sampler)
    events?.close()
    agent.destroy()
    if (onServerExit) server.off('exit', onServerExit)
    await stopServer(server)
  }
}
