// Find People's state: the query and filters, the pages loaded so far, and the count. Asks on every
// keystroke (no debounce: the backend answers in a few ms) and drops replies to questions that are no
// longer asked, so a slow reply never shows over a newer one. Kept across navigation.
import type { ProfileFilters, SearchResult } from '$shared/profile/search'
import type { ProfileSummary } from '$shared/profile/types'
import { api, toApiError, type ApiError } from '../api/client'

export type TypeFilter = 'any' | 'Identified' | 'Anonymous'

export const PAGE_SIZE = 50

export class PeopleSearch {
  query = $state('')
  type = $state<TypeFilter>('any')
  testOnly = $state(false)
  /** A saved segment the results must belong to (empty: none). */
  segmentId = $state('')

  items = $state.raw<ProfileSummary[]>([])
  total = $state(0)
  totalIsCapped = $state(false)
  /** The query the shown items answer (the count and the empty states describe it, not the draft). */
  shownQuery = $state('')
  shownFiltered = $state(false)
  exhausted = $state(false)
  loaded = $state(false)
  loading = $state(false)
  loadingMore = $state(false)
  error = $state<ApiError | null>(null)

  hasMore = $derived(!this.exhausted)
  /** Nothing at all in the database: the place to offer sample data. */
  isEmptyDatabase = $derived(
    this.loaded &&
      !this.error &&
      this.shownQuery === '' &&
      !this.shownFiltered &&
      this.total === 0 &&
      this.items.length === 0,
  )

  #generation = 0

  setQuery(query: string): void {
    this.query = query
    void this.refresh()
  }

  setType(type: TypeFilter): void {
    this.type = type
    void this.refresh()
  }

  setSegment(segmentId: string): void {
    this.segmentId = segmentId
    void this.refresh()
  }

  setTestOnly(testOnly: boolean): void {
    this.testOnly = testOnly
    void this.refresh()
  }

  /** Runs the current query from the first page; earlier replies still in flight are ignored. */
  async refresh(): Promise<void> {
    const generation = ++this.#generation
    const query = this.query.trim()
    const filters = this.#filters()
    this.loading = true
    try {
      const page = await this.#fetch(query, filters, 0)
      if (generation !== this.#generation) return
      this.items = page.items
      this.total = page.total
      this.totalIsCapped = page.totalIsCapped
      this.exhausted = page.items.length < PAGE_SIZE
      this.shownQuery = query
      this.shownFiltered = Object.keys(filters).length > 0
      this.error = null
      this.loaded = true
    } catch (error) {
      if (generation !== this.#generation) return
      this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loading = false
    }
  }

  /** Appends the next page of the shown query (no-op while one is loading or when none is left). */
  async loadMore(): Promise<void> {
    if (this.loadingMore || this.loading || this.exhausted || !this.loaded) return
    const generation = this.#generation
    this.loadingMore = true
    try {
      const page = await this.#fetch(this.shownQuery, this.#filters(), this.items.length)
      if (generation !== this.#generation) return
      // a throwaway lookup inside this call, never rendered: no reactivity wanted
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const seen = new Set(this.items.map((item) => item.id))
      this.items = [...this.items, ...page.items.filter((item) => !seen.has(item.id))]
      this.total = Math.max(page.total, this.items.length)
      this.totalIsCapped = page.totalIsCapped
      this.exhausted = page.items.length < PAGE_SIZE
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      this.loadingMore = false
    }
  }

  #filters(): ProfileFilters {
    return {
      ...(this.type === 'any' ? {} : { type: this.type }),
      ...(this.testOnly ? { test: true } : {}),
      ...(this.segmentId ? { segmentId: this.segmentId } : {}),
    }
  }

  #fetch(query: string, filters: ProfileFilters, offset: number): Promise<SearchResult> {
    return query === ''
      ? api.call('profiles.list', { sort: 'name', direction: 'asc', filters, offset, limit: PAGE_SIZE })
      : api.call('profiles.search', { query, filters, offset, limit: PAGE_SIZE })
  }
}

export const peopleSearch = new PeopleSearch()
