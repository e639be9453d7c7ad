// Find People benchmark: seeds N profiles (default 1,000,000) through sample.load's bulk path into a
// temp data dir, then times search and list requests through backend.dispatch, the hosts' boundary.
// Run: node --import tsx bench/search.ts [--profiles N] [--samples S] [--data-dir DIR].
// --data-dir keeps the database (seeding only when it is empty) so query changes can be re-measured.
// Writes bench/results/search.json.
import { rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { benchArgs } from './bench-args'
import { writeBenchResults } from './results-file'
import { percentile } from '../test-support/stats'
import { Faker, base, en } from '@faker-js/faker'
import { createBackend, type Backend } from '../electron/backend/adapters/ipc/create-backend'
import { DATABASE_FILE } from '../electron/backend/core/platform/index'
import { silentLogger } from '../electron/backend/core/platform/logger'
import type { SampleLoadSummary } from '../shared/profile/types'

const TARGET_P95_MS = 10
const WARM_UP = 30

interface Shape {
  name: string
  channel: 'profiles.search' | 'profiles.list'
  requests: unknown[]
}

interface ShapeResult {
  shape: string
  samples: number
  medianMs: number
  p95Ms: number
  maxMs: number
  meanHits: number
  pass: boolean
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

interface SeedTimes {
  seconds: number
  /** Of which: building indexes, the trigram index and counts after the rows (the bulk path). */
  indexingSeconds: number
}

async function seed(backend: Backend, profiles: number): Promise<SeedTimes> {
  const started = performance.now()
  let summary: SampleLoadSummary | undefined
  const off = backend.on('job.finished', (e) => {
    if (e.kind === 'sample.load') summary = e.summary
  })
  const { jobId } = await backend.call('sample.load', { profiles })
  const info = await backend.context.jobs.wait(jobId)
  off()
  if (info.status !== 'succeeded') throw new Error(`seeding ${info.status}`)
  return {
    seconds: (performance.now() - started) / 1000,
    indexingSeconds: summary?.indexingSeconds ?? 0,
  }
}

/** Queries drawn from the generated data (prefixes of real values) plus misses. */
function buildShapes(backend: Backend, samples: number): Shape[] {
  const db = backend.context.db
  const faker = new Faker({ locale: [en, base], seed: 7 })
  const { maxId } = db.prepare('SELECT max(id) AS maxId FROM profiles').get() as { maxId: number }
  const people: { name: string; email: string; phone: string }[] = []
  const pick = db.prepare(
    'SELECT name, email, phone FROM profiles WHERE id >= ? AND name IS NOT NULL LIMIT 1',
  )
  for (let guard = 0; people.length < samples && guard < samples * 20; guard++) {
    const row = pick.get(faker.number.int({ min: 1, max: maxId })) as (typeof people)[number] | undefined
    if (row) people.push(row)
  }
  const len = () => faker.number.int({ min: 2, max: 6 })
  const prefix = (text: string) => text.slice(0, len())
  const search = (query: string) => ({ query, limit: 50 })
  // Letters no generated name, email or identity contains in this order; '+0…' is no country code.
  const missLetters = [...'qxzjvkw']
  const miss = () =>
    faker.helpers.arrayElement([
      `q${Array.from({ length: len() }, () => faker.helpers.arrayElement(missLetters)).join('')}`,
      `+0${faker.string.numeric(1)}`,
      `qx${faker.string.alpha({ length: 3, casing: 'lower' })}@`,
    ])
  const substring = (p: (typeof people)[number]) => {
    const local = (p.email.split('@')[0] ?? p.email).replace(/\d+$/, '')
    const start = faker.number.int({ min: 1, max: Math.max(1, local.length - 4) })
    return local.slice(start, start + faker.number.int({ min: 3, max: 5 }))
  }
  const offsets = [0, 1_000, 10_000, 100_000, 500_000, 900_000]
  return [
    {
      name: 'email prefix (2-6 chars)',
      channel: 'profiles.search',
      requests: people.map((p) => search(prefix(p.email))),
    },
    {
      name: 'name prefix (2-6 chars)',
      channel: 'profiles.search',
      requests: people.map((p) => search(prefix(p.name))),
    },
    {
      name: 'phone prefix (+ and 2-6 digits)',
      channel: 'profiles.search',
      requests: people.map((p) => search(p.phone.slice(0, len() + 1))),
    },
    {
      name: 'miss (no profile matches)',
      channel: 'profiles.search',
      requests: people.map(() => search(miss())),
    },
    {
      name: 'substring (3-5 chars, FTS)',
      channel: 'profiles.search',
      requests: people.map((p) => search(substring(p))),
    },
    ...offsets.map((offset): Shape => ({
      name: `list by name, offset ${offset}`,
      channel: 'profiles.list',
      requests: people.map(() => ({ sort: 'name', direction: 'asc', offset, limit: 50 })),
    })),
  ]
}

async function measure(backend: Backend, shape: Shape): Promise<ShapeResult> {
  for (const request of shape.requests.slice(0, WARM_UP)) await backend.dispatch(shape.channel, request)
  const times: number[] = []
  let hits = 0
  for (const request of shape.requests) {
    const started = performance.now()
    const reply = await backend.dispatch(shape.channel, request)
    times.push(performance.now() - started)
    if (!reply.ok) throw new Error(`${shape.channel} failed: ${reply.error.message}`)
    hits += (reply.value as { total: number }).total
  }
  const sorted = [...times].sort((a, b) => a - b)
  const p95 = percentile(sorted, 95)
  return {
    shape: shape.name,
    samples: times.length,
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(p95),
    maxMs: round(sorted[sorted.length - 1] as number),
    meanHits: Math.round(hits / times.length),
    pass: p95 <= TARGET_P95_MS,
  }
}

async function main(): Promise<void> {
  const { numbers, dataDir, keep } = benchArgs({ profiles: 1_000_000, samples: 250 }, 'profile-desk-bench-')
  const { profiles, samples } = numbers
  const backend = createBackend({ dataDir, host: 'test', logger: silentLogger })
  try {
    const existing = (await backend.call('app.info', {})).profileCount
    let times: SeedTimes = { seconds: 0, indexingSeconds: 0 }
    if (existing === 0) {
      console.log(`Seeding ${profiles.toLocaleString('en')} profiles into ${dataDir} …`)
      times = await seed(backend, profiles)
    } else
      console.log(`Reusing ${existing.toLocaleString('en')} profiles in ${dataDir} (seeding not measured).`)
    const seedSeconds = times.seconds
    backend.context.db.pragma('wal_checkpoint(TRUNCATE)')
    const file = join(dataDir, DATABASE_FILE)
    const dbBytes = fileSize(file) + fileSize(`${file}-wal`)
    console.log(
      `Seeded in ${seedSeconds.toFixed(1)} s (of which indexing ${times.indexingSeconds.toFixed(1)} s); ` +
        `database ${(dbBytes / 2 ** 20).toFixed(1)} MiB on disk.`,
    )
    const results: ShapeResult[] = []
    for (const shape of buildShapes(backend, samples)) results.push(await measure(backend, shape))
    console.log('')
    console.log(
      'shape                              samples  median ms   p95 ms   max ms   mean total  p95<=10ms',
    )
    for (const r of results) {
      console.log(
        `${r.shape.padEnd(34)} ${String(r.samples).padStart(7)} ${r.medianMs.toFixed(3).padStart(10)} ${r.p95Ms
          .toFixed(3)
          .padStart(
            8,
          )} ${r.maxMs.toFixed(3).padStart(8)} ${String(r.meanHits).padStart(12)}  ${r.pass ? 'yes' : 'NO'}`,
      )
    }
    const out = writeBenchResults('search', {
      profiles: (await backend.call('app.info', {})).profileCount,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      indexingSeconds: Math.round(times.indexingSeconds * 10) / 10,
      databaseBytes: dbBytes,
      targetP95Ms: TARGET_P95_MS,
      results,
    })
    console.log(`\nWrote ${out}`)
    if (results.some((r) => !r.pass)) process.exitCode = 1
  } finally {
    await backend.close()
    if (!keep) rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
