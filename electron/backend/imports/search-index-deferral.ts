// Keeping the search indexes up to date row by row costs a large import far more than the rows
// themselves: FTS5 merges its trigram segments after every batch, and every batch dirties pages all over
// the name, email, identity and phone indexes (random keys), so each commit rewrites most of them.
// Building them once from the finished table is an order of magnitude cheaper. So when an import writes
// many rows compared with the table, it drops the search-only indexes and the FTS triggers and rebuilds
// them at the end, under the store's bulk-load flag: if the process dies meanwhile, the next start
// rebuilds them (sample/bulk-insert.ts finishInterruptedBulkLoad). The indexes that find a profile by
// CleverTap ID or identifier stay live, so upserts and the uniqueness of identifiers never depend on it.
import type { Db } from '../db/connection'
import { BULK_DEFERRED_INDEXES, FTS_TRIGGERS } from '../db/migrations'
import { finishBulkLoad, isBulkLoadInProgress } from '../sample/bulk-insert'

/** The settings key sample/bulk-insert.ts uses for a load in progress (finished at the next start). */
const BULK_FLAG = 'bulk_load_in_progress'

/** Indexes that locate profiles and enforce identifier uniqueness: never dropped. */
const LOOKUP_INDEXES = new Set([
  'profiles_object_id',
  'identifiers_value',
  'identifiers_profile',
  'devices_profile',
])

/** Below this many written rows the live indexes are cheap enough. */
export const DEFER_MIN_ROWS = 20_000
/** A rebuild costs about 1/15 of live upkeep per row: worth it when the rows written reach 1/15 of the table. */
const REBUILD_TO_LIVE_COST = 15

export function shouldDeferSearchIndexes(rowsToWrite: number, existingProfiles: number): boolean {
  return rowsToWrite >= DEFER_MIN_ROWS && rowsToWrite * REBUILD_TO_LIVE_COST >= existingProfiles
}

/** Drops the search-only indexes and the FTS triggers under the bulk-load flag. False if a bulk load is on. */
export function deferSearchIndexes(db: Db): boolean {
  if (isBulkLoadInProgress(db)) return false
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
      BULK_FLAG,
      String(Date.now()),
    )
    for (const trigger of FTS_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
    for (const index of BULK_DEFERRED_INDEXES) {
      if (!LOOKUP_INDEXES.has(index.name)) db.exec(`DROP INDEX IF EXISTS ${index.name}`)
    }
  }).immediate()
  return true
}

/** Builds the dropped indexes and the FTS index from the table, recreates the triggers, clears the flag. */
export function restoreSearchIndexes(db: Db): void {
  finishBulkLoad(db)
}
