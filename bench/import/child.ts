// One import inside its own process, as the benchmark measures it: a backend on --data-dir, the file
// imported through imports.start, and a profiles.search through the same backend every 100 ms while it
// runs. Prints one JSON line: wall time, the summary's counts, peak RSS and the search latencies.
// Latency is measured from when each search was due, so a search delayed by a busy event loop counts.
import { parseArgs } from 'node:util'
import type { ImportSummary } from '../../shared/ipc/channels/imports'
import type { JobFinishedEvent } from '../../shared/ipc/events'
import { createBackend } from '../../electron/backend/index'
import { silentLogger } from '../../electron/backend/logger'
import { ImportService } from '../../electron/backend/imports/import-service'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    file: { type: 'string' },
    mode: { type: 'string', default: 'import' },
    'interval-ms': { type: 'string', default: '100' },
    writer: { type: 'string', default: 'batch' },
  },
})
const dataDir = values['data-dir']
const file = values.file
if (!dataDir || !file) throw new Error('--data-dir and --file are required')

const QUERIES = [
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

const backend = createBackend({ dataDir, host: 'web', logger: silentLogger })
const finished = new Promise<JobFinishedEvent>((resolve) => {
  backend.on('job.finished', (event) => resolve(event))
})
const interval = Number(values['interval-ms'])
const latencies: number[] = []
let searching = true
const started = performance.now()
const request = { path: file, kind: 'profiles' as const, mapping: 'auto' as const, encoding: 'auto' as const }
// The store path (one ProfileChange per row) is not reachable from the channels: it is the reference.
const { jobId, runId } =
  values.writer === 'store'
    ? await new ImportService(backend.context, { writer: 'store' }).start(request, 'import')
    : await backend.call(values.mode === 'dry-run' ? 'imports.validate' : 'imports.start', request)
const searches = (async () => {
  let due = performance.now() + interval
  for (let i = 0; searching; i++) {
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    if (!searching) break
    const reply = await backend.dispatch('profiles.search', { query: QUERIES[i % QUERIES.length], limit: 20 })
    if (!reply.ok) throw new Error(`search failed: ${reply.error.message}`)
    latencies.push(performance.now() - due)
    due += interval
    // A search that overran its slot is followed by the next one at once, measured from its own due time.
  }
})()
const event = await finished
const wallMs = performance.now() - started
searching = false
await searches
const { summary } = (await backend.call('imports.run', { runId })) as { summary: ImportSummary | null }
await backend.close()
const sorted = [...latencies].sort((a, b) => a - b)
const pct = (p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
process.stdout.write(
  `${JSON.stringify({
    jobId,
    status: event.status,
    error: event.error ?? null,
    wallMs,
    counts: summary?.counts ?? null,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    searches: { count: sorted.length, p50Ms: pct(50), p99Ms: pct(99), maxMs: sorted[sorted.length - 1] ?? 0 },
  })}\n`,
)
