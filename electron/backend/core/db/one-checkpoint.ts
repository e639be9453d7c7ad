// A long job of many transactions (bulk edit, undo) checkpoints the WAL once, at its end, instead of
// after every transaction: the pages its batches share (index pages such as audit_object's) are copied
// into the database file and synced once, not once per batch.
import type { Db } from './connection'

/**
 * Runs `work` with this connection's automatic checkpoints off, then restores them and runs one passive
 * checkpoint (it never waits for readers). Other connections keep checkpointing as usual.
 */
export async function withOneCheckpoint<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const pages = db.pragma('wal_autocheckpoint', { simple: true }) as number
  db.pragma('wal_autocheckpoint = 0')
  try {
    return await work()
  } finally {
    db.pragma(`wal_autocheckpoint = ${pages}`)
    if (pages > 0) db.pragma('wal_checkpoint(PASSIVE)')
  }
}
