// The trigram index (profiles_fts) of profiles a large import creates, made live after they are committed,
// in short chunks. Keeping it live row by row costs several times a build from the table, and a build in
// one transaction holds the write lock for many seconds. So a large import opens a pending id range
// (fts_pending) before its first batch: the FTS triggers skip every profile whose id is in a pending range
// (their WHEN clause, profiles/schema.ts), whoever writes it. When the import's rows are written the range
// is closed at the highest id, and indexTextChunk() adds the range's rows to the index a chunk at a time,
// each chunk in its own short transaction that also moves the range's start past it. A profile edited or
// deleted while pending is indexed as it then is (or not at all). Exact and prefix search never depend on
// it; substring search says it is still indexing while a range is pending (profiles/search.ts).
import type { Db } from '../db/connection'

/** The end of a range an import is still writing into. */
const OPEN = Number.MAX_SAFE_INTEGER

/** Before an import's first batch (its own short transaction): new profiles from now on are pending. */
export function openTextIndexRange(db: Db): void {
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM fts_pending WHERE last_id = ?').get(OPEN) !== undefined) return
    db.prepare(
      'INSERT INTO fts_pending (first_id, last_id) SELECT coalesce(max(id), 0) + 1, ? FROM profiles',
    ).run(OPEN)
  }).immediate()
}

/**
 * Closes open ranges at the highest id written so far (after an import's last batch, and at start-up for
 * an import that died): profiles created later are indexed by the triggers again.
 */
export function closeTextIndexRanges(db: Db): void {
  db.transaction(() => {
    db.prepare(
      'UPDATE fts_pending SET last_id = (SELECT coalesce(max(id), 0) FROM profiles) WHERE last_id = ?',
    ).run(OPEN)
    db.prepare('DELETE FROM fts_pending WHERE first_id > last_id').run()
  }).immediate()
}

/** About how many profiles wait for the trigram index (the ids of pending ranges; deleted ones included). */
export function pendingTextIndexRows(db: Db): number {
  const row = db
    .prepare(
      `SELECT coalesce(sum(min(last_id, (SELECT coalesce(max(id), 0) FROM profiles)) - first_id + 1), 0) AS n
       FROM fts_pending`,
    )
    .get() as { n: number }
  return Math.max(0, row.n)
}

/** Indexes up to `maxRows` ids of the lowest closed range in one transaction; returns how many ids it covered. */
export function indexTextChunk(db: Db, maxRows: number): number {
  return db
    .transaction(() => {
      const range = db
        .prepare(
          'SELECT rowid, first_id, last_id FROM fts_pending WHERE last_id < ? ORDER BY first_id LIMIT 1',
        )
        .get(OPEN) as { rowid: number; first_id: number; last_id: number } | undefined
      if (!range) return 0
      const end = Math.min(range.last_id, range.first_id + maxRows - 1)
      db.prepare(
        `INSERT INTO profiles_fts (rowid, name_key, email_key, identity_key, phone_key)
       SELECT id, name_key, email_key, identity_key, phone_key FROM profiles WHERE id BETWEEN ? AND ?`,
      ).run(range.first_id, end)
      if (end >= range.last_id) db.prepare('DELETE FROM fts_pending WHERE rowid = ?').run(range.rowid)
      else db.prepare('UPDATE fts_pending SET first_id = ? WHERE rowid = ?').run(end + 1, range.rowid)
      return end - range.first_id + 1
    })
    .immediate()
}
