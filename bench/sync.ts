// Sync push benchmark: 100,000 changed profiles in a data dir, pushed by the sync engine (sync.push, as
// the app runs it: outbox read, coalescing, batches of 100, 15 in flight, outbox bookkeeping) to the
// sandbox on loopback, and in the same run a bare client posting the same records in the same batches
// with the same concurrency. Each side gets a fresh sandbox in a child process (its own event loop).
// Run: npm run bench -- sync [--profiles N] [--rounds R] [--data-dir DIR]. Writes bench/results/sync.json.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchArgs } from './bench-args'
import { writeBenchResults } from './results-file'
import { createBackend, type Backend } from '../electron/backend/adapters/ipc/create-backend'
import { DATABASE_FILE } from '../electron/backend/core/platform/index'
import { silentLogger } from '../electron/backend/core/platform/logger'
import { openChangeSet } from '../electron/backend/core/changes/change-sets'
import { ProfileChange } from '../electron/backend/core/profiles/profile-change'
import { findProfileRowById, type ProfileRow } from '../electron/backend/core/profiles/profile-rows'
import { ACCOUNT, PASSCODE } from '../test-support/sandbox-account'
import { startSandboxProcess } from '../test-support/sandbox-process'

const BATCH = 100
const CONCURRENCY = 15
const TARGET_RATIO = 0.8

interface Measured {
  seconds: number
  /** CPU time of this (client) process during the measurement. */
  cpuSeconds: number
}

/** 100k profiles (the sample generator's bulk path), then five properties changed on each: 100k outbox entries. */
async function prepare(dataDir: string, profiles: number): Promise<void> {
  const backend = createBackend({ dataDir, host: 'test', logger: silentLogger, sync: { autoSync: false } })
  try {
    const existing = (await backend.call('app.info', {})).profileCount
    const waiting = (await backend.call('sync.status', {})).pending
    if (existing >= profiles && waiting >= profiles) {
      console.log(
        `Reusing ${existing.toLocaleString('en')} profiles with ${waiting.toLocaleString('en')} changes in ${dataDir}.`,
      )
      return
    }
    const started = performance.now()
    const { jobId } = await backend.call('sample.load', { profiles })
    const info = await backend.context.jobs.wait(jobId)
    if (info.status !== 'succeeded') throw new Error(`seeding ${info.status}`)
    const db = backend.context.db
    const ids = db.prepare('SELECT id FROM profiles ORDER BY id LIMIT ?').pluck().all(profiles) as number[]
    const at = Math.floor(Date.now() / 1000)
    const plans = ['free', 'basic', 'pro', 'team']
    const cities = ['Berlin', 'Paris', 'Mumbai', 'São Paulo', 'Jakarta', 'Dubai']
    const changeSet = openChangeSet(db, { kind: 'edit', actor: 'bench', label: 'bench: profiles changed' })
    for (let i = 0; i < ids.length; i += 5000) {
      db.transaction(() => {
        for (const id of ids.slice(i, i + 5000)) {
          const change = new ProfileChange(db, findProfileRowById(db, id) as ProfileRow)
          change.apply({ op: 'set', key: 'Plan', value: plans[id % plans.length]!, type: 'string' })
          change.apply({ op: 'set', key: 'City', value: cities[id % cities.length]!, type: 'string' })
          change.apply({ op: 'set', key: 'Score', value: id % 1000, type: 'number' })
          change.apply({
            op: 'set',
            key: 'Interests',
            value: ['news', id % 2 ? 'sport' : 'travel'],
            type: 'multi',
          })
          change.apply({ op: 'set', key: 'MSG-email', value: id % 3 !== 0 })
          change.commit({ at, actor: 'bench', outbox: true, changeSet })
        }
      }).immediate()
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    console.log(
      `Prepared ${ids.length.toLocaleString('en')} changed profiles in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    )
  } finally {
    await backend.close()
  }
}

function loadRecords(dataDir: string): Record<string, unknown>[] {
  const backend = createBackend({ dataDir, host: 'test', logger: silentLogger, sync: { autoSync: false } })
  try {
    const rows = backend.context.db
      .prepare('SELECT payload FROM outbox ORDER BY id')
      .pluck()
      .all() as string[]
    return rows.map((text) => JSON.parse(text) as Record<string, unknown>)
  } finally {
    void backend.close()
  }
}

/** The baseline: POST the same records in the same batches, 15 at a time, and check each reply. */
async function bareClient(url: string, records: Record<string, unknown>[]): Promise<Measured> {
  const batches: Record<string, unknown>[][] = []
  for (let i = 0; i < records.length; i += BATCH) batches.push(records.slice(i, i + BATCH))
  const headers = {
    'X-CleverTap-Account-Id': ACCOUNT,
    'X-CleverTap-Passcode': PASSCODE,
    'Content-Type': 'application/json; charset=utf-8',
  }
  let next = 0
  let processed = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!
        const response = await fetch(`${url}/1/upload`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ d: batch }),
        })
        const body = (await response.json()) as { processed?: number }
        if (response.status !== 200 || body.processed !== batch.length) {
          throw new Error(`bare client: HTTP ${response.status}, ${JSON.stringify(body).slice(0, 200)}`)
        }
        processed += batch.length
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  if (processed !== records.length) throw new Error(`bare client sent ${processed} of ${records.length}`)
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 }
}

/** The engine: sync.push on a copy of the prepared data dir, from the request to job.finished. */
async function engine(url: string, template: string, expected: number): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-bench-sync-'))
  copyFileSync(join(template, DATABASE_FILE), join(dataDir, DATABASE_FILE))
  const backend: Backend = createBackend({
    dataDir,
    host: 'test',
    logger: silentLogger,
    sync: { autoSync: false },
  })
  try {
    await backend.call('sync.settings.set', {
      remote: { kind: 'url', baseUrl: url },
      accountId: ACCOUNT,
      passcode: PASSCODE,
      batchSize: BATCH,
    })
    const cpu = process.cpuUsage()
    const started = performance.now()
    const { jobId } = await backend.call('sync.push', {})
    const info = await backend.context.jobs.wait(jobId)
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const status = await backend.call('sync.status', {})
    if (info.status !== 'succeeded' || status.pending !== 0 || status.errors !== 0) {
      throw new Error(`engine push ${info.status}: ${status.headline}`)
    }
    const runs = await backend.call('sync.runs.list', { limit: 1 })
    if (runs.items[0]?.records !== expected)
      throw new Error(`engine pushed ${runs.items[0]?.records} of ${expected}`)
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6 }
  } finally {
    await backend.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function main(): Promise<void> {
  const {
    numbers,
    dataDir: template,
    keep,
  } = benchArgs({ profiles: 100_000, rounds: 3 }, 'profile-desk-bench-sync-template-')
  const { profiles } = numbers
  const rounds = Math.max(1, numbers.rounds)
  try {
    await prepare(template, profiles)
    const records = loadRecords(template)
    console.log(
      `${records.length.toLocaleString('en')} records, ${(JSON.stringify(records).length / records.length).toFixed(0)} B each as JSON; ` +
        `batches of ${BATCH}, ${CONCURRENCY} in flight; a fresh sandbox (child process) per measurement.`,
    )
    const bare: Measured[] = []
    const ours: Measured[] = []
    // Alternating, so drift on a shared machine hits both sides alike; each pair gives one ratio.
    for (let round = 1; round <= rounds; round += 1) {
      for (const side of ['bare', 'engine'] as const) {
        const sandbox = await startSandboxProcess({ from: 'source', timeoutMs: 60_000 })
        try {
          const measured =
            side === 'bare'
              ? await bareClient(sandbox.url, records)
              : await engine(sandbox.url, template, records.length)
          ;(side === 'bare' ? bare : ours).push(measured)
          console.log(
            `round ${round} ${side.padEnd(6)} ${measured.seconds.toFixed(2)} s  ` +
              `${Math.round(records.length / measured.seconds).toLocaleString('en')} records/s  ` +
              `client CPU ${measured.cpuSeconds.toFixed(2)} s`,
          )
        } finally {
          await sandbox.stop()
        }
      }
    }
    const bareRate = records.length / median(bare.map((m) => m.seconds))
    const engineRate = records.length / median(ours.map((m) => m.seconds))
    const pairRatios = bare.map((b, i) => b.seconds / (ours[i] as Measured).seconds)
    const ratio = median(pairRatios)
    console.log('')
    console.log(`bare client  ${Math.round(bareRate).toLocaleString('en')} records/s (median of ${rounds})`)
    console.log(`sync engine  ${Math.round(engineRate).toLocaleString('en')} records/s (median of ${rounds})`)
    console.log(
      `ratio        ${ratio.toFixed(2)} (median of the rounds' ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')}; target >= ${TARGET_RATIO})`,
    )
    const out = writeBenchResults('sync', {
      cpus: cpus().length,
      records: records.length,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      rounds,
      bareSeconds: bare.map((m) => Math.round(m.seconds * 1000) / 1000),
      engineSeconds: ours.map((m) => Math.round(m.seconds * 1000) / 1000),
      bareClientCpuSeconds: bare.map((m) => Math.round(m.cpuSeconds * 100) / 100),
      engineClientCpuSeconds: ours.map((m) => Math.round(m.cpuSeconds * 100) / 100),
      roundRatios: pairRatios.map((r) => Math.round(r * 1000) / 1000),
      bareRecordsPerSecond: Math.round(bareRate),
      engineRecordsPerSecond: Math.round(engineRate),
      ratio: Math.round(ratio * 1000) / 1000,
      targetRatio: TARGET_RATIO,
      pass: ratio >= TARGET_RATIO,
    })
    console.log(`Wrote ${out}`)
    if (ratio < TARGET_RATIO) process.exitCode = 1
  } finally {
    if (!keep) rmSync(template, { recursive: true, force: true })
  }
}

await main()
