// How an import keeps the search indexes: the cheapest way that still answers searches quickly meanwhile.
//
// - Bulk: the table is small next to the file (an import into an empty database, say). Keeping the name,
//   email, identity and phone indexes and the trigram index (profiles_fts) live while rows arrive in random
//   key order costs several times what building them from the finished table costs (PERF-BASELINES §3,
//   "index after load"). So the whole import is ONE transaction: it drops those indexes and the FTS and
//   count triggers, writes every row, builds them again and commits. Other connections keep reading the
//   database as it was before the import, with its indexes, so Find People stays fast throughout; the rows
//   appear all at once at the end. A cancel, a failure or a kill -9 leaves the database exactly as before
//   (SQLite rolls the transaction back), so nothing is ever half-written or left without its indexes.
//   The indexes whose keys the import looks up (identifiers by value, profiles by objectId) or appends in
//   order (identifiers by profile) stay live.
// - Batched: otherwise the import commits batch by batch (edits and syncs interleave) with the indexes
//   live. When the rows actually written turn out many next to the table, the trigram index alone is
//   deferred: its triggers are dropped under the store's bulk-load flag and it is rebuilt at the end (or at
//   the next start if the process dies: core/db/bulk-load.ts finishInterruptedBulkLoad).
import type { Db } from '../db/connection'
import { deferTextIndex, dropForBulkLoad, finishBulkLoad, rebuildAfterBulkLoad } from '../db/bulk-load'
import { AUDIENCE_BULK_STRUCTURES } from '../devices/schema'

/** Below this many rows the live indexes are cheap enough. */
export const BULK_MIN_ROWS = 20_000
/** A rebuild costs about 1/15 of live upkeep per row: worth it when the rows written reach 1/15 of the table. */
export const REBUILD_TO_LIVE_COST = 15

/** Indexes a bulk import keeps live: its lookups use them, or their keys arrive in order. */
const KEPT_LIVE: ReadonlySet<string> = new Set([
  'profiles_object_id',
  'identifiers_value',
  'identifiers_profile',
  'devices_profile',
])

/** Decided before anything is written: the file's rows against the profiles already there. */
export function shouldImportInBulk(fileRows: number, existingProfiles: number): boolean {
  return fileRows >= BULK_MIN_ROWS && existingProfiles * REBUILD_TO_LIVE_COST < fileRows
}

/**
 * Inside the import's one transaction, before its first row. `phoneLookups`: the identity set matches
 * rows on Phone, so the phone index is one the import looks up and stays live too.
 */
export function beginBulkImport(db: Db, options: { phoneLookups: boolean }): void {
  if (!db.inTransaction) throw new Error('beginBulkImport runs inside the import transaction')
  dropForBulkLoad(
    db,
    AUDIENCE_BULK_STRUCTURES,
    options.phoneLookups ? new Set([...KEPT_LIVE, 'profiles_phone_key']) : KEPT_LIVE,
  )
}

/** Inside the import's one transaction, after its last row: indexes, trigram index, counts, triggers. */
export function finishBulkImport(db: Db): void {
  if (!db.inTransaction) throw new Error('finishBulkImport runs inside the import transaction')
  rebuildAfterBulkLoad(db, AUDIENCE_BULK_STRUCTURES)
}

function shouldDeferTextIndex(rowsToWrite: number, existingProfiles: number): boolean {
  return rowsToWrite >= BULK_MIN_ROWS && rowsToWrite * REBUILD_TO_LIVE_COST >= existingProfiles
}

/**
 * A batched import's trigram index: kept live, or (once the rows actually written show the import is
 * large next to the table) deferred to the end. A re-run that changes nothing never drops it.
 */
export class TextIndexUpkeep {
  deferred = false

  constructor(
    private readonly db: Db,
    private readonly totalRows: number,
    private readonly existing: number,
  ) {}

  /** After a batch: `commit` ends the open transaction (the triggers are dropped in one of their own). */
  afterBatch(written: number, read: number, commit: () => void): void {
    if (this.deferred || read === 0) return
    // Project the rows still to come at the rate seen so far.
    const projected = written + ((this.totalRows - read) * written) / read
    if (written >= 2_000 && shouldDeferTextIndex(projected, this.existing)) {
      commit()
      this.deferred = deferTextIndex(this.db, AUDIENCE_BULK_STRUCTURES)
    }
  }

  /** Rebuilds the trigram index if it was deferred. */
  finish(): void {
    if (this.deferred) finishBulkLoad(this.db, AUDIENCE_BULK_STRUCTURES)
  }
}
