// Keeping the trigram search index (profiles_fts) up to date row by row costs a large import more than
// everything else: FTS5 merges its segments after every batch. Building it once from the finished table
// is an order of magnitude cheaper. So when an import writes many rows compared with the table, it drops
// the FTS triggers and rebuilds the index at the end, under the store's bulk-load flag: if the process
// dies meanwhile, the next start rebuilds it (sample/bulk-insert.ts finishInterruptedBulkLoad).
// The B-tree indexes stay live: Find People keeps answering by exact and prefix match at full speed
// during the import (dropping them too saves ~25% of the time but turns every search into table scans);
// substring matches of the rows written meanwhile appear when the import ends.
import type { Db } from '../db/connection'
import { FTS_TRIGGERS } from '../db/migrations'
import { finishBulkLoad, isBulkLoadInProgress } from '../sample/bulk-insert'

/** The settings key sample/bulk-insert.ts uses for a load in progress (finished at the next start). */
const BULK_FLAG = 'bulk_load_in_progress'

/** Below this many written rows the live index is cheap enough. */
export const DEFER_MIN_ROWS = 20_000
/** A rebuild costs about 1/15 of live upkeep per row: worth it when the rows written reach 1/15 of the table. */
export const REBUILD_TO_LIVE_COST = 15

export function shouldDeferTextIndex(rowsToWrite: number, existingProfiles: number): boolean {
  return rowsToWrite >= DEFER_MIN_ROWS && rowsToWrite * REBUILD_TO_LIVE_COST >= existingProfiles
}

/** Drops the FTS triggers under the bulk-load flag. False when a bulk load is already in progress. */
export function deferTextIndex(db: Db): boolean {
  if (isBulkLoadInProgress(db)) return false
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
      BULK_FLAG,
      String(Date.now()),
    )
    for (const trigger of FTS_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
  }).immediate()
  return true
}

/** Rebuilds the FTS index from the table in one pass, recreates the triggers and clears the flag. */
export function restoreTextIndex(db: Db): void {
  finishBulkLoad(db)
}
