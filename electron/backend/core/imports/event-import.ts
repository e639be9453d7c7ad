// An events import (or its dry run): rows of (device id and/or identity, event name, timestamp,
// properties) validated into a staging table (event-rows.ts), then applied in timestamp order through the
// login rule of PRODUCT.md §2 (profiles/login.ts), which updates the event summaries. Each event row has
// a key (a hash of its values and its occurrence in the file) kept in imported_events, so running the
// file again stores nothing twice.
import type {
  EventImportCounts,
  EventImportMapping,
  ImportRunStatus,
  ImportSummary,
} from '../../../../shared/ipc/channels/imports'
import { AppError } from '../../../../shared/ipc/envelope'
import type { Db } from '../db/connection'
import { findIdentifierHolder } from '../profiles/identifiers'
import { applyEvent, storeEvent, type WriteOptions } from '../profiles/login'
import { newObjectId } from '../profiles/object-ids'
import { ProfileChange } from '../profiles/profile-change'
import { closeRunChangeSet, openRunChangeSet } from './run-change-set'
import { findProfileRowById, type ProfileRow } from '../profiles/profile-rows'
import { insertBareProfile } from '../profiles/profile-store'
import { countProfiles } from '../profiles/search'
import { streamCsvRows, windows1252Notice, type StreamStats } from './csv-reader'
import { eventKey, EventRowValidator, type StagedEvent } from './event-rows'
import { applyEventDevice } from './event-device'
import { finishRun, recordProgress } from './import-runs'
import type { DeviceCells } from './device-cells'
import { WriteGap } from './import-checkpoints'
import { checkHeader, RunReport, yieldToEventLoop, type RunHooks, type RunSpec } from './run-report'

export async function runEventImport(db: Db, spec: RunSpec, hooks: RunHooks): Promise<ImportSummary> {
  const report = new RunReport(spec)
  const counts: EventImportCounts = {
    rows: 0,
    imported: 0,
    unchanged: 0,
    rejected: 0,
    profilesCreated: 0,
    loginsBecame: 0,
    loginsSwitched: 0,
    warnings: 0,
  }
  const stats: StreamStats = { bytes: 0, blankLines: 0, encoding: spec.file.encoding, fallbackLine: null }
  const stage = `import_events_${spec.runId}`
  let status: ImportRunStatus = 'succeeded'
  // One change set per run (run-change-set.ts); the events it inserts carry its id. None in a dry run.
  const changeSet = spec.mode === 'import' ? openRunChangeSet(db, spec, null) : null
  try {
    db.exec(`DROP TABLE IF EXISTS temp.${stage};
      CREATE TEMP TABLE ${stage} (line INTEGER PRIMARY KEY, ts INTEGER NOT NULL, device TEXT, identity TEXT,
        name TEXT NOT NULL, props TEXT NOT NULL, key TEXT NOT NULL, dev TEXT)`)
    const validator = new EventRowValidator(spec.mapping as EventImportMapping, spec.headers.length, spec.at)
    if (!validator.hasTimestamp) {
      report.notice(
        'No column is mapped to the timestamp: every event is recorded at the time of the import.',
      )
    }
    const staged = await stageEvents(db, spec, hooks, validator, stage, report, counts, stats)
    if (!staged) status = 'cancelled'
    else {
      // Each event's key is its hash and its occurrence in the file ("<hash>:2" for the second identical
      // event), numbered here in SQL so the file's size never shows in memory.
      db.exec(`UPDATE temp.${stage} SET key = ${stage}.key || ':' || o.n
        FROM (SELECT line, row_number() OVER (PARTITION BY key ORDER BY line) AS n FROM temp.${stage}) AS o
        WHERE o.line = ${stage}.line`)
      db.exec(`CREATE INDEX temp.${stage}_order ON ${stage}(ts, line)`)
      if (!(await applyEvents(db, spec, hooks, stage, report, counts, changeSet))) status = 'cancelled'
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const failed = { ...counts, rejected: report.rejected }
    finishRun(db, report.summary('failed', failed, hooks.now(), stats.encoding, message))
    if (changeSet !== null) closeRunChangeSet(db, changeSet, 'failed', failed, spec.at)
    throw error instanceof AppError ? error : new AppError('internal', message)
  } finally {
    db.exec(`DROP TABLE IF EXISTS temp.${stage}`)
  }
  if (stats.fallbackLine !== null) report.notice(windows1252Notice(stats.fallbackLine))
  if (stats.blankLines > 0)
    report.notice(`${stats.blankLines} blank ${stats.blankLines === 1 ? 'line was' : 'lines were'} skipped.`)
  if (counts.unchanged > 0) {
    report.notice(
      `${counts.unchanged} ${counts.unchanged === 1 ? 'event was' : 'events were'} already imported by an earlier run and not stored again.`,
    )
  }
  if (status === 'cancelled')
    report.notice(
      'The import was cancelled: events written before the cancel are kept; import the file again to finish it.',
    )
  hooks.settle?.()
  const summary = report.summary(
    status,
    { ...counts, rejected: report.rejected, warnings: report.warningCount },
    hooks.now(),
    stats.encoding,
    null,
  )
  finishRun(db, summary)
  if (changeSet !== null) closeRunChangeSet(db, changeSet, status, summary.counts, spec.at)
  return summary
}

/** Pass 1: every row validated; valid events go to the staging table with their keys. */
async function stageEvents(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  validator: EventRowValidator,
  stage: string,
  report: RunReport,
  counts: EventImportCounts,
  stats: StreamStats,
): Promise<boolean> {
  const insert = db.prepare(
    `INSERT INTO temp.${stage} (line, ts, device, identity, name, props, key, dev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  let header = true
  for await (const chunk of streamCsvRows(spec.file.path, spec.layout, stats)) {
    const valid: StagedEvent[] = []
    for (const row of chunk) {
      if (header) {
        checkHeader(row.cells, spec.headers, spec.file.name)
        header = false
        continue
      }
      counts.rows++
      const verdict = validator.validate(row)
      if (verdict.ok) valid.push(verdict.event)
      else report.reject(row.cells, verdict.problem)
    }
    db.transaction(() => {
      for (const e of valid) {
        const dev = e.device === null ? null : JSON.stringify(e.device)
        insert.run(e.line, e.ts, e.deviceId, e.identity, e.name, JSON.stringify(e.props), eventKey(e), dev)
      }
    })()
    hooks.progress('reading', stats.bytes, spec.file.bytes)
    await yieldToEventLoop()
    if (hooks.signal.aborted) return false
  }
  return true
}

interface StageRow {
  line: number
  ts: number
  device: string | null
  identity: string | null
  name: string
  props: string
  key: string
  /** The device columns' values as JSON (device-cells.ts), or null when none is mapped. */
  dev: string | null
}

/** Pass 2: the events in timestamp order, through the login rule, batch by batch. */
async function applyEvents(
  db: Db,
  spec: RunSpec,
  hooks: RunHooks,
  stage: string,
  report: RunReport,
  counts: EventImportCounts,
  changeSet: number | null,
): Promise<boolean> {
  const write = spec.mode === 'import'
  // A dry run writes nothing, so its options never reach a write (change set 0 is never stored).
  const options: WriteOptions = { at: spec.at, actor: spec.actor, outbox: true, changeSet: changeSet ?? 0 }
  const total = (db.prepare(`SELECT count(*) AS n FROM temp.${stage}`).get() as { n: number }).n
  const page = db.prepare(
    `SELECT line, ts, device, identity, name, props, key, dev FROM temp.${stage}
     WHERE ts > @ts OR (ts = @ts AND line > @line) ORDER BY ts, line LIMIT @limit`,
  )
  const known = db.prepare('SELECT 1 FROM imported_events WHERE key = ?').pluck()
  const remember = db.prepare('INSERT OR IGNORE INTO imported_events (key) VALUES (?)')
  const phase = write ? 'importing' : 'validating'
  // Each batch begins once the gap after the last commit has passed; the next page is read within it.
  const gap = new WriteGap(hooks, spec.gapMs)
  let cursor = { ts: Number.MIN_SAFE_INTEGER, line: 0 }
  let batchSize = 500
  let done = 0
  for (;;) {
    const rows = page.all({ ...cursor, limit: batchSize }) as StageRow[]
    if (rows.length === 0) break
    const last = rows[rows.length - 1] as StageRow
    cursor = { ts: last.ts, line: last.line }
    const started = performance.now()
    const apply = () => {
      const before = countProfiles(db, {})
      for (const row of rows) {
        if (known.get(row.key) !== undefined) {
          counts.unchanged++
          continue
        }
        if (!write) {
          counts.imported++
          continue
        }
        const props = JSON.parse(row.props) as Record<string, unknown>
        let placed: ProfileRow | null = null
        if (row.device !== null) {
          const result = applyEvent(
            db,
            {
              deviceId: row.device,
              name: row.name,
              props,
              ts: row.ts,
              ...(row.identity === null ? {} : { identity: row.identity }),
            },
            options,
          )
          if (result.login === 'became') counts.loginsBecame++
          else if (result.login === 'switched') counts.loginsSwitched++
        } else {
          placed = identifiedProfile(db, row.identity as string, options)
          storeEvent(
            db,
            placed,
            { deviceId: null, name: row.name, ts: row.ts, props },
            true,
            spec.at,
            options.changeSet,
          )
        }
        if (row.dev !== null) {
          const cells = JSON.parse(row.dev) as DeviceCells
          const held = applyEventDevice(db, row.device, placed, cells, row.ts, options)
          if (held !== null)
            report.warn([
              {
                line: row.line,
                column: null,
                value: null,
                reason: `${held} The event was imported without its device columns.`,
              },
            ])
        }
        remember.run(row.key)
        counts.imported++
      }
      if (write) {
        counts.profilesCreated += countProfiles(db, {}) - before
        recordProgress(db, spec.runId, done + rows.length, { ...counts, rejected: report.rejected })
      }
    }
    if (write) gap.write(() => db.transaction(apply).immediate())
    else apply()
    done += rows.length
    if (write) hooks.changed()
    hooks.progress(phase, done, total)
    const took = Math.max(1, write ? gap.lockMs : performance.now() - started)
    batchSize = Math.min(
      20_000,
      Math.max(20, Math.round((batchSize + (rows.length * spec.batchMs) / took) / 2)),
    )
    await yieldToEventLoop()
    if (hooks.signal.aborted) return false
  }
  return true
}

/** The profile of an identity (an event with no device): created as the login rule would for a new identity. */
function identifiedProfile(db: Db, identity: string, options: WriteOptions): ProfileRow {
  const holder = findIdentifierHolder(db, { kind: 'identity', name: '', value: identity })
  if (holder !== undefined) return findProfileRowById(db, holder) as ProfileRow
  const row = insertBareProfile(db, newObjectId(), options.at)
  const change = new ProfileChange(db, row, true)
  change.addIdentifier({ kind: 'identity', name: '', value: identity })
  change.commit({ ...options, identifierAction: 'login.new' })
  return findProfileRowById(db, row.id) as ProfileRow
}
