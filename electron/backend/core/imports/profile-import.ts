// A profile import (or its dry run), start to finish. Pass 1 streams the file once to count rows, find
// identities that repeat and settle rows already applied (reimport-spool.ts); pass 2 validates the other
// rows (read back from the spool, or from the file again) and hands the plans to the batch writer: one
// immediate transaction per batch, sized to a time budget so an edit on another connection gets the write
// lock between batches (reads only in a dry run). Rows of a repeated identity are merged in file order and
// written once, at the last of them, so running the same file again changes nothing. A large import's new
// profiles join the trigram index after its last batch, in short chunks (text-index-catchup.ts). Cancel
// stops between batches and keeps the committed ones; an interrupted run resumes (import-resume.ts).
import { createHash } from 'node:crypto'
import type {
  ImportRunStatus,
  ImportSummary,
  ProfileImportCounts,
  ProfileImportMapping,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { readIdentitySet } from '../profiles/identity-set'
import { loadCustomTypes } from '../profiles/properties'
import { streamCsvRows, windows1252Notice, type ParsedRow, type StreamStats } from './csv-reader'
import { addChangeSetProfiles } from '../changes/change-sets'
import { finishRun, recordProgress } from './import-runs'
import { closeRunChangeSet, openRunChangeSet, touchedProfiles } from './run-change-set'
import { findResumePoint, recordFileHash, resumeNotice } from './import-resume'
import { FileKeys } from './file-keys'
import { sequentialObjectIds } from './object-id-source'
import { ProfileBatchWriter, type PlanOutcome, type PlanWriter } from './profile-batch-writer'
import { mergePlans, ProfileRowValidator, type RowPlan } from './profile-plan'
import {
  checkHeader,
  reportSetMatches,
  RunReport,
  yieldToEventLoop,
  type RunHooks,
  type RunSpec,
} from './run-report'
import { catchUpTextIndex, deferTextIndexOf } from './index-upkeep'
import { WriteGap } from './import-checkpoints'
import { closeTextIndexRanges, openTextIndexRange } from './text-index-catchup'
import { recordRowHashes, UnchangedRows, writtenHashes } from './row-hashes'
import { ReimportSpool } from './reimport-spool'

const MIN_BATCH = 50
/** A batch's plans and snapshots live in memory until it is written: these bound them. */
const MAX_BATCH = 2_000
const MAX_BATCH_CELLS = 500_000

interface QueuedPlan {
  plan: RowPlan
  cells: string[]
  /** The row's content hash, kept once the row is written (row-hashes.ts); not for merged plans. */
  hash?: string
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
  let scan: Scan | null = null
  /** The run's change set (run-change-set.ts); none in a dry run. */
  let changeSet: number | null = null
  const closeChanges = (status: ImportRunStatus, final: unknown) => {
    if (changeSet !== null) closeRunChangeSet(db, changeSet, status, final, spec.at, 'kept')
  }
  try {
    const validator = new ProfileRowValidator(spec.mapping as ProfileImportMapping, spec.headers)
    scan = await scanKeys(db, spec, hooks, validator)
    if (scan === null) status = 'cancelled'
    else {
      const resume = spec.mode === 'import' ? findResumePoint(db, spec.runId, scan.hash, spec.mapping) : null
      if (spec.mode === 'import') {
        recordFileHash(db, spec.runId, scan.hash, resume)
        changeSet = openRunChangeSet(db, spec, resume?.runId ?? null)
      }
      if (resume) report.notice(resumeNotice(resume))
      const deferText = spec.mode === 'import' && deferTextIndexOf(scan.rows)
      // Every write transaction of the run, the text index's included, keeps the gap after the last one.
      const gap = new WriteGap(hooks, spec.gapMs)
      try {
        scan.spool.decide(scan, resume !== null)
        const write = { deferText, resumeLine: resume?.line ?? 0, changeSet, gap }
        if (!(await writeRows(db, spec, hooks, validator, scan, report, counts, stats, write)))
          status = 'cancelled'
      } finally {
        // The new profiles join the trigram index now (also after a cancel or a failure: what was committed).
        if (deferText) {
          catchUpTextIndex(db, (done, total) => hooks.progress('indexing', done, total), gap)
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
    closeChanges('failed', summary.counts)
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
        : 'The import was cancelled: the batches written before the cancel are kept; import the file again to finish it.',
    )
  }
  const final = {
    ...counts,
    rejected: report.rejected,
    warnings: report.warningCount,
    duplicates: report.duplicateCount,
  }
  hooks.settle?.()
  const summary = report.summary(status, final, hooks.now(), stats.encoding, null)
  finishRun(db, summary)
  closeChanges(status, final)
  return summary
}

interface Scan {
  tracker: FileKeys<QueuedPlan>
  rows: number
  /** sha256 of the file's bytes (import-resume.ts). */
  hash: string
  /** Rows placed by objectId alone: they can change a profile whose identity a later row names. */
  objectIdRows: number
  /** Rows pass 1 settled unchanged, and the others kept for pass 2. */
  spool: ReimportSpool
  /** What reading the file found (blank lines, encoding), for a pass 2 that does not read it. */
  stats: StreamStats
}

/** Pass 1: counts rows, hashes the file and records the first and last line of every identity. Null when cancelled. */
async function scanKeys(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  validator: ProfileRowValidator,
): Promise<Scan | null> {
  const tracker = new FileKeys<QueuedPlan>(spec.runId)
  const hash = createHash('sha256')
  const stats: StreamStats = {
    bytes: 0,
    blankLines: 0,
    encoding: spec.file.encoding,
    fallbackLine: null,
    hash,
  }
  let header = true
  let rows = 0
  let objectIdRows = 0
  try {
    const spool = new ReimportSpool(db, spec, tracker)
    for await (const chunk of streamCsvRows(spec.file.path, spec.layout, stats)) {
      const keys: { key: string; line: number }[] = []
      const data: ParsedRow[] = []
      for (const row of chunk) {
        if (header) {
          checkHeader(row.cells, spec.headers, spec.file.name)
          header = false
          continue
        }
        rows++
        data.push(row)
        const key = validator.keyOf(row.cells)
        if (key !== null) keys.push({ key, line: row.line })
        if (key?.startsWith('o:')) objectIdRows++
      }
      tracker.recordAll(keys)
      spool.take(data)
      hooks.progress('reading', stats.bytes, spec.file.bytes)
      await yieldToEventLoop()
      if (hooks.signal.aborted) {
        tracker.close()
        return null
      }
    }
    delete stats.hash
    return { tracker, rows, hash: hash.digest('hex'), objectIdRows, spool, stats }
  } catch (error) {
    tracker.close()
    throw error
  }
}

/** Pass 2: validates every row and writes (or, in a dry run, resolves) them batch by batch. False when cancelled. */
async function writeRows(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  validator: ProfileRowValidator,
  scan: Scan,
  report: RunReport,
  counts: ProfileImportCounts,
  stats: StreamStats,
  indexes: { deferText: boolean; resumeLine: number; changeSet: number | null; gap: WriteGap },
): Promise<boolean> {
  const write = spec.mode === 'import'
  // Read once per run: a change in Settings applies to the next import, never half-way through this one.
  const matchOn = readIdentitySet(db)
  const matched = { Email: 0, Phone: 0 }
  const { changeSet, gap } = indexes
  const options = {
    at: spec.at,
    actor: spec.actor,
    write,
    changeSet,
    newObjectId: sequentialObjectIds(),
    matchOn,
  }
  const types = loadCustomTypes(db)
  const writer: PlanWriter =
    write && hooks.writer ? hooks.writer(db, options) : new ProfileBatchWriter(db, types, options)
  const unchanged = new UnchangedRows(db, spec.mapping as ProfileImportMapping, spec.headers, types, {
    objectIdRows: scan.objectIdRows,
    linesOf: (key) => scan.tracker.lines(key),
  })
  const { tracker, rows: totalRows } = scan
  const maxBatch = Math.max(
    MIN_BATCH,
    Math.min(MAX_BATCH, Math.floor(MAX_BATCH_CELLS / Math.max(1, spec.headers.length))),
  )
  const phase = write ? 'importing' : 'validating'
  let queue: QueuedPlan[] = []
  // Small at first: the first batch's lock time is not known yet.
  let batchSize = 200
  // Spooled rows are data rows only; the file read again starts with its header.
  let header = !scan.spool.inUse
  /** The line of the last row read: once its batch commits, every row up to it is written. */
  let lastLine = 0
  /** Rows before the resume point, read again but written by the interrupted run. */
  let replayed = 0

  const tally = (outcomes: PlanOutcome[], cellsOf: Map<RowPlan, string[]>) => {
    for (const o of outcomes) {
      if (o.outcome === 'rejected') report.reject(cellsOf.get(o.plan) ?? [], o.problem)
      else if (o.outcome === 'created') counts.new++
      else if (o.outcome === 'updated') counts.updated++
      else counts.unchanged++
      if (o.outcome !== 'rejected' && o.matchedBy !== undefined) matched[o.matchedBy]++
    }
  }
  // Every batch is one short immediate transaction, begun once the gap after the last commit has passed
  // (the rows read since were parsed and planned within it: import-checkpoints.ts WriteGap); it returns
  // how long it held the write lock.
  const writeBatch = (plans: RowPlan[], cellsOf: Map<RowPlan, string[]>, hashOf: Map<RowPlan, string>) => {
    gap.write(() => {
      db.exec('BEGIN IMMEDIATE')
      try {
        const outcomes = writer.run(plans)
        tally(outcomes, cellsOf)
        recordRowHashes(db, writtenHashes(outcomes, hashOf))
        if (changeSet !== null) addChangeSetProfiles(db, changeSet, touchedProfiles(outcomes))
        recordProgress(db, spec.runId, counts.rows, { ...counts, rejected: report.rejected }, lastLine)
        db.exec('COMMIT')
      } catch (error) {
        // A failed COMMIT (a full disk, say) may already have rolled back: never mask its error.
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      }
    })
    hooks.changed()
    return gap.lockMs
  }
  const flush = () => {
    if (queue.length === 0) return
    const batch = queue
    queue = []
    const plans = batch.map((q) => q.plan)
    const cellsOf = new Map(batch.map((q) => [q.plan, q.cells]))
    const hashOf = new Map(batch.flatMap((q) => (q.hash ? [[q.plan, q.hash] as const] : [])))
    const started = performance.now()
    const lockMs = write ? writeBatch(plans, cellsOf, hashOf) : null
    if (!write) tally(writer.run(plans), cellsOf)
    const took = Math.max(1, lockMs ?? performance.now() - started)
    // The next batch should hold the lock (a dry run: take) about batchMs: long enough to amortise its
    // queries and its commit's page writes, short enough that an edit waiting is applied soon.
    const fitted = Math.round((batch.length * spec.batchMs) / took)
    batchSize = Math.min(maxBatch, Math.max(MIN_BATCH, Math.round((batchSize + fitted) / 2)))
    hooks.progress(phase, counts.rows + replayed, totalRows)
  }

  /**
   * A row the interrupted run already wrote (at or before the resume line). Only an identity that repeats
   * past the resume line needs it: the interrupted run held its merged plan pending, not yet written.
   */
  const replay = (row: ParsedRow) => {
    replayed++
    const key = validator.keyOf(row.cells)
    const lines = key === null ? null : tracker.lines(key)
    if (key === null || lines === null || lines.last <= indexes.resumeLine) return
    const verdict = validator.validate(row)
    if (!verdict.ok) return
    const earlier = tracker.takePending(key)
    tracker.putPending(key, {
      plan: earlier ? mergePlans(earlier.plan, verdict.plan) : verdict.plan,
      cells: row.cells,
    })
  }

  if (write && indexes.deferText) gap.write(() => openTextIndexRange(db))
  try {
    return await readAndQueue()
  } finally {
    if (write && indexes.deferText) gap.write(() => closeTextIndexRanges(db))
  }

  async function readAndQueue(): Promise<boolean> {
    let sliceStart = performance.now()
    const fromSpool = scan.spool.inUse
    const source = scan.spool.rows(stats, counts, scan.stats, () =>
      streamCsvRows(spec.file.path, spec.layout, stats),
    )
    for await (const chunk of source) {
      // Spooled rows were all found changed (or not hashable) in pass 1: only their hashes are needed.
      unchanged.lookUp(chunk, indexes.resumeLine, !fromSpool)
      for (const row of chunk) {
        if (header) {
          checkHeader(row.cells, spec.headers, spec.file.name)
          header = false
          continue
        }
        lastLine = row.line
        if (row.line <= indexes.resumeLine) {
          replay(row)
          continue
        }
        counts.rows++
        const key = validator.keyOf(row.cells)
        const lines = key === null ? null : tracker.lines(key)
        const repeated = lines !== null && lines.first !== lines.last
        const rowHash = unchanged.hashOf(row)
        if (unchanged.alreadyApplied(rowHash, lines !== null && !repeated)) {
          counts.unchanged++
          continue
        }
        const verdict = validator.validate(row)
        if (verdict.warnings.length > 0) report.warn(verdict.warnings)
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
        } else {
          // A row with warnings is validated again next time, so its warnings are reported again.
          const hash = verdict.warnings.length === 0 ? rowHash?.hash : undefined
          queue.push({ plan: verdict.plan, cells: row.cells, ...(hash ? { hash } : {}) })
        }
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
      hooks.progress(phase, counts.rows + replayed, totalRows)
    }
    // Rows whose identity the scan saw again later, but the file ended first (it changed in between).
    for (const left of tracker.takeAllPending()) queue.push(left)
    flush()
    reportSetMatches(report, matchOn, matched)
    return true
  }
}
