// A saved segment's members as a list: pages sorted like Find People (by name first), the chosen
// columns' values on each row, more pages as the list scrolls (the shared PagedList: replies to an older
// question are dropped).
import type { SortField } from '$shared/profile/search'
import type { PropertyRef } from '$shared/segments/definition'
import { DEFAULT_MEMBER_COLUMNS, type SegmentMemberRow } from '$shared/segments/types'
import { api, type ApiError } from '../api/client'
import { PagedList } from './paged-list.svelte'

export const MEMBERS_PAGE_SIZE = 100

export class SegmentMembers {
  readonly segmentId: string
  sort = $state<SortField>('name')
  direction = $state<'asc' | 'desc'>('asc')
  columns = $state.raw<PropertyRef[]>([...DEFAULT_MEMBER_COLUMNS])
  /** The shared paged list: reloads supersede pages in flight, the next page appends. */
  readonly #list = new PagedList<SegmentMemberRow>({
    fetch: (_query, offset, limit) => this.#fetch(offset, limit),
    pageSize: MEMBERS_PAGE_SIZE,
  })

  constructor(segmentId: string) {
    this.segmentId = segmentId
  }

  get items(): SegmentMemberRow[] {
    return this.#list.items
  }
  get total(): number {
    return this.#list.total
  }
  get loaded(): boolean {
    return this.#list.loaded
  }
  get loading(): boolean {
    return this.#list.reloading
  }
  get exhausted(): boolean {
    return !this.#list.hasMore
  }
  get error(): ApiError | null {
    return this.#list.error
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
    await this.#list.reload()
  }

  async loadMore(): Promise<void> {
    await this.#list.loadMore()
  }

  #fetch(offset: number, limit: number) {
    return api.call('segments.members', {
      source: { segmentId: this.segmentId },
      sort: this.sort,
      direction: this.direction,
      columns: this.columns,
      offset,
      limit,
    })
  }
}
