// Push: the outbox to the upload API. Chunks of waiting entries are coalesced per profile and sent in
// batches, at most 15 requests in flight; an entry leaves the outbox only when the server reports its
// record processed, a refused record is parked with the server's code and message, and a batch the
// server refuses as a whole is split until the bad record is found. Every profile of a chunk is in one
// request, and the next chunk starts after this one, so a profile's changes arrive in order. The named
// parts: push-planner.ts (chunks into requests), push-pool.ts (workers), push-splitter.ts (requests,
// halving a refused batch), push-bookkeeping.ts (what the answers change), push-session.ts (the run).
import type { OutboxRow } from './outbox-coalesce'
import { NOT_DONE, readPendingChunk, unparkFixedProfiles } from './outbox-queue'
import { PushBookkeeping } from './push-bookkeeping'
import { PushPlanner, type Task } from './push-planner'
import { runPool, TaskPool } from './push-pool'
import { PushSession, type PushContext, type PushResult } from './push-session'
import { sendDeletes, sendRecords } from './push-splitter'
import { withChangeSet } from '../changes/change-sets'
import { reconcileRemoteProfile, SYNC_ACTOR } from './reconcile'
import { countOutbox } from './status'

/** The upload API allows 15 concurrent requests per account; the other APIs 3 (CLEVERTAP-API.md §0). */
export const MAX_UPLOADS_IN_FLIGHT = 15
export const MAX_OTHER_IN_FLIGHT = 3
/** Outbox entries read and planned at a time; a profile's entries coalesce only within one chunk. */
export const DEFAULT_CHUNK = 2_000

export async function runPush(context: PushContext): Promise<PushResult> {
  const { db } = context
  const session = new PushSession(context)
  // Refused changes come back only here, at the start, when a newer change to their profile waits: then
  // they are read before it (lower id) and merged with it, in order.
  unparkFixedProfiles(db)
  const before = countOutbox(db)
  const total = before.pending - before.held
  context.onProgress('checking', 0, total)

  await precheck(session)

  const books = new PushBookkeeping(context, session.result, total)
  // The reader plans chunks of the outbox into tasks while workers send them, so the server never
  // waits for the next chunk to be read.
  const planner = new PushPlanner(context)
  const pool = new TaskPool((error) => session.crashed(error))
  const concurrency = context.concurrency ?? MAX_UPLOADS_IN_FLIGHT
  const uploads = pool.lane(concurrency, (task: Task) => sendRecords(session, books, task.records))
  const deletes = pool.lane(MAX_OTHER_IN_FLIGHT, (task: Task) => sendDeletes(session, books, task.deletes))
  const lowWater = concurrency * 2
  const chunkSize = context.chunkSize ?? DEFAULT_CHUNK
  let afterId = 0
  try {
    while (session.going) {
      await pool.roomBelow(lowWater, session.signal)
      const rows = readPendingChunk(db, afterId, chunkSize)
      if (rows.length === 0) break
      afterId = (rows[rows.length - 1] as OutboxRow).id
      const planned = planner.plan(rows)
      uploads.push(...planned.uploads)
      deletes.push(...planned.deletes)
      pool.wake()
      books.progress()
    }
  } finally {
    await pool.drain()
    books.flush()
  }
  return session.finish(countOutbox(db))
}

/**
 * Before a small push, each profile with waiting property changes is read back: the server's changes
 * since the last sync come into the cache and a field changed on both sides becomes a conflict (held),
 * instead of being overwritten by the push. A bulk push (an import) relies on the last pull.
 */
async function precheck(session: PushSession): Promise<void> {
  const { context, result, signal } = session
  if (context.precheckLimit <= 0) return
  const { db } = context
  const objects = db
    .prepare(
      `SELECT DISTINCT object_id FROM outbox WHERE kind = 'profile' AND state = 'pending' AND ${NOT_DONE}
       AND object_id NOT IN (SELECT object_id FROM sync_conflicts WHERE resolved_at IS NULL)
       LIMIT ?`,
    )
    .all(context.precheckLimit + 1) as { object_id: string }[]
  if (objects.length === 0 || objects.length > context.precheckLimit) return
  const changed: string[] = []
  await runPool(objects, MAX_OTHER_IN_FLIGHT, async ({ object_id: objectId }) => {
    if (signal.aborted) return
    let outcome = await session.attempt(() => context.client.profileByObjectId(objectId, signal))
    // Not known by this id yet: the same identity may have been created on another device.
    const identity = (
      db.prepare('SELECT identity FROM profiles WHERE object_id = ?').get(objectId) as
        { identity: string | null } | undefined
    )?.identity
    if (outcome.ok && outcome.value === null && identity) {
      outcome = await session.attempt(() => context.client.profileByIdentity(identity, signal))
    }
    if (!outcome.ok) {
      session.fail(outcome)
      return
    }
    result.checked += 1
    if (outcome.value === null) return
    const remote = outcome.value
    const at = context.clock()
    const start = {
      kind: 'pull' as const,
      actor: SYNC_ACTOR,
      label: 'Values taken from CleverTap after a push',
      at: Math.floor(at / 1000),
    }
    const reconciled = db.transaction(() =>
      withChangeSet(db, start, (changeSet) =>
        reconcileRemoteProfile(db, remote, { at, localObjectId: objectId, changeSet }),
      ),
    )()
    result.conflicts += reconciled.newConflicts
    result.notes.push(...reconciled.notes)
    if (reconciled.result === 'updated' && reconciled.profileId) changed.push(reconciled.profileId)
  })
  if (changed.length > 0) context.onProfilesChanged(changed)
}
