// CSV import benchmark of the built app against the database floor measured in the same run (issue 11).
// The floor: the sqlite3 CLI's own `.import` of the file into a bare table, plus rebuilding this build's
// indexes and trigram table on the profile tables (profiles, identifiers, devices) of the database the first
// pass produced (bench/import/index-floor.ts, each index named with its time). Three passes on one data
// folder, each through `node out/main/cli.js serve` (bench/import/serve-pass.ts: the file uploaded, then
// imported over HTTP with a profiles.search every 100 ms and a writer on another connection taking the
// write lock every 100 ms): a generated 1,000,000-row file (~2% dirty rows) into an empty database, the
// same file again (nothing changes), and the file with every tenth row's plan and lifetime value changed.
// Each pass's clock runs until the run is finished, the indexes and trigram table included.
// Beside the floor (no target, for comparison): the live-index floor (bench/import/live-index-floor.ts), the
// same rows stored by SQLite alone into indexes that stay live, in ~100 ms transactions, as an import must.
// Each pass also reports the import's own longest hold of the write lock (from the run's log line), the
// figure the issue bounds at 250 ms, beside a probe's longest wait for the lock.
// The file has a push_token column and a platform column (~65% of rows hold a token): the import writes
// those profiles' devices in the same batches, and the floor's index half rebuilds the devices indexes over
// the device rows the first pass produced. `--devices without` drops both columns (no device rows).
// Run: npm run bench -- import [--rows N] [--seed S] [--baseline-runs N] [--devices with|without].
// Writes bench/results/import.json (import-without-devices.json for `--devices without`).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { GENERATOR_VERSION, generateProfiles, type DeviceColumns } from '../test-support/generate-profiles'
import { servePass, type ServePassResult } from './import/serve-pass'

/** Targets as ratios to the floor (issue 11), and the absolute ones kept from issue 3. */
const TARGETS = { empty: 2, unchanged: 1, changed10: 1.5, rssMiB: 300, searchP99Ms: 100, lockMs: 250 }

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'baseline-runs': { type: 'string', default: '3' },
    devices: { type: 'string', default: 'with' },
  },
})
const rows = Number(values.rows)
const seed = Number(values.seed)
if (values.devices !== 'with' && values.devices !== 'without')
  throw new Error(`--devices is "with" or "without", not "${values.devices}"`)
/** The generator's device columns: push_token and platform, or neither. */
const devices: DeviceColumns = values.devices === 'with' ? 'platform' : 'none'

interface IndexFloor {
  indexSeconds: number
  ftsSeconds: number
  perIndex: Record<string, number>
  /** Device rows in the database the first pass produced (the devices indexes were rebuilt over them). */
  deviceRows: number
}

function run(
  command: string,
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }))
    child.stdin.end(input ?? '')
  })
}

/** The generated file (cached in bench/data); `changeEvery` 10 gives the 10%-changed variant. */
async function dataFile(count: number, s: number, changeEvery = 0): Promise<string> {
  const dir = join(root, 'bench', 'data')
  mkdirSync(dir, { recursive: true })
  const variant = `${changeEvery > 0 ? `-c${changeEvery}` : ''}${devices === 'token' ? '' : `-d${devices}`}`
  const path = join(dir, `profiles-${count}-s${s}${variant}-v${GENERATOR_VERSION}.csv`)
  if (!existsSync(path)) {
    process.stdout.write(`generating ${path} …\n`)
    await generateProfiles(count, s, path, changeEvery, devices)
  }
  return path
}

/** sqlite3's own CSV import into a bare table (all TEXT, no index), default journal. */
async function sqliteImport(file: string): Promise<{ seconds: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-sqlite-'))
  try {
    const db = join(dir, 'bare.db')
    const timed = await run('sqlite3', [db], `.mode csv\n.import ${file} profiles\n`)
    if (timed.code !== 0) throw new Error(`sqlite3 .import failed: ${timed.stderr}`)
    const count = await run('sqlite3', [db, 'SELECT count(*) FROM profiles'])
    return { seconds: timed.ms / 1000, rows: Number(count.stdout.trim()) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Builds the app (electron-vite), so the passes measure out/main as the current tree makes it. */
async function build(): Promise<void> {
  process.stdout.write('building the app (npm run build) …\n')
  const result = await run('npm', ['run', 'build'])
  if (result.code !== 0)
    throw new Error(`npm run build failed (${result.code}):\n${result.stdout}${result.stderr}`)
  for (const entry of ['cli.js', 'import-worker.js']) {
    if (!existsSync(join(root, 'out', 'main', entry))) throw new Error(`the build made no out/main/${entry}`)
  }
  process.stdout.write(`  built in ${(result.ms / 1000).toFixed(1)} s\n`)
}

/** What SQLite alone needs to store the rows with live indexes in ~100 ms transactions (live-index-floor.ts). */
interface LiveIndexFloor {
  seconds: number
  profiles: number
  indexes: number
  transactions: number
  lockMaxMs: number
  lockP99Ms: number
  lockMedianMs: number
  checkpoints: number
  checkpointSeconds: number
}

/** Runs one of bench/import's scripts on a filled data folder (its server stopped), in a process of its own. */
async function onImportedRows<T>(name: string, dataDir: string): Promise<T> {
  const script = join(root, 'bench', 'import', `${name}.ts`)
  const result = await run(process.execPath, [
    '--import',
    'tsx',
    script,
    '--db',
    join(dataDir, 'profiles.db'),
  ])
  const line = result.stdout.trim().split('\n').pop() ?? ''
  if (result.code !== 0 || !line.startsWith('{'))
    throw new Error(`${name} failed (${result.code}): ${result.stderr}`)
  return JSON.parse(line) as T
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const r2 = (n: number) => Math.round(n * 100) / 100
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

await build()
const file = await dataFile(rows, seed)
const changedFile = await dataFile(rows, seed, 10)
const bytes = statSync(file).size
process.stdout.write(
  `file: ${file} (${rows} rows, ${bytes} bytes, device columns: ${devices}); load average ${load()}\n`,
)

const baselines: number[] = []
let baselineRows = 0
for (let i = 0; i < Number(values['baseline-runs']); i++) {
  const b = await sqliteImport(file)
  baselines.push(b.seconds)
  baselineRows = b.rows
  process.stdout.write(`sqlite3 .import: ${b.seconds.toFixed(2)} s (${b.rows} rows)\n`)
}
const sqliteSeconds = median(baselines)

const PASSES = [
  { key: 'empty', name: 'into an empty database', file },
  { key: 'unchanged', name: 'the same file again (nothing changed)', file },
  { key: 'changed10', name: "every tenth row's plan and lifetime value changed", file: changedFile },
] as const
const dataDir = mkdtempSync(join(tmpdir(), 'bench-import-data-'))
const passes: { key: (typeof PASSES)[number]['key']; name: string; result: ServePassResult }[] = []
let floor: IndexFloor | null = null
let live: LiveIndexFloor | null = null
try {
  for (const pass of PASSES) {
    process.stdout.write(`import ${pass.name} (built app, serve); load average ${load()} …\n`)
    const result = await servePass(pass.file, dataDir)
    passes.push({ key: pass.key, name: pass.name, result })
    process.stdout.write(
      `  ${(result.wallMs / 1000).toFixed(1)} s, ${JSON.stringify(result.counts)}\n` +
        `  server VmHWM ${Math.round(result.peakRssMiB)} MiB (sampled peaks: private ${Math.round(result.sampledMaxAnonMiB)} MiB, ` +
        `file-backed ${Math.round(result.sampledMaxFileMiB)} MiB); search p99 ${result.searches.p99Ms.toFixed(1)} ms; ` +
        `the import's longest hold of the write lock ${result.lockHold.maxMs} ms (p99 ${result.lockHold.p99Ms} ms, ` +
        `${result.lockHold.commits} commits), a probe's longest wait for it ${result.lockWait.maxMs.toFixed(0)} ms; server CPU ${result.cpuSeconds.toFixed(1)} s\n`,
    )
    if (!floor) {
      process.stdout.write('index floor on the imported rows …\n')
      floor = await onImportedRows<IndexFloor>('index-floor', dataDir)
      process.stdout.write('the same rows stored with live indexes in short transactions …\n')
      live = await onImportedRows<LiveIndexFloor>('live-index-floor', dataDir)
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
if (!floor || !live) throw new Error('the index floor was not measured')

const floorSeconds = sqliteSeconds + floor.indexSeconds + floor.ftsSeconds
// Not a target: what the database needs under the import's own conditions (live indexes, short
// transactions), with the floor's trigram rebuild added, for comparison with the floor the targets use.
const liveSeconds = live.seconds + floor.ftsSeconds
const results = passes.map(({ key, name, result }) => {
  const seconds = result.wallMs / 1000
  return {
    pass: key,
    name,
    seconds: r2(seconds),
    ratioToFloor: r2(seconds / floorSeconds),
    ratioToLiveIndexFloor: r2(seconds / liveSeconds),
    target: TARGETS[key],
    rowsPerSecond: Math.round(rows / seconds),
    peakRssMiB: Math.round(result.peakRssMiB),
    // VmHWM counts file pages mapped in (the segment engine memory-maps the database) beside private memory.
    sampledPeakPrivateMiB: Math.round(result.sampledMaxAnonMiB),
    sampledPeakFileBackedMiB: Math.round(result.sampledMaxFileMiB),
    serverCpuSeconds: r2(result.cpuSeconds),
    search: {
      requests: result.searches.count,
      p50Ms: r2(result.searches.p50Ms),
      p99Ms: r2(result.searches.p99Ms),
    },
    // The issue's bound: no batch holds the write lock past 250 ms (the run's own figures, from its log).
    lockHold: result.lockHold,
    lockWait: {
      probes: result.lockWait.count,
      p99Ms: r2(result.lockWait.p99Ms),
      maxMs: r2(result.lockWait.maxMs),
    },
    counts: result.counts,
  }
})

const lines: string[] = ['', `floor = ${floorSeconds.toFixed(2)} s:`]
lines.push(`  sqlite3 .import (median of ${baselines.length})  ${sqliteSeconds.toFixed(2)} s`)
for (const [name, seconds] of Object.entries(floor.perIndex))
  lines.push(`  index ${name.padEnd(28)} ${seconds.toFixed(2)} s`)
lines.push(`  (devices indexes over ${floor.deviceRows} device rows the import wrote)`)
lines.push(`  trigram table (profiles_fts rebuild) ${floor.ftsSeconds.toFixed(2)} s`)
lines.push(
  '',
  `live-index floor = ${liveSeconds.toFixed(2)} s (${(liveSeconds / floorSeconds).toFixed(2)}× the floor; no target):`,
  `  the ${live.profiles} profiles' rows copied into the ${live.indexes} live indexes ${live.seconds.toFixed(2)} s, ` +
    `${live.transactions} transactions (lock median ${live.lockMedianMs} ms, max ${live.lockMaxMs} ms), ` +
    `${live.checkpoints} checkpoints ${live.checkpointSeconds.toFixed(2)} s`,
  `  + the trigram rebuild above ${floor.ftsSeconds.toFixed(2)} s`,
)
lines.push(
  '',
  'pass                                                 seconds  ratio (target)  live-index  RSS MiB  search p99  lock hold max  lock wait max',
)
for (const r of results) {
  lines.push(
    `${r.name.padEnd(52)} ${r.seconds.toFixed(1).padStart(7)}  ${r.ratioToFloor.toFixed(2).padStart(5)} (≤ ${r.target})` +
      `  ${r.ratioToLiveIndexFloor.toFixed(2).padStart(10)}` +
      `  ${String(r.peakRssMiB).padStart(7)}  ${r.search.p99Ms.toFixed(1).padStart(7)} ms  ${String(r.lockHold.maxMs).padStart(10)} ms` +
      `  ${r.lockWait.maxMs.toFixed(0).padStart(10)} ms`,
  )
}
process.stdout.write(`${lines.join('\n')}\n`)

const verdicts = {
  ...Object.fromEntries(
    results.map((r) => [
      r.pass,
      { target: r.target, actual: r.ratioToFloor, pass: r.ratioToFloor <= r.target },
    ]),
  ),
  rss: { targetMiB: TARGETS.rssMiB, actualMiB: Math.max(...results.map((r) => r.peakRssMiB)) },
  searchP99: { targetMs: TARGETS.searchP99Ms, actualMs: Math.max(...results.map((r) => r.search.p99Ms)) },
  lockHold: { targetMs: TARGETS.lockMs, actualMs: Math.max(...results.map((r) => r.lockHold.maxMs)) },
  lockWait: { targetMs: TARGETS.lockMs, actualMs: Math.max(...results.map((r) => r.lockWait.maxMs)) },
}
process.stdout.write(`\ntargets: ${JSON.stringify(verdicts)}\nload average at the end ${load()}\n`)

mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(
  join(root, 'bench', 'results', devices === 'none' ? 'import-without-devices.json' : 'import.json'),
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      loadAverageAtEnd: loadavg(),
      rows,
      seed,
      deviceColumns: devices,
      fileBytes: bytes,
      floor: {
        seconds: r2(floorSeconds),
        sqliteImport: { seconds: r2(sqliteSeconds), runs: baselines.map(r2), rows: baselineRows },
        indexSeconds: r2(floor.indexSeconds),
        deviceRows: floor.deviceRows,
        ftsSeconds: r2(floor.ftsSeconds),
        perIndex: Object.fromEntries(
          Object.entries(floor.perIndex).map(([n, s]) => [n, Math.round(s * 1000) / 1000]),
        ),
      },
      liveIndexFloor: {
        seconds: r2(liveSeconds),
        ratioToFloor: r2(liveSeconds / floorSeconds),
        copySeconds: r2(live.seconds),
        ftsSeconds: r2(floor.ftsSeconds),
        profiles: live.profiles,
        indexes: live.indexes,
        transactions: live.transactions,
        lockMedianMs: live.lockMedianMs,
        lockMaxMs: live.lockMaxMs,
        checkpoints: live.checkpoints,
        checkpointSeconds: r2(live.checkpointSeconds),
      },
      passes: results,
      targets: verdicts,
    },
    null,
    2,
  )}\n`,
)
