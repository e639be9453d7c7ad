// The fast path for loading many profiles into an empty database: drop the secondary indexes and the
// FTS/count triggers, insert in big transactions, then build the indexes from the finished table,
// rebuild the trigram index in one pass and recount. A settings flag marks the load as in progress so a
// load killed half-way is finished (indexes rebuilt) at the next start instead of leaving them missing.
import { BULK_DEFERRED_INDEXES, COUNT_TRIGGERS, FTS_TRIGGERS } from '../profiles/migrations'
import type { Db } from './connection'
import type { Logger } from '../platform/logger'
import { recountProfileCounts } from '../profiles/schema'

const FLAG = 'bulk_load_in_progress'

export function isBulkLoadInProgress(db: Db): boolean {
  return db.prepare('SELECT 1 FROM settings WHERE key = ?').get(FLAG) !== undefined
}

/** Drops what slows a bulk insert; one transaction with the flag, so it is all-or-nothing. */
export function beginBulkLoad(db: Db): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(FLAG, String(Date.now()))
    dropForBulkLoad(db)
  }).immediate()
}

/**
 * Drops only the FTS triggers, under the flag (a batched import that turned out large: its trigram index
 * is rebuilt by finishBulkLoad). False when a bulk load is already in progress.
 */
export function deferTextIndex(db: Db): boolean {
  if (isBulkLoadInProgress(db)) return false
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(FLAG, String(Date.now()))
    for (const trigger of FTS_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
  }).immediate()
  return true
}

/** Rebuilds indexes, the FTS index, the counts and the triggers; clears the flag. Idempotent. */
export function finishBulkLoad(db: Db): void {
  db.transaction(() => {
    rebuildAfterBulkLoad(db)
    db.prepare('DELETE FROM settings WHERE key = ?').run(FLAG)
  }).immediate()
}

/**
 * Inside the caller's transaction: drops the FTS and count triggers and the deferred indexes, except
 * those named in `keep` (an import keeps the ones its lookups use).
 */
export function dropForBulkLoad(db: Db, keep: ReadonlySet<string> = new Set()): void {
  for (const trigger of [...FTS_TRIGGERS, ...COUNT_TRIGGERS])
    db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
  for (const index of BULK_DEFERRED_INDEXES) {
    if (!keep.has(index.name)) db.exec(`DROP INDEX IF EXISTS ${index.name}`)
  }
}

/** Inside the caller's transaction: builds what dropForBulkLoad dropped, the FTS index and the counts. */
export function rebuildAfterBulkLoad(db: Db): void {
  for (const index of BULK_DEFERRED_INDEXES) {
    db.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}IF NOT EXISTS `))
  }
  db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('rebuild')")
  recountProfileCounts(db)
  for (const trigger of [...FTS_TRIGGERS, ...COUNT_TRIGGERS]) {
    db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
    db.exec(trigger.sql)
  }
}

/** At start-up: a bulk load that did not finish (crash, kill) is finished now. */
export function finishInterruptedBulkLoad(db: Db, logger: Logger): void {
  if (!isBulkLoadInProgress(db)) return
  logger.warn('A bulk load did not finish; rebuilding the search indexes now.')
  finishBulkLoad(db)
}
