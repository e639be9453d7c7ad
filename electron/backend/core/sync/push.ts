// Push: the outbox to the upload API. Chunks of waiting entries are coalesced per profile and sent in
// batches, at most 15 requests in flight; an entry leaves the outbox only when the server reports its
// record processed, a refused record is parked with the server's code and message, and a batch the
// server refuses as a whole is split until the bad record is found. Every profile of a chunk is in one
// request, and the next chunk starts after this one, so a profile's changes arrive in order.
import type { Db } from '../db/connection'
import { type RetryDeps, withRetries } from './backoff'
import type { CleverTapClient, Failure, Outcome } from './client'
import type { RetryPolicy } from './options'
import {
  NOT_DONE,
  anyParked,
  parkEntries,
  planUnits,
  readPendingChunk,
  dropDoneMarks,
  markDone,
  supersedeParked,
  unparkFixedProfiles,
  type OutboxRow,
  type PlannedDelete,
  type PlannedRecord,
} from './outbox-queue'
import { reconcileRemoteProfile } from './reconcile'
import type { RunResult } from './runs'
import { countOutbox } from './status'
import { keysOf, readReply } from './upload-reply'

/** The upload API allows 15 concurrent requests per account; the other APIs 3 (CLEVERTAP-API.md §0). */
export const MAX_UPLOADS_IN_FLIGHT = 15
export const MAX_OTHER_IN_FLIGHT = 3
const MAX_DELETE_VALUES = 100
/** Outbox entries read and planned at a time; a profile's entries coalesce only within one chunk. */
export const DEFAULT_CHUNK = 2_000
/** Accepted entries are removed in one transaction per this many, or per this long. */
const FLUSH_EVERY = 10_000
const FLUSH_INTERVAL_MS = 1_000

export type Contact = 'online' | 'offline' | 'unauthorized'

export interface PushContext {
  db: Db
  client: CleverTapClient
  retry: RetryPolicy
  deps: RetryDeps
  installId: string
  /** Send `$idem` keys (the sandbox and compatible gateways; never CleverTap's own hosts). */
  idempotencyKeys: boolean
  batchSize: number
  concurrency?: number
  chunkSize?: number
  /** Read profiles back first when at most this many have waiting property changes (0: never). */
  precheckLimit: number
  clock: () => number
  signal: AbortSignal
  onProgress(phase: string, done: number, total: number): void
  onContact(contact: Contact): void
  onProfilesChanged(ids: string[]): void
}

export interface PushResult extends RunResult {
  /** Outbox entries the server accepted (a record may carry several coalesced entries). */
  entries: number
  /** Profiles deleted on the server. */
  deleted: number
  /** Entries still waiting after the run, and of them those held by a conflict. */
  remaining: number
  held: number
  /** Profiles read back before pushing to look for conflicts. */
  checked: number
  /** Records a reply did not account for (processed + unprocessed short of those sent): kept queued. */
  unaccounted: number
}

async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T
      next += 1
      await work(item)
    }
  })
  await Promise.all(workers)
}

/** A request to make: upload records, or delete profiles; it starts once the tasks it follows are done. */
interface Task {
  records: PlannedRecord[]
  deletes: PlannedDelete[]
  /** Earlier tasks holding the same profiles: a profile's changes reach the server in order. */
  after: Set<Promise<void>>
  done: Promise<void>
  finish(): void
}

function newTask(): Task {
  let finish = () => {}
  const done = new Promise<void>((resolve) => (finish = resolve))
  return { records: [], deletes: [], after: new Set(), done, finish }
}

/** A wake-up call between the reader and the workers. */
class Bell {
  private waiting: (() => void)[] = []
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }
  ring(): void {
    for (const resolve of this.waiting.splice(0)) resolve()
  }
}

export async function runPush(context: PushContext): Promise<PushResult> {
  const { db, client } = context
  const result: PushResult = {
    status: 'succeeded',
    records: 0,
    rejected: 0,
    conflicts: 0,
    requests: 0,
    retries: 0,
    error: null,
    notes: [],
    entries: 0,
    deleted: 0,
    remaining: 0,
    held: 0,
    checked: 0,
    unaccounted: 0,
  }
  // A failure that ends the run stops the other requests too.
  const stop = new AbortController()
  const signal = AbortSignal.any([context.signal, stop.signal])
  // An object, not a `let`: it is set inside the request callbacks.
  const ending: { failure: Failure | null; crash?: unknown } = { failure: null }
  const fail = (outcome: Failure) => {
    if (ending.failure === null && outcome.kind !== 'cancelled') ending.failure = outcome
    stop.abort()
  }
  const note = (outcome: Outcome<unknown>) => {
    if (outcome.ok) context.onContact('online')
    else if (outcome.kind === 'offline') context.onContact('offline')
    else if (outcome.kind === 'unauthorized') context.onContact('unauthorized')
    else if (outcome.kind !== 'cancelled') context.onContact('online')
  }
  const attempt = async <T>(call: () => Promise<Outcome<T>>): Promise<Outcome<T>> => {
    const outcome = await withRetries(call, context.retry, context.deps, {
      signal,
      onRetry: (retryable) => {
        result.retries += 1
        if (retryable.kind === 'offline') context.onContact('offline')
      },
    })
    result.requests += outcome.attempts
    // Broken connections and timeouts that never recovered mean the server is out of reach.
    if (!outcome.ok && (outcome.kind === 'network' || outcome.kind === 'timeout'))
      context.onContact('offline')
    else note(outcome)
    return outcome
  }

  // Refused changes come back only here, at the start, when a newer change to their profile waits: then
  // they are read before it (lower id) and merged with it, in order.
  unparkFixedProfiles(db)
  const before = countOutbox(db)
  let total = before.pending - before.held
  let done = 0
  const progress = () => {
    total = Math.max(total, done)
    context.onProgress('pushing', done, total)
  }
  context.onProgress('checking', 0, total)

  await precheck(context, attempt, result, fail, signal)

  // What the server answered is written in batches of transactions, not one per request: a commit per
  // request costs more than the request on loopback. Writing it late is safe: an entry leaves only after
  // the server processed it, and one not yet removed at a crash is resent, which is idempotent.
  const accepted: number[] = []
  const acceptedProfiles: { objectId: string; json: string; lastId: number }[] = []
  const refusedEntries: { ids: number[]; code: number; message: string; at: number }[] = []
  let lastFlush = context.clock()
  const flush = () => {
    lastFlush = context.clock()
    if (accepted.length === 0 && refusedEntries.length === 0) return
    const removing = accepted.splice(0)
    const superseding = acceptedProfiles.splice(0)
    const parking = refusedEntries.splice(0)
    db.transaction(() => {
      markDone(db, removing)
      for (const park of parking) parkEntries(db, park.ids, park.code, park.message, park.at)
      if (anyParked(db)) {
        for (const { objectId, json, lastId } of superseding)
          supersedeParked(db, objectId, keysOf(json), lastId)
      }
    })()
  }

  const sendRecords = async (records: PlannedRecord[]): Promise<void> => {
    if (records.length === 0 || signal.aborted) return
    const outcome = await attempt(() =>
      client.upload(
        records.map((r) => r.json),
        signal,
      ),
    )
    if (outcome.ok) {
      const reply = readReply(outcome.value, records)
      if (reply === null) {
        fail({
          ok: false,
          kind: 'server',
          status: 200,
          message: 'The upload reply did not say which records were refused; the batch stays queued.',
        })
        return
      }
      const at = context.clock()
      if (!reply.accounted) {
        // Which of the others were processed cannot be known: they stay queued (sent again next time).
        const kept = records.length - reply.refused.size
        result.unaccounted += kept
        result.notes.push(
          `The server said it processed ${outcome.value.processed} and refused ${reply.refused.size} of ` +
            `${records.length} records; ${kept} stay queued for the next push.`,
        )
      }
      records.forEach((planned, index) => {
        const problem = reply.refused.get(index)
        if (problem === undefined && !reply.accounted) return
        if (problem === undefined) {
          accepted.push(...planned.entryIds)
          if (planned.kind === 'profile')
            acceptedProfiles.push({
              objectId: planned.objectId,
              json: planned.json,
              lastId: Math.max(...planned.entryIds),
            })
          result.records += 1
          result.entries += planned.entryIds.length
        } else {
          refusedEntries.push({ ids: planned.entryIds, code: problem.code, message: problem.message, at })
          result.rejected += planned.entryIds.length
          result.notes.push(`${planned.objectId}: ${problem.code} ${problem.message}`)
        }
        done += planned.entryIds.length
      })
      if (accepted.length >= FLUSH_EVERY || context.clock() - lastFlush >= FLUSH_INTERVAL_MS) flush()
      progress()
      return
    }
    if (outcome.kind === 'bad-request') {
      // The server refused the request as a whole: halve it until the record it objects to is alone.
      if (records.length > 1) {
        const half = Math.ceil(records.length / 2)
        await sendRecords(records.slice(0, half))
        await sendRecords(records.slice(half))
        return
      }
      const [only] = records
      if (only) {
        refusedEntries.push({
          ids: only.entryIds,
          code: outcome.status ?? 400,
          message: outcome.message,
          at: context.clock(),
        })
        result.rejected += only.entryIds.length
        result.notes.push(`${only.objectId}: ${outcome.status ?? 400} ${outcome.message}`)
        done += only.entryIds.length
      }
      return
    }
    fail(outcome)
  }

  const sendDeletes = async (group: PlannedDelete[]): Promise<void> => {
    if (group.length === 0 || signal.aborted) return
    const outcome = await attempt(() =>
      client.deleteByGuid(
        group.map((d) => d.objectId),
        signal,
      ),
    )
    if (!outcome.ok) {
      if (outcome.kind === 'bad-request') {
        const at = context.clock()
        for (const d of group)
          refusedEntries.push({
            ids: [d.deleteEntryId],
            code: outcome.status ?? 400,
            message: outcome.message,
            at,
          })
        result.rejected += group.length
        result.notes.push(`delete of ${group.length} profile(s): ${outcome.status ?? 400} ${outcome.message}`)
        return
      }
      fail(outcome)
      return
    }
    // Written at once: later changes of a recreated profile must not be mistaken for moot ones.
    flush()
    const at = context.clock()
    db.transaction(() => {
      for (const d of group) {
        // Everything queued for the profile up to its delete is moot now, conflicts included.
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
        done += d.entryIds.length
      }
    })()
    progress()
  }

  // The reader plans chunks of the outbox into tasks while workers send them, so the server never
  // waits for the next chunk to be read. A profile's tasks run one after the other (Task.after).
  const uploads: Task[] = []
  const deletes: Task[] = []
  const work = new Bell()
  const room = new Bell()
  let reading = true
  const lastTaskOf = new Map<string, Task>()
  const concurrency = context.concurrency ?? MAX_UPLOADS_IN_FLIGHT
  const lowWater = concurrency * 2

  const worker = async (queue: Task[], send: (task: Task) => Promise<void>) => {
    for (;;) {
      const task = queue.shift()
      if (!task) {
        if (!reading) return
        await work.wait()
        continue
      }
      room.ring()
      try {
        await Promise.all(task.after)
        await send(task)
      } catch (error) {
        // Not a server answer (those are outcomes): a bug or the database. The run stops and rethrows it.
        ending.crash ??= error
        stop.abort()
      } finally {
        task.finish()
      }
    }
  }
  const workers = [
    ...Array.from({ length: concurrency }, () => worker(uploads, (t) => sendRecords(t.records))),
    ...Array.from({ length: MAX_OTHER_IN_FLIGHT }, () => worker(deletes, (t) => sendDeletes(t.deletes))),
  ]

  const batchSize = Math.max(1, Math.min(context.batchSize, 1000))
  const chunkSize = context.chunkSize ?? DEFAULT_CHUNK
  let afterId = 0
  try {
    while (ending.failure === null && !signal.aborted) {
      while (uploads.length + deletes.length >= lowWater && !signal.aborted) await room.wait()
      const rows = readPendingChunk(db, afterId, chunkSize)
      if (rows.length === 0) break
      afterId = (rows[rows.length - 1] as OutboxRow).id
      let upload = newTask()
      let removal = newTask()
      const follow = (task: Task, objectId: string) => {
        const previous = lastTaskOf.get(objectId)
        if (previous && previous !== task) task.after.add(previous.done)
        lastTaskOf.set(objectId, task)
      }
      for (const unit of planUnits(rows, {
        installId: context.installId,
        idempotencyKeys: context.idempotencyKeys,
      })) {
        if (unit.kind === 'delete') {
          if (removal.deletes.length >= MAX_DELETE_VALUES) {
            deletes.push(removal)
            removal = newTask()
          }
          follow(removal, unit.objectId)
          removal.deletes.push(unit.delete)
          continue
        }
        for (const record of unit.records) {
          if (upload.records.length >= batchSize) {
            uploads.push(upload)
            upload = newTask()
          }
          follow(upload, unit.objectId)
          upload.records.push(record)
        }
      }
      if (upload.records.length > 0) uploads.push(upload)
      if (removal.deletes.length > 0) deletes.push(removal)
      work.ring()
      progress()
    }
  } finally {
    reading = false
    work.ring()
    await Promise.all(workers)
    flush()
  }

  if (ending.crash !== undefined) throw ending.crash
  const after = countOutbox(db)
  result.remaining = after.pending
  result.held = after.held
  const ended = ending.failure
  if (ended !== null) {
    result.status = 'failed'
    result.error = { code: ended.kind, message: ended.message }
  } else if (context.signal.aborted) {
    result.status = 'cancelled'
  } else if (result.rejected > 0 || result.held > 0 || result.unaccounted > 0) {
    result.status = 'partial'
  }
  return result
}

/**
 * Before a small push, each profile with waiting property changes is read back: the server's changes
 * since the last sync come into the cache and a field changed on both sides becomes a conflict (held),
 * instead of being overwritten by the push. A bulk push (an import) relies on the last pull.
 */
async function precheck(
  context: PushContext,
  attempt: <T>(call: () => Promise<Outcome<T>>) => Promise<Outcome<T>>,
  result: PushResult,
  fail: (outcome: Failure) => void,
  signal: AbortSignal,
): Promise<void> {
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
    let outcome = await attempt(() => context.client.profileByObjectId(objectId, signal))
    // Not known by this id yet: the same identity may have been created on another device.
    const identity = (
      db.prepare('SELECT identity FROM profiles WHERE object_id = ?').get(objectId) as
        { identity: string | null } | undefined
    )?.identity
    if (outcome.ok && outcome.value === null && identity) {
      outcome = await attempt(() => context.client.profileByIdentity(identity, signal))
    }
    if (!outcome.ok) {
      fail(outcome)
      return
    }
    result.checked += 1
    if (outcome.value === null) return
    const remote = outcome.value
    const reconciled = db.transaction(() =>
      reconcileRemoteProfile(db, remote, { at: context.clock(), localObjectId: objectId }),
    )()
    result.conflicts += reconciled.newConflicts
    result.notes.push(...reconciled.notes)
    if (reconciled.result === 'updated' && reconciled.profileId) changed.push(reconciled.profileId)
  })
  if (changed.length > 0) context.onProfilesChanged(changed)
}
