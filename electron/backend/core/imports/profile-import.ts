// A profile import (or its dry run), start to finish. Pass 1 streams the file once to count rows and find
// identities that repeat; pass 2 validates every row and hands the plans, in batches sized to a time
// budget, to the batch writer: one immediate transaction per batch in an import, reads only in a dry
// run. Rows of a repeated identity are merged in file order and written once, at the last of them, so
// running the same file again changes nothing. How the indexes are kept (one bulk transaction, or batches
// with the indexes live) is index-upkeep.ts's choice. Cancel stops between batches: a batched import keeps
// its committed batches; a bulk import rolls back whole.
import type {
  ImportRunStatus,
  ImportSummary,
  ProfileImportCounts,
  ProfileImportMapping,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { describeIdentitySet, type IdentitySetKey } from '../../../../shared/profile/identity-set'
import { readIdentitySet } from '../profiles/identity-set'
import { loadCustomTypes } from '../profiles/properties'
import { countProfiles } from '../profiles/search'
import { streamCsvRows, windows1252Notice, type StreamStats } from './csv-reader'
import { finishRun, recordProgress } from './import-runs'
import { FileKeys } from './file-keys'
import { sequentialObjectIds } from './object-id-source'
import { ProfileBatchWriter, type PlanOutcome, type PlanWriter } from './profile-batch-writer'
import { mergePlans, ProfileRowValidator, type RowPlan } from './profile-plan'
import { checkHeader, RunReport, yieldToEventLoop, type RunHooks, type RunSpec } from './run-report'
import { beginBulkImport, finishBulkImport, shouldImportInBulk, TextIndexUpkeep } from './index-upkeep'

const MIN_BATCH = 50
/** A batch's plans and snapshots live in memory until it is written: these bound them. */
const MAX_BATCH = 2_000
const MAX_BATCH_CELLS = 500_000

interface QueuedPlan {
  plan: RowPlan
  cells: string[]
}

export async function runProfileImport(db: Db, spec: RunSpec, hooks: RunHooks): Promise<ImportSummary> {
  const report = new RunReport(spec)
  const counts: ProfileImportCounts = {
    rows: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    duplicates: 0,
    warnings: 0,
  }
  const stats: StreamStats = { bytes: 0, blankLines: 0, encoding: spec.file.encoding, fallbackLine: null }
  let status: ImportRunStatus = 'succeeded'
  let bulk = false
  let scan: { tracker: FileKeys<QueuedPlan>; rows: number } | null = null
  try {
    const validator = new ProfileRowValidator(spec.mapping as ProfileImportMapping, spec.headers)
    scan = await scanKeys(db, spec, hooks, validator)
    if (scan === null) status = 'cancelled'
    else {
      const existing = spec.mode === 'import' ? countProfiles(db, {}) : 0
      bulk = spec.mode === 'import' && hooks.writer === undefined && shouldImportInBulk(scan.rows, existing)
      const upkeep = spec.mode === 'import' && !bulk ? new TextIndexUpkeep(db, scan.rows, existing) : null
      try {
        const write = { bulk, upkeep }
        if (!(await writeRows(db, spec, hooks, validator, scan, report, counts, stats, write))) {
          status = 'cancelled'
          // A bulk import rolled back whole: nothing it counted was written.
          if (bulk) counts.new = counts.updated = counts.unchanged = 0
        }
      } finally {
        if (upkeep?.deferred) {
          hooks.progress('indexing', counts.rows, scan.rows)
          upkeep.finish()
          hooks.changed()
        }
      }
    }
  } catch (error) {
    scan?.tracker.close()
    const message = error instanceof Error ? error.message : String(error)
    const summary = report.summary(
      'failed',
      { ...counts, rejected: report.rejected },
      hooks.now(),
      stats.encoding,
      message,
    )
    finishRun(db, summary)
    throw error instanceof AppError ? error : new AppError('internal', message)
  }
  scan?.tracker.close()
  if (stats.fallbackLine !== null) report.notice(windows1252Notice(stats.fallbackLine))
  if (stats.blankLines > 0) {
    report.notice(`${stats.blankLines} blank ${stats.blankLines === 1 ? 'line was' : 'lines were'} skipped.`)
  }
  if (report.duplicateCount > 0) {
    report.notice(
      `${report.duplicateCount} ${report.duplicateCount === 1 ? 'row repeats an identity' : 'rows repeat identities'} of an earlier row: ` +
        'their changes were applied in file order, so where rows disagree the later one wins.',
    )
  }
  if (status === 'cancelled') {
    report.notice(
      spec.mode !== 'import'
        ? 'The dry run was cancelled before it reached the end of the file.'
        : bulk
          ? 'The import was cancelled: nothing was written (a large import into a nearly empty database is written in one piece).'
          : 'The import was cancelled: the batches written before the cancel are kept; import the file again to finish it.',
    )
  }
  const final = {
    ...counts,
    rejected: report.rejected,
    warnings: report.warningCount,
    duplicates: report.duplicateCount,
  }
  const summary = report.summary(status, final, hooks.now(), stats.encoding, null)
  finishRun(db, summary)
  return summary
}

/** Pass 1: counts rows and records the first and last line of every identity. Null when cancelled. */
async function scanKeys(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  validator: ProfileRowValidator,
): Promise<{ tracker: FileKeys<QueuedPlan>; rows: number } | null> {
  const tracker = new FileKeys<QueuedPlan>(db, spec.runId)
  const stats: StreamStats = { bytes: 0, blankLines: 0, encoding: spec.file.encoding, fallbackLine: null }
  let header = true
  let rows = 0
  try {
    for await (const chunk of streamCsvRows(spec.file.path, spec.layout, stats)) {
      const keys: { key: string; line: number }[] = []
      for (const row of chunk) {
        if (header) {
          checkHeader(row.cells, spec.headers, spec.file.name)
          header = false
          continue
        }
        rows++
        const key = validator.keyOf(row.cells)
        if (key !== null) keys.push({ key, line: row.line })
      }
      tracker.recordAll(keys)
      hooks.progress('reading', stats.bytes, spec.file.bytes)
      await yieldToEventLoop()
      if (hooks.signal.aborted) {
        tracker.close()
        return null
      }
    }
  } catch (error) {
    tracker.close()
    throw error
  }
  return { tracker, rows }
}

/** Pass 2: validates every row and writes (or, in a dry run, resolves) them batch by batch. False when cancelled. */
async function writeRows(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  validator: ProfileRowValidator,
  scan: { tracker: FileKeys<QueuedPlan>; rows: number },
  report: RunReport,
  counts: ProfileImportCounts,
  stats: StreamStats,
  indexes: { bulk: boolean; upkeep: TextIndexUpkeep | null },
): Promise<boolean> {
  const write = spec.mode === 'import'
  // Read once per run: a change in Settings applies to the next import, never half-way through this one.
  const matchOn = readIdentitySet(db)
  const matched = { Email: 0, Phone: 0 }
  const options = { at: spec.at, actor: spec.actor, write, newObjectId: sequentialObjectIds(), matchOn }
  const writer: PlanWriter =
    write && hooks.writer
      ? hooks.writer(db, options)
      : new ProfileBatchWriter(db, loadCustomTypes(db), options)
  const { tracker, rows: totalRows } = scan
  const maxBatch = Math.max(
    MIN_BATCH,
    Math.min(MAX_BATCH, Math.floor(MAX_BATCH_CELLS / Math.max(1, spec.headers.length))),
  )
  // 'writing': a bulk import (one transaction; the app shows the profiles as they were until it ends).
  const phase = !write ? 'validating' : indexes.bulk ? 'writing' : 'importing'
  let queue: QueuedPlan[] = []
  let batchSize = 500
  let header = true

  const tally = (outcomes: PlanOutcome[], cellsOf: Map<RowPlan, string[]>) => {
    for (const o of outcomes) {
      if (o.outcome === 'rejected') report.reject(cellsOf.get(o.plan) ?? [], o.problem)
      else if (o.outcome === 'created') counts.new++
      else if (o.outcome === 'updated') counts.updated++
      else counts.unchanged++
      if (o.outcome !== 'rejected' && o.matchedBy !== undefined) matched[o.matchedBy]++
    }
  }
  // In a worker a transaction may span several batches (txMs): fewer commits rewrite the random-key index
  // pages fewer times. On the backend's own thread every batch commits before the event loop runs again.
  // A bulk import is one transaction from its first row to its rebuilt indexes.
  let txStarted: number | null = null
  const commit = () => {
    if (txStarted === null || indexes.bulk) return
    db.exec('COMMIT')
    txStarted = null
    hooks.changed()
  }
  const begin = (at: number) => {
    if (txStarted !== null) return
    db.exec('BEGIN IMMEDIATE')
    txStarted = at
    if (indexes.bulk) beginBulkImport(db, { phoneLookups: matchOn.includes('Phone') })
  }
  const rollback = () => {
    if (txStarted === null) return
    txStarted = null
    // A failed COMMIT (a full disk, say) may already have rolled back: never mask its error.
    if (db.inTransaction) db.exec('ROLLBACK')
  }
  const flush = () => {
    if (queue.length === 0) return
    const batch = queue
    queue = []
    const plans = batch.map((q) => q.plan)
    const cellsOf = new Map(batch.map((q) => [q.plan, q.cells]))
    const started = performance.now()
    let outcomes: PlanOutcome[]
    if (write) {
      begin(started)
      try {
        outcomes = writer.run(plans)
        tally(outcomes, cellsOf)
        recordProgress(db, spec.runId, counts.rows, { ...counts, rejected: report.rejected })
      } catch (error) {
        rollback()
        throw error
      }
      if (performance.now() - (txStarted ?? started) >= spec.txMs) commit()
      indexes.upkeep?.afterBatch(counts.new + counts.updated, counts.rows, commit)
    } else {
      outcomes = writer.run(plans)
      tally(outcomes, cellsOf)
    }
    const took = Math.max(1, performance.now() - started)
    // Size the next batch so it takes about batchMs: long enough to amortise its queries, short enough
    // that a search or an edit waiting for the database is answered soon.
    const fitted = Math.round((batch.length * spec.batchMs) / took)
    batchSize = Math.min(maxBatch, Math.max(MIN_BATCH, Math.round((batchSize + fitted) / 2)))
    hooks.progress(phase, counts.rows, totalRows)
  }

  if (write && indexes.bulk) {
    begin(performance.now())
    let finished = false
    try {
      if (!(await readAndQueue())) return false
      hooks.progress('indexing', counts.rows, totalRows)
      finishBulkImport(db)
      db.exec('COMMIT')
      txStarted = null
      finished = true
      hooks.changed()
      return true
    } finally {
      // Cancelled or failed: the whole import goes, and the database is as it was before it.
      if (!finished) rollback()
    }
  }
  try {
    return await readAndQueue()
  } finally {
    // Cancelled or done: what the open transaction holds is whole batches, so it is committed.
    if (txStarted !== null) commit()
  }

  async function readAndQueue(): Promise<boolean> {
    let sliceStart = performance.now()
    for await (const chunk of streamCsvRows(spec.file.path, spec.layout, stats)) {
      for (const row of chunk) {
        if (header) {
          checkHeader(row.cells, spec.headers, spec.file.name)
          header = false
          continue
        }
        counts.rows++
        const verdict = validator.validate(row)
        if (verdict.warnings.length > 0) report.warn(verdict.warnings)
        const key = validator.keyOf(row.cells)
        const lines = key === null ? null : tracker.lines(key)
        const repeated = lines !== null && lines.first !== lines.last
        if (!verdict.ok) {
          report.reject(row.cells, verdict.problem)
          // The last row of a repeated identity was rejected: the earlier ones are written now.
          if (repeated && key !== null && row.line === lines.last) {
            const earlier = tracker.takePending(key)
            if (earlier) queue.push(earlier)
          }
        } else if (repeated && key !== null) {
          if (row.line !== lines.first) report.duplicate(row.line, lines.first, verdict.plan.key)
          const earlier = tracker.takePending(key)
          const merged = earlier ? mergePlans(earlier.plan, verdict.plan) : verdict.plan
          if (row.line === lines.last) queue.push({ plan: merged, cells: row.cells })
          else tracker.putPending(key, { plan: merged, cells: row.cells })
        } else queue.push({ plan: verdict.plan, cells: row.cells })
        if (queue.length >= batchSize) flush()
        if (performance.now() - sliceStart > spec.sliceMs) {
          await yieldToEventLoop()
          sliceStart = performance.now()
          if (hooks.signal.aborted) return false
        }
      }
      await yieldToEventLoop()
      sliceStart = performance.now()
      if (hooks.signal.aborted) return false
      hooks.progress(phase, counts.rows, totalRows)
    }
    // Rows whose identity the scan saw again later, but the file ended first (it changed in between).
    for (const left of tracker.takeAllPending()) queue.push(left)
    flush()
    reportSetMatches(report, matchOn, matched)
    return true
  }
}

/** Says how many rows with a new identity the identity set placed on an existing profile. */
function reportSetMatches(
  report: RunReport,
  matchOn: readonly IdentitySetKey[],
  matched: Record<'Email' | 'Phone', number>,
): void {
  const total = matched.Email + matched.Phone
  if (total === 0) return
  const by = (['Email', 'Phone'] as const)
    .filter((key) => matched[key] > 0)
    .map((key) => `${matched[key]} by ${key}`)
    .join(', ')
  report.notice(
    `${total} ${total === 1 ? 'row' : 'rows'} with a new identity matched an existing profile without an identity (${by}): ` +
      `the identity set (${describeIdentitySet(matchOn)}; Settings) matches rows on those identifiers, so the profile took the row's identity.`,
  )
}
