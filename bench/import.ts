// CSV import benchmark of the built app: a generated profile CSV (default 1,000,000 rows, ~200 MB, ~2% dirty
// rows) imported into an empty data folder and again into the full one (an upsert that changes nothing).
// It first runs `npm run build`; each pass then starts `node out/main/cli.js serve` (the web host, with the
// import in its worker thread) on the data folder, imports the file through the HTTP API and sends a
// profiles.search over HTTP every 100 ms meanwhile (bench/import/serve-pass.ts). Peak RSS is the server
// process's VmHWM. Baseline, measured in the same run: the sqlite3 CLI's own `.import` into a bare table.
// Also: the search index floor, i.e. building the app's indexes and trigram index on the rows the first pass
// wrote (bench/import/index-floor.ts), and the batch writer against the store's row-by-row path on a smaller
// file (--compare-rows; from the sources, bench/import/child.ts: the store path has no channel).
// Run: npm run bench -- import [--rows N] [--seed S] [--compare-rows N] [--baseline-runs N].
// Writes bench/results/import.json.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { GENERATOR_VERSION, generateProfiles } from '../test-support/generate-profiles'
import { servePass, type ServePassResult } from './import/serve-pass'

const TARGET_RATIO = 4
const TARGET_RSS_MIB = 300
const TARGET_P99_MS = 100

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    'compare-rows': { type: 'string', default: '20000' },
    'baseline-runs': { type: 'string', default: '3' },
  },
})
const rows = Number(values.rows)
const seed = Number(values.seed)

interface ChildResult {
  status: string
  error: { message: string } | null
  wallMs: number
  counts: Record<string, number> | null
}

interface IndexFloor {
  indexSeconds: number
  ftsSeconds: number
  perIndex: Record<string, number>
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

async function dataFile(count: number, s: number): Promise<string> {
  const dir = join(root, 'bench', 'data')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `profiles-${count}-s${s}-v${GENERATOR_VERSION}.csv`)
  if (!existsSync(path)) {
    process.stdout.write(`generating ${path} …\n`)
    await generateProfiles(count, s, path)
  }
  return path
}

/** sqlite3's own CSV import into a bare table (all TEXT, no index), default journal, as the floor. */
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

/** Index and FTS build times on a filled data folder (its server stopped), in a process of their own. */
async function indexFloor(dataDir: string): Promise<IndexFloor> {
  const result = await run(process.execPath, [
    '--import',
    'tsx',
    join(root, 'bench', 'import', 'index-floor.ts'),
    '--db',
    join(dataDir, 'profiles.db'),
  ])
  const line = result.stdout.trim().split('\n').pop() ?? ''
  if (result.code !== 0 || !line.startsWith('{'))
    throw new Error(`index floor failed (${result.code}): ${result.stderr}`)
  return JSON.parse(line) as IndexFloor
}

/** The write-path comparison's import, from the sources (bench/import/child.ts). */
async function sourceImport(file: string, dataDir: string, writer: 'batch' | 'store'): Promise<ChildResult> {
  const result = await run(process.execPath, [
    '--import',
    'tsx',
    join(root, 'bench', 'import', 'child.ts'),
    '--data-dir',
    dataDir,
    '--file',
    file,
    '--writer',
    writer,
  ])
  const line = result.stdout.trim().split('\n').pop() ?? ''
  if (result.code !== 0 || !line.startsWith('{'))
    throw new Error(`import child failed (${result.code}): ${result.stderr}`)
  const parsed = JSON.parse(line) as ChildResult
  if (parsed.status !== 'succeeded')
    throw new Error(`import ${parsed.status}: ${parsed.error?.message ?? ''}`)
  return parsed
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const r2 = (n: number) => Math.round(n * 100) / 100

await build()
const file = await dataFile(rows, seed)
const bytes = statSync(file).size
process.stdout.write(`file: ${file} (${rows} rows, ${bytes} bytes)\n`)

const baselines: number[] = []
let baselineRows = 0
for (let i = 0; i < Number(values['baseline-runs']); i++) {
  const b = await sqliteImport(file)
  baselines.push(b.seconds)
  baselineRows = b.rows
  process.stdout.write(`sqlite3 .import: ${b.seconds.toFixed(2)} s (${b.rows} rows)\n`)
}
const baseline = median(baselines)

// Both passes on one data folder: the second imports into what the first filled.
const dataDir = mkdtempSync(join(tmpdir(), 'bench-import-data-'))
const passes: { name: string; result: ServePassResult }[] = []
let floor: IndexFloor | null = null
try {
  for (const name of ['empty database', 'full database (upsert, same file)']) {
    process.stdout.write(`importing into the ${name} (built app, serve) …\n`)
    const result = await servePass(file, dataDir)
    passes.push({ name, result })
    process.stdout.write(
      `  ${(result.wallMs / 1000).toFixed(1)} s, ${JSON.stringify(result.counts)}\n` +
        `  server RSS: idle ${Math.round(result.idleRssMiB)} MiB, VmHWM ${Math.round(result.peakRssMiB)} MiB, ` +
        `largest 100 ms sample ${Math.round(result.sampledMaxRssMiB)} MiB\n`,
    )
    if (!floor) {
      process.stdout.write('search index floor on the imported rows …\n')
      floor = await indexFloor(dataDir)
      process.stdout.write(
        `  indexes ${floor.indexSeconds.toFixed(2)} s, FTS rebuild ${floor.ftsSeconds.toFixed(2)} s\n`,
      )
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}

// The set-based batch writer against the store's path (ProfileChange per row), on a smaller file.
const compareRows = Number(values['compare-rows'])
let comparison: { rows: number; batchSeconds: number; storeSeconds: number } | null = null
if (compareRows > 0) {
  const small = await dataFile(compareRows, seed)
  const times: Record<string, number> = {}
  for (const writer of ['batch', 'store'] as const) {
    const dir = mkdtempSync(join(tmpdir(), `bench-import-${writer}-`))
    try {
      times[writer] = (await sourceImport(small, dir, writer)).wallMs / 1000
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  comparison = { rows: compareRows, batchSeconds: r2(times.batch ?? 0), storeSeconds: r2(times.store ?? 0) }
}

const results = passes.map(({ name, result }) => ({
  pass: name,
  seconds: r2(result.wallMs / 1000),
  ratioToSqlite: r2(result.wallMs / 1000 / baseline),
  rowsPerSecond: Math.round(rows / (result.wallMs / 1000)),
  peakRssMiB: Math.round(result.peakRssMiB),
  search: {
    requests: result.searches.count,
    p50Ms: r2(result.searches.p50Ms),
    p99Ms: r2(result.searches.p99Ms),
    maxMs: r2(result.searches.maxMs),
  },
  counts: result.counts,
}))

const searchIndexFloor = floor && {
  indexSeconds: r2(floor.indexSeconds),
  ftsSeconds: r2(floor.ftsSeconds),
  totalSeconds: r2(floor.indexSeconds + floor.ftsSeconds),
  ratioToSqlite: r2((floor.indexSeconds + floor.ftsSeconds) / baseline),
  perIndex: Object.fromEntries(
    Object.entries(floor.perIndex).map(([name, seconds]) => [name, Math.round(seconds * 1000) / 1000]),
  ),
}

const rowsOut = [
  ['what', 'seconds', 'ratio', 'peak RSS MiB', 'search p50 ms', 'search p99 ms', 'searches'],
  ['sqlite3 .import (median)', baseline.toFixed(2), '1.00', '-', '-', '-', '-'],
  ...(searchIndexFloor
    ? [
        [
          'search index floor (indexes + FTS)',
          searchIndexFloor.totalSeconds.toFixed(2),
          searchIndexFloor.ratioToSqlite.toFixed(2),
          '-',
          '-',
          '-',
          '-',
        ],
      ]
    : []),
  ...results.map((r) => [
    `import: ${r.pass}`,
    r.seconds.toFixed(2),
    r.ratioToSqlite.toFixed(2),
    String(r.peakRssMiB),
    r.search.p50Ms.toFixed(1),
    r.search.p99Ms.toFixed(1),
    String(r.search.requests),
  ]),
]
const widths = rowsOut[0]?.map((_, i) => Math.max(...rowsOut.map((r) => (r[i] ?? '').length))) ?? []
process.stdout.write(
  `\n${rowsOut.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n')}\n`,
)
if (searchIndexFloor) {
  process.stdout.write(
    `\nsearch index floor on the ${rows} imported rows: ${Object.keys(searchIndexFloor.perIndex).length} indexes ` +
      `${searchIndexFloor.indexSeconds.toFixed(2)} s + FTS rebuild ${searchIndexFloor.ftsSeconds.toFixed(2)} s = ` +
      `${searchIndexFloor.totalSeconds.toFixed(2)} s (${searchIndexFloor.ratioToSqlite.toFixed(2)}x sqlite3 .import)\n`,
  )
}
if (comparison) {
  process.stdout.write(
    `\nwrite paths on ${comparison.rows} rows into an empty database: batch writer ${comparison.batchSeconds} s, ProfileChange per row ${comparison.storeSeconds} s\n`,
  )
}
const first = results[0]
const verdicts = {
  ratio: {
    target: TARGET_RATIO,
    actual: first?.ratioToSqlite ?? null,
    pass: (first?.ratioToSqlite ?? Infinity) <= TARGET_RATIO,
  },
  rss: {
    targetMiB: TARGET_RSS_MIB,
    actualMiB: Math.max(...results.map((r) => r.peakRssMiB)),
    pass: results.every((r) => r.peakRssMiB <= TARGET_RSS_MIB),
  },
  searchP99: {
    targetMs: TARGET_P99_MS,
    actualMs: Math.max(...results.map((r) => r.search.p99Ms)),
    pass: results.every((r) => r.search.p99Ms <= TARGET_P99_MS),
  },
}
process.stdout.write(`\ntargets: ${JSON.stringify(verdicts)}\n`)

mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(
  join(root, 'bench', 'results', 'import.json'),
  `${JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      rows,
      seed,
      fileBytes: bytes,
      sqlite: { seconds: r2(baseline), runs: baselines.map(r2), rows: baselineRows },
      searchIndexFloor,
      passes: results,
      writePaths: comparison,
      targets: verdicts,
    },
    null,
    2,
  )}\n`,
)
