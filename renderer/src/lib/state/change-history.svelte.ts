// The History page's state: change sets newest first, a page at a time, filtered by kind, a start day
// and a profile; and one change set with its entries. Replies to an older filter are dropped (PagedList).
import type { ChangeEntry, ChangeSetKind, ChangeSetSummary, HistoryFilter } from '$shared/bulk/types'
import { api, toApiError, type ApiError } from '../api/client'
import { PagedList } from './paged-list.svelte'

export const HISTORY_PAGE = 50
const MAX_PAGE = 500

/** A day typed as YYYY-MM-DD, as the epoch second of its local midnight (the backend compares instants). */
export function localDayStart(day: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return undefined
  const [, year, month, date] = match.map(Number) as [number, number, number, number]
  // a throwaway computation, never state: a plain Date, not a reactive SvelteDate
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return Math.floor(new Date(year, month - 1, date).getTime() / 1000)
}

export class ChangeHistory {
  /** A change set kind, or empty for any. */
  kind = $state<ChangeSetKind | ''>('')
  /** YYYY-MM-DD or empty. */
  since = $state('')
  profile = $state('')
  readonly list = new PagedList<ChangeSetSummary, HistoryFilter>({
    fetch: (filter, offset, limit) => api.call('history.list', { ...filter, offset, limit }),
    pageSize: HISTORY_PAGE,
    keepShownUpTo: MAX_PAGE,
    keyOf: (changeSet) => changeSet.id,
  })

  /** The filter as the backend takes it (empty fields are no filter). */
  filter(): HistoryFilter {
    const since = localDayStart(this.since)
    const profile = this.profile.trim()
    return {
      ...(this.kind ? { kind: this.kind } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(profile ? { profile } : {}),
    }
  }

  filtered = $derived(this.kind !== '' || this.since !== '' || this.profile.trim() !== '')

  async reload(): Promise<void> {
    await this.list.reload(this.filter())
  }

  clearFilters(): Promise<void> {
    this.kind = ''
    this.since = ''
    this.profile = ''
    return this.reload()
  }
}

/** One change set and its entries (audit rows), in the order they were written. */
export class ChangeSetView {
  readonly id: number
  changeSet = $state.raw<ChangeSetSummary | null>(null)
  loadError = $state<ApiError | null>(null)
  readonly entries: PagedList<ChangeEntry>

  constructor(id: number) {
    this.id = id
    this.entries = new PagedList<ChangeEntry>({
      fetch: (_none, offset, limit) => api.call('history.entries', { id, offset, limit }),
      pageSize: HISTORY_PAGE,
      keepShownUpTo: MAX_PAGE,
    })
  }

  async refresh(): Promise<void> {
    try {
      this.changeSet = await api.call('history.get', { id: this.id })
      this.loadError = null
    } catch (error) {
      this.loadError = toApiError(error)
      return
    }
    await this.entries.reload()
  }
}
