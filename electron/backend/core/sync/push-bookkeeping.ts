// What a push writes back: accepted entries leave the queue, refused ones are parked with the server's
// code and message, a deleted profile's queue, conflicts and tombstone are settled, and progress is
// counted. Answers are written in batches of transactions, not one per request: a commit per request
// costs more than the request on loopback. Writing them late is safe: an entry leaves only after the
// server processed it, and one not yet removed at a crash is resent, which is idempotent.
import type { Db } from '../db/connection'
import type { PlannedDelete, PlannedRecord } from './outbox-coalesce'
import { anyParked, dropDoneMarks, markDone, parkEntries, supersedeParked } from './outbox-queue'
import type { PushContext, PushResult } from './push-session'
import { keysOf } from './upload-reply'

/** Accepted entries are removed in one transaction per this many, or per this long. */
const FLUSH_EVERY = 10_000
const FLUSH_INTERVAL_MS = 1_000

export class PushBookkeeping {
  private readonly accepted: number[] = []
  private readonly acceptedProfiles: { objectId: string; json: string; lastId: number }[] = []
  private readonly refused: { ids: number[]; code: number; message: string; at: number }[] = []
  private readonly db: Db
  private lastFlush: number
  /** Entries settled so far, of `total` waiting (which grows if more are found). */
  private done = 0

  constructor(
    private readonly context: PushContext,
    private readonly result: PushResult,
    private total: number,
  ) {
    this.db = context.db
    this.lastFlush = context.clock()
  }

  progress(): void {
    this.total = Math.max(this.total, this.done)
    this.context.onProgress('pushing', this.done, this.total)
  }

  /** The server processed this record: its entries leave the queue at the next flush. */
  accept(planned: PlannedRecord): void {
    this.accepted.push(...planned.entryIds)
    if (planned.kind === 'profile')
      this.acceptedProfiles.push({
        objectId: planned.objectId,
        json: planned.json,
        lastId: Math.max(...planned.entryIds),
      })
    this.result.records += 1
    this.result.entries += planned.entryIds.length
    this.done += planned.entryIds.length
  }

  /** The server refused these entries (one record, or one record of a batch refused whole): parked. */
  refuse(objectId: string, ids: number[], code: number, message: string, at: number): void {
    this.refused.push({ ids, code, message, at })
    this.result.rejected += ids.length
    this.result.notes.push(`${objectId}: ${code} ${message}`)
    this.done += ids.length
  }

  /** The server refused a group of deletes as a whole: each delete is parked. */
  refuseDeletes(group: readonly PlannedDelete[], code: number, message: string): void {
    const at = this.context.clock()
    for (const d of group) this.refused.push({ ids: [d.deleteEntryId], code, message, at })
    this.result.rejected += group.length
    this.result.notes.push(`delete of ${group.length} profile(s): ${code} ${message}`)
  }

  /** After a reply: the answers so far are written when enough piled up or enough time passed. */
  flushIfDue(): void {
    if (this.accepted.length >= FLUSH_EVERY || this.context.clock() - this.lastFlush >= FLUSH_INTERVAL_MS)
      this.flush()
  }

  flush(): void {
    const { db } = this
    this.lastFlush = this.context.clock()
    if (this.accepted.length === 0 && this.refused.length === 0) return
    const removing = this.accepted.splice(0)
    const superseding = this.acceptedProfiles.splice(0)
    const parking = this.refused.splice(0)
    db.transaction(() => {
      markDone(db, removing)
      for (const park of parking) parkEntries(db, park.ids, park.code, park.message, park.at)
      if (anyParked(db)) {
        for (const { objectId, json, lastId } of superseding)
          supersedeParked(db, objectId, keysOf(json), lastId)
      }
    })()
  }

  /**
   * The server deleted these profiles. Written at once (later changes of a recreated profile must not be
   * mistaken for moot ones): everything queued for each profile up to its delete is moot now, conflicts
   * included, and a tombstone keeps a pull from bringing it back.
   */
  deleted(group: readonly PlannedDelete[]): void {
    const { db, result } = this
    this.flush()
    const at = this.context.clock()
    db.transaction(() => {
      for (const d of group) {
        dropDoneMarks(db, d.objectId, d.deleteEntryId)
        db.prepare('DELETE FROM outbox WHERE object_id = ? AND id <= ?').run(d.objectId, d.deleteEntryId)
        db.prepare(
          "UPDATE sync_conflicts SET resolved_at = ?, resolution = 'deleted' WHERE object_id = ? AND resolved_at IS NULL",
        ).run(at, d.objectId)
        db.prepare(
          'INSERT INTO sync_tombstones (object_id, identity, deleted_at) VALUES (?, ?, ?) ON CONFLICT(object_id) DO UPDATE SET deleted_at = excluded.deleted_at',
        ).run(d.objectId, d.identity, at)
        result.entries += d.entryIds.length
        result.deleted += 1
        this.done += d.entryIds.length
      }
    })()
    this.progress()
  }
}
