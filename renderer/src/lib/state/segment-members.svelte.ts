// A saved segment's members as a list: pages sorted like Find People (by name first), the chosen
// columns' values on each row, more pages as the list scrolls. Replies to an older question are dropped.
import type { SortField } from '$shared/profile/search'
import type { PropertyRef } from '$shared/segments/definition'
import { DEFAULT_MEMBER_COLUMNS, type SegmentMemberRow } from '$shared/segments/types'
import { api, toApiError, type ApiError } from '../api/client'

export const MEMBERS_PAGE_SIZE = 100

export class SegmentMembers {
  readonly segmentId: string
  sort = $state<SortField>('name')
  direction = $state<'asc' | 'desc'>('asc')
  columns = $state.raw<PropertyRef[]>([...DEFAULT_MEMBER_COLUMNS])
  items = $state.raw<SegmentMemberRow[]>([])
  total = $state(0)
  loaded = $state(false)
  loading = $state(false)
  loadingMore = $state(false)
  exhausted = $state(false)
  error = $state<ApiError | null>(null)
  #generation = 0

  constructor(segmentId: string) {
    this.segmentId = segmentId
  }

  setSort(sort: SortField, direction: 'asc' | 'desc'): void {
    this.sort = sort
    this.direction = direction
    void this.refresh()
  }

  setColumns(columns: PropertyRef[]): void {
    this.columns = columns
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const generation = ++this.#generation
    this.loading = true
    try {
      const page = await this.#fetch(0)
      if (generation !== this.#generation) return
      this.items = page.items
      this.total = page.total
      this.exhausted = page.items.length < MEMBERS_PAGE_SIZE
      this.error = null
      this.loaded = true
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loading = false
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.loadingMore || this.exhausted || !this.loaded) return
    const generation = this.#generation
    this.loadingMore = true
    try {
      const page = await this.#fetch(this.items.length)
      if (generation !== this.#generation) return
      this.items = [...this.items, ...page.items]
      this.total = page.total
      this.exhausted = page.items.length < MEMBERS_PAGE_SIZE
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      this.loadingMore = false
    }
  }

  #fetch(offset: number) {
    return api.call('segments.members', {
      source: { segmentId: this.segmentId },
      sort: this.sort,
      direction: this.direction,
      columns: this.columns,
      offset,
      limit: MEMBERS_PAGE_SIZE,
    })
  }
}
