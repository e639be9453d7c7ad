// Find People's state: the query and filters, the pages loaded so far, and the count. Asks on every
// keystroke (no debounce: the backend answers in a few ms); replies to questions no longer asked are
// dropped (PagedList), so a slow reply never shows over a newer one. Kept across navigation.
import type { ProfileFilters, SearchResult } from '$shared/profile/search'
import type { ProfileSummary } from '$shared/profile/types'
import type { ReachFilter } from '$shared/reachability/filter'
import { api } from '../api/client'
import { PagedList } from './paged-list.svelte'

export type TypeFilter = 'any' | 'Identified' | 'Anonymous'

export const PAGE_SIZE = 50

interface Question {
  query: string
  filters: ProfileFilters
}

/** A listing (empty query) sorted by name, else a search. */
function ask({ query, filters }: Question, offset: number, limit: number): Promise<SearchResult> {
  return query === ''
    ? api.call('profiles.list', { sort: 'name', direction: 'asc', filters, offset, limit })
    : api.call('profiles.search', { query, filters, offset, limit })
}

export class PeopleSearch {
  query = $state('')
  type = $state<TypeFilter>('any')
  testOnly = $state(false)
  /** Only profiles with this answer on a channel (null: no reachability filter). */
  reach = $state<ReachFilter | null>(null)
  /** A saved segment the results must belong to (empty: none). */
  segmentId = $state('')

  /** The answer shown: the total of a search may be capped ("at least"), so it ends at a short page. */
  readonly results = new PagedList<ProfileSummary, Question, SearchResult>({
    fetch: ask,
    pageSize: PAGE_SIZE,
    keyOf: (profile) => profile.id,
    endsAtShortPage: true,
  })
  /** The query the shown items answer (the count and the empty states describe it, not the draft). */
  shownQuery = $state('')
  shownFiltered = $state(false)
  /** The filters the shown items answer (a bulk action on "all matching" acts on this question). */
  shownFilters = $state.raw<ProfileFilters>({})

  items = $derived(this.results.items)
  total = $derived(this.results.total)
  totalIsCapped = $derived(this.results.page?.totalIsCapped ?? false)
  /** An import's new profiles are not in the substring index yet: matches inside words may be missing. */
  stillIndexing = $derived(this.results.page?.stillIndexing ?? false)
  loaded = $derived(this.results.loaded)
  /** A new question is being answered (the shown rows answer the last one meanwhile). */
  loading = $derived(this.results.reloading)
  loadingMore = $derived(this.results.loadingMore)
  error = $derived(this.results.error)
  hasMore = $derived(this.results.hasMore)
  /** Nothing at all in the database: the place to offer sample data. */
  isEmptyDatabase = $derived(
    this.loaded &&
      !this.error &&
      this.shownQuery === '' &&
      !this.shownFiltered &&
      this.total === 0 &&
      this.items.length === 0,
  )

  setQuery(query: string): void {
    this.query = query
    void this.refresh()
  }

  setSegment(segmentId: string): void {
    this.segmentId = segmentId
    void this.refresh()
  }

  setType(type: TypeFilter): void {
    this.type = type
    void this.refresh()
  }

  setTestOnly(testOnly: boolean): void {
    this.testOnly = testOnly
    void this.refresh()
  }

  setReach(reach: ReachFilter | null): void {
    this.reach = reach
    void this.refresh()
  }

  /** Runs the current query from the first page; earlier replies still in flight are ignored. */
  async refresh(): Promise<void> {
    const query = this.query.trim()
    const filters: ProfileFilters = {
      ...(this.type === 'any' ? {} : { type: this.type }),
      ...(this.testOnly ? { test: true } : {}),
      ...(this.reach ? { reach: this.reach } : {}),
      ...(this.segmentId ? { segmentId: this.segmentId } : {}),
    }
    if ((await this.results.reload({ query, filters })) === null) return
    this.shownQuery = query
    this.shownFilters = filters
    this.shownFiltered = Object.keys(filters).length > 0
  }

  /** Appends the next page of the shown query (no-op while one is loading or when none is left). */
  loadMore(): Promise<void> {
    return this.results.loadMore()
  }
}

export const peopleSearch = new PeopleSearch()
