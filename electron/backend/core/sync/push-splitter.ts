// The requests of a push: a batch of records (a batch the server refuses as a whole is halved until the
// record it objects to is alone, and that one is parked) and a group of profile deletes.
import type { PlannedDelete, PlannedRecord } from './outbox-coalesce'
import type { PushBookkeeping } from './push-bookkeeping'
import type { PushSession } from './push-session'
import { readReply } from './upload-reply'

export async function sendRecords(
  session: PushSession,
  books: PushBookkeeping,
  records: PlannedRecord[],
): Promise<void> {
  const { context, result, signal } = session
  if (records.length === 0 || signal.aborted) return
  const outcome = await session.attempt(() =>
    context.client.upload(
      records.map((r) => r.json),
      signal,
    ),
  )
  if (outcome.ok) {
    const reply = readReply(outcome.value, records)
    if (reply === null) {
      session.fail({
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
      if (problem === undefined) books.accept(planned)
      else books.refuse(planned.objectId, planned.entryIds, problem.code, problem.message, at)
    })
    books.flushIfDue()
    books.progress()
    return
  }
  if (outcome.kind === 'bad-request') {
    // The server refused the request as a whole: halve it until the record it objects to is alone.
    if (records.length > 1) {
      const half = Math.ceil(records.length / 2)
      await sendRecords(session, books, records.slice(0, half))
      await sendRecords(session, books, records.slice(half))
      return
    }
    const [only] = records
    if (only) {
      books.refuse(only.objectId, only.entryIds, outcome.status ?? 400, outcome.message, context.clock())
    }
    return
  }
  session.fail(outcome)
}

export async function sendDeletes(
  session: PushSession,
  books: PushBookkeeping,
  group: PlannedDelete[],
): Promise<void> {
  const { context, signal } = session
  if (group.length === 0 || signal.aborted) return
  const outcome = await session.attempt(() =>
    context.client.deleteByGuid(
      group.map((d) => d.objectId),
      signal,
    ),
  )
  if (!outcome.ok) {
    if (outcome.kind === 'bad-request') {
      books.refuseDeletes(group, outcome.status ?? 400, outcome.message)
      return
    }
    session.fail(outcome)
    return
  }
  books.deleted(group)
}
