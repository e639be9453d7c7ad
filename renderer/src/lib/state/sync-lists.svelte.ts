// The Sync page's lists (waiting changes, refused changes, conflicts, run history), a page at a time,
// reloaded when the sync status moves; and what a person does to them: retry or discard a refused
// change, keep mine or take theirs in a conflict.
import type { PendingChange, SyncConflict, SyncErrorItem, SyncRun } from '$shared/sync/types'
import { api, toApiError, type ApiError } from '../api/client'
import { countOf } from '../format/counts'
import { PagedList, type Page } from './paged-list.svelte'

export const SYNC_PAGE_SIZE = 50
const MAX_RELOAD = 500

/** One of the Sync page's lists; a reload keeps as many rows as are shown. */
function syncList<T>(fetch: (offset: number, limit: number) => Promise<Page<T>>): PagedList<T> {
  return new PagedList<T>({
    fetch: (_question, offset, limit) => fetch(offset, limit),
    pageSize: SYNC_PAGE_SIZE,
    keepShownUpTo: MAX_RELOAD,
  })
}

export type ConflictChoice = 'mine' | 'theirs'

/** A refused change's key for busy flags and list keys: its outbox entries. */
export function errorKey(item: SyncErrorItem): string {
  return `error-${item.ids.join('-')}`
}

export class SyncOverview {
  readonly pending = syncList<PendingChange>((offset, limit) =>
    api.call('sync.pending.list', { offset, limit }),
  )
  readonly errors = syncList<SyncErrorItem>((offset, limit) =>
    api.call('sync.errors.list', { offset, limit }),
  )
  readonly conflicts = syncList<SyncConflict>((offset, limit) =>
    api.call('sync.conflicts.list', { offset, limit, includeResolved: false }),
  )
  readonly runs = syncList<SyncRun>((offset, limit) => api.call('sync.runs.list', { offset, limit }))

  /** Ids of refused changes or conflicts with a request in flight (their buttons are disabled). */
  busy = $state<Record<string, true>>({})
  /** The last action's result, announced politely ("1 change will be sent again…"). */
  notice = $state<string | null>(null)
  actionError = $state<ApiError | null>(null)

  async reloadAll(): Promise<void> {
    await Promise.all([
      this.pending.reload(),
      this.errors.reload(),
      this.conflicts.reload(),
      this.runs.reload(),
    ])
  }

  /** Puts a refused change back in the queue (every refused change without one). */
  async retry(item?: SyncErrorItem): Promise<void> {
    await this.#act([item ? errorKey(item) : 'errors-all'], async () => {
      const { retried } = await api.call('sync.errors.retry', item ? { ids: item.ids } : {})
      this.notice =
        retried === 0
          ? 'Nothing to retry: the change was already back in the queue.'
          : `${countOf(retried, 'change goes', 'changes go')} back into the queue and will be sent at the next sync.`
      await Promise.all([this.errors.reload(), this.pending.reload()])
    })
  }

  /** Gives up on a refused change: it is never sent (the value stays on this computer). */
  async discard(item: SyncErrorItem): Promise<void> {
    await this.#act([errorKey(item)], async () => {
      const { discarded } = await api.call('sync.errors.discard', { ids: item.ids })
      this.notice = `${countOf(discarded, 'refused change was', 'refused changes were')} discarded: they will not be sent. The values stay on this computer.`
      await this.errors.reload()
    })
  }

  async resolve(conflict: SyncConflict, choice: ConflictChoice): Promise<void> {
    await this.#act([`conflict-${conflict.id}`], async () => {
      await api.call('sync.conflicts.resolve', { id: conflict.id, choice })
      this.notice =
        choice === 'mine'
          ? `Kept this computer's value for ${conflict.field}: it will be sent at the next sync.`
          : `Took the remote's value for ${conflict.field}.`
      await Promise.all([this.conflicts.reload(), this.pending.reload()])
    })
  }

  isBusy(key: string): boolean {
    return this.busy[key] === true
  }

  async #act(keys: string[], work: () => Promise<void>): Promise<void> {
    if (keys.some((key) => this.isBusy(key))) return
    for (const key of keys) this.busy[key] = true
    this.actionError = null
    this.notice = null
    try {
      await work()
    } catch (error) {
      this.actionError = toApiError(error)
    } finally {
      for (const key of keys) delete this.busy[key]
    }
  }
}
