// The fast path for loading many rows into a table: drop its secondary indexes and triggers, insert in big
// transactions, then build the indexes from the finished table and rebuild what the triggers kept (a text
// index, counts). A settings flag marks the load as in progress so a load killed half-way is finished
// (indexes rebuilt) at the next start instead of leaving them missing. What to drop is the caller's schema
// (core/profiles/schema.ts PROFILE_BULK_STRUCTURES): the store knows no feature's tables.
import type { Db } from './connection'
import type { Logger } from '../platform/logger'

/** A named index or trigger and the SQL that creates it. */
export interface SqlObject {
  name: string
  sql: string
}

/** What a bulk load drops and rebuilds. */
export interface DeferredStructures {
  /** Secondary indexes: dropped before the load, built from the finished table afterwards. */
  indexes: readonly SqlObject[]
  /** Triggers that keep a text index in step; the only ones dropped when just the text index is deferred. */
  textTriggers: readonly SqlObject[]
  /** Other triggers dropped for the load (derived counts). */
  otherTriggers: readonly SqlObject[]
  /** Inside the transaction, after the indexes are built: rebuilds what the triggers would have kept. */
  rebuildDerived(db: Db): void
}

const FLAG = 'bulk_load_in_progress'

export function isBulkLoadInProgress(db: Db): boolean {
  return db.prepare('SELECT 1 FROM settings WHERE key = ?').get(FLAG) !== undefined
}

/** Drops what slows a bulk insert; one transaction with the flag, so it is all-or-nothing. */
export function beginBulkLoad(db: Db, structures: DeferredStructures): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(FLAG, String(Date.now()))
    dropForBulkLoad(db, structures)
  }).immediate()
}

/**
 * Drops only the text-index triggers, under the flag (a batched import that turned out large: its text
 * index is rebuilt by finishBulkLoad). False when a bulk load is already in progress.
 */
export function deferTextIndex(db: Db, structures: DeferredStructures): boolean {
  if (isBulkLoadInProgress(db)) return false
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(FLAG, String(Date.now()))
    for (const trigger of structures.textTriggers) db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
  }).immediate()
  return true
}

/** Rebuilds indexes, the derived data and the triggers; clears the flag. Idempotent. */
export function finishBulkLoad(db: Db, structures: DeferredStructures): void {
  db.transaction(() => {
    rebuildAfterBulkLoad(db, structures)
    db.prepare('DELETE FROM settings WHERE key = ?').run(FLAG)
  }).immediate()
}

/**
 * Inside the caller's transaction: drops the triggers and the deferred indexes, except the indexes named
 * in `keep` (an import keeps the ones its lookups use).
 */
export function dropForBulkLoad(
  db: Db,
  structures: DeferredStructures,
  keep: ReadonlySet<string> = new Set(),
): void {
  for (const trigger of [...structures.textTriggers, ...structures.otherTriggers])
    db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
  for (const index of structures.indexes) {
    if (!keep.has(index.name)) db.exec(`DROP INDEX IF EXISTS ${index.name}`)
  }
}

/** Inside the caller's transaction: builds what dropForBulkLoad dropped and the derived data. */
export function rebuildAfterBulkLoad(db: Db, structures: DeferredStructures): void {
  for (const index of structures.indexes) {
    db.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}IF NOT EXISTS `))
  }
  structures.rebuildDerived(db)
  for (const trigger of [...structures.textTriggers, ...structures.otherTriggers]) {
    db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
    db.exec(trigger.sql)
  }
}

/** At start-up: a bulk load that did not finish (crash, kill) is finished now. */
export function finishInterruptedBulkLoad(db: Db, structures: DeferredStructures, logger: Logger): void {
  if (!isBulkLoadInProgress(db)) return
  logger.warn('A bulk load did not finish; rebuilding the search indexes now.')
  finishBulkLoad(db, structures)
}
