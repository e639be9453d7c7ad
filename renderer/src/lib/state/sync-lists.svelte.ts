// The Sync page's lists (waiting changes, refused changes, conflicts, run history), a page at a time,
// reloaded when the sync status moves; and what a person does to them: retry or discard a refused
// change, keep mine or take theirs in a conflict.
import type { PendingChange, SyncConflict, SyncErrorItem, SyncRun } from '$shared/sync/types'
import { api, toApiError, type ApiError } from '../api/client'
import { countOf } from '../format/counts'

export const SYNC_PAGE_SIZE = 50
const MAX_RELOAD = 500

interface Page<T> {
  items: T[]
  total: number
}

/** One list shown a page at a time; a reload keeps as many rows as are shown now. */
export class PagedList<T> {
  items = $state.raw<T[]>([])
  total = $state(0)
  loaded = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  readonly #fetch: (offset: number, limit: number) => Promise<Page<T>>
  #generation = 0

  constructor(fetchPage: (offset: number, limit: number) => Promise<Page<T>>) {
    this.#fetch = fetchPage
  }

  get hasMore(): boolean {
    return this.items.length < this.total
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation
    const limit = Math.min(MAX_RELOAD, Math.max(SYNC_PAGE_SIZE, this.items.length))
    try {
      const page = await this.#fetch(0, limit)
      if (generation !== this.#generation) return
      this.items = page.items
      this.total = page.total
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loaded = true
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return
    this.loading = true
    const generation = this.#generation
    try {
      const page = await this.#fetch(this.items.length, SYNC_PAGE_SIZE)
      if (generation !== this.#generation) return
      this.items = [...this.items, ...page.items]
      this.total = page.total
      this.error = null
    } catch (error) {
      this.error = toApiError(error)
    } finally {
      this.loading = false
    }
  }
}

export type ConflictChoice = 'mine' | 'theirs'

/** A refused change's key for busy flags and list keys: its outbox entries. */
export function errorKey(item: SyncErrorItem): string {
  return `error-${item.ids.join('-')}`
}

export class SyncOverview {
  readonly pending = new PagedList<PendingChange>((offset, limit) =>
    api.call('sync.pending.list', { offset, limit }),
  )
  readonly errors = new PagedList<SyncErrorItem>((offset, limit) =>
    api.call('sync.errors.list', { offset, limit }),
  )
  readonly conflicts = new PagedList<SyncConflict>((offset, limit) =>
    api.call('sync.conflicts.list', { offset, limit, includeResolved: false }),
  )
  readonly runs = new PagedList<SyncRun>((offset, limit) => api.call('sync.runs.list', { offset, limit }))

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
