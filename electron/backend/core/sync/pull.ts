// Pull: the cursor download (POST then GET /1/profiles.json) into the local cache, one page per
// transaction. Each page's next cursor is saved with the page, so a cancelled or killed download
// resumes where it stopped while the cursor is valid. Nothing pulled creates an outbox entry.
import { absorbPlatformInfo } from '../devices/platform-info'
import type { Db } from '../db/connection'
import { loadCustomTypes } from '../profiles/properties'
import { type RetryDeps, withRetries } from './backoff'
import type { CleverTapClient, Failure, Outcome } from './client'
import type { RetryPolicy } from './options'
import type { Contact } from './push-session'
import { withChangeSet } from '../changes/change-sets'
import { reconcileRemoteProfile, SYNC_ACTOR } from './reconcile'
import { freshRunResult, type RunResult } from './runs'
import type { PullFigures } from '../../../../shared/sync/types'
import type { SyncBookkeeping } from './settings'

/** batch_size is at most 5000; the docs advise multiples of 23 (CLEVERTAP-API.md §4). */
export const PULL_PAGE_SIZE = 23 * 40
/** Cursors last 4 days; one started longer ago than this is not resumed. */
const CURSOR_RESUME_MS = 3.5 * 24 * 3600 * 1000
/** Remote deletes take up to 48 h; a pull skips profiles deleted here for this long. */
const TOMBSTONE_MS = 7 * 24 * 3600 * 1000

export interface PullContext {
  db: Db
  client: CleverTapClient
  retry: RetryPolicy
  deps: RetryDeps
  clock: () => number
  signal: AbortSignal
  pageSize?: number
  /** The POST /1/profiles.json body (shared/sync/pull-query.ts). */
  query: unknown
  /** Names the query (not the day it runs): a saved cursor is resumed only for the same one. */
  queryKey: string
  /** The query in words, for the result. */
  covered: string
  bookkeeping(): SyncBookkeeping
  saveBookkeeping(patch: Partial<SyncBookkeeping>): void
  onProgress(phase: string, done: number, total: number | null): void
  onContact(contact: Contact): void
  onProfilesChanged(ids: string[], all: boolean): void
}

/** A pull's figures: those of every run and those only a pull counts. */
export interface PullResult extends RunResult, PullFigures {}

export async function runPull(context: PullContext): Promise<PullResult> {
  const { db, client } = context
  const result: PullResult = {
    ...freshRunResult(),
    covered: context.covered,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    resumed: false,
  }
  const attempt = async <T>(call: () => Promise<Outcome<T>>): Promise<Outcome<T>> => {
    const outcome = await withRetries(call, context.retry, context.deps, {
      signal: context.signal,
      onRetry: () => {
        result.retries += 1
      },
    })
    result.requests += outcome.attempts
    if (outcome.ok) context.onContact('online')
    else if (outcome.kind === 'unauthorized') context.onContact('unauthorized')
    else if (['offline', 'network', 'timeout'].includes(outcome.kind)) context.onContact('offline')
    else if (outcome.kind !== 'cancelled') context.onContact('online')
    return outcome
  }
  const finishFailed = (failure: Failure): PullResult => {
    if (failure.kind === 'cancelled') result.status = 'cancelled'
    else {
      result.status = 'failed'
      result.error = { code: failure.kind, message: failure.message }
    }
    return result
  }

  db.prepare('DELETE FROM sync_tombstones WHERE deleted_at < ?').run(context.clock() - TOMBSTONE_MS)
  const endpoint = client.endpoint
  const saved = context.bookkeeping().pullCursor
  const start = async (): Promise<Outcome<string>> => {
    const started = await attempt(() =>
      client.startDownload(context.query, context.pageSize ?? PULL_PAGE_SIZE, context.signal),
    )
    if (started.ok || started.kind !== 'bad-request') return started
    // The server refused the query itself: say which, and where it is set.
    return {
      ...started,
      message:
        `The server refused the pull query ${JSON.stringify(context.query)}: ${started.message} ` +
        'Change it in Settings (What a pull downloads) or with `profile-desk sync query`.',
    }
  }

  let cursor: string
  let startedAt = context.clock()
  const queryKey = context.queryKey
  if (
    saved &&
    saved.endpoint === endpoint &&
    saved.query === queryKey &&
    context.clock() - saved.startedAt < CURSOR_RESUME_MS
  ) {
    cursor = saved.cursor
    startedAt = saved.startedAt
    result.resumed = true
  } else {
    const first = await start()
    if (!first.ok) return finishFailed(first)
    cursor = first.value
    context.saveBookkeeping({ pullCursor: { cursor, startedAt, endpoint, done: 0, query: queryKey } })
  }

  const types = loadCustomTypes(db)
  context.onProgress('downloading', 0, null)
  for (;;) {
    if (context.signal.aborted)
      return finishFailed({ ok: false, kind: 'cancelled', status: null, message: '' })
    let page = await attempt(() => client.readPage(cursor, context.signal))
    if (!page.ok && page.kind === 'bad-request' && result.resumed && result.records === 0) {
      // The saved cursor was refused (expired, or the server forgot it): start the download again.
      result.resumed = false
      const first = await start()
      if (!first.ok) return finishFailed(first)
      cursor = first.value
      startedAt = context.clock()
      page = await attempt(() => client.readPage(cursor, context.signal))
    }
    if (!page.ok) return finishFailed(page)
    const { records, next } = page.value
    const touched: string[] = []
    const at = context.clock()
    // Each page is one change set (kind 'pull'); a page that took nothing leaves none behind.
    const pageChanges = {
      kind: 'pull' as const,
      actor: SYNC_ACTOR,
      label: 'Values taken from CleverTap',
      at: Math.floor(at / 1000),
    }
    db.transaction(() =>
      withChangeSet(db, pageChanges, (changeSet) => {
        for (const record of records) {
          const outcome = reconcileRemoteProfile(db, record, { at, types, changeSet })
          if (outcome.profileId !== null && outcome.result !== 'skipped') {
            absorbPlatformInfo(db, outcome.profileId, record.platformInfo)
          }
          result[outcome.result] += 1
          result.conflicts += outcome.newConflicts
          if (outcome.notes.length > 0) {
            result.rejected += outcome.result === 'skipped' ? 1 : 0
            result.notes.push(...outcome.notes.slice(0, 3))
          }
          if ((outcome.result === 'created' || outcome.result === 'updated') && outcome.profileId) {
            touched.push(outcome.profileId)
          }
        }
        const done = (context.bookkeeping().pullCursor?.done ?? 0) + records.length
        // The checkpoint commits with the page: a crash never skips or repeats a page's effects.
        context.saveBookkeeping({
          pullCursor: next === null ? null : { cursor: next, startedAt, endpoint, done, query: queryKey },
        })
      }),
    ).immediate()
    result.records += records.length
    if (touched.length > 0) context.onProfilesChanged(touched, touched.length > 500)
    context.onProgress('downloading', result.records, null)
    if (next === null) break
    cursor = next
  }
  context.saveBookkeeping({ lastPullAt: context.clock(), pullCursor: null })
  if (result.rejected > 0) result.status = 'partial'
  return result
}
