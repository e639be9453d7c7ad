// A list shown a page at a time, the one every list page uses (import and SFTP history, Find People, a
// profile's timeline and history, the Sync page): reload from the top for a question, load the next page
// of the shown answer, and drop replies to questions no longer asked (a reload supersedes all in flight).
import { toApiError, type ApiError } from '../api/client'

export interface Page<T> {
  items: T[]
  total: number
}

export interface PagedListOptions<T, Q, P extends Page<T>> {
  /** Rows `offset` to `offset + limit` of the answer to `query`. */
  fetch: (query: Q, offset: number, limit: number) => Promise<P>
  pageSize: number
  /**
   * A reload keeps as many rows as are shown, asking for up to this many (the channel's limit), so a
   * refresh does not shrink what the person scrolled to. Without it, a reload starts at one page.
   */
  keepShownUpTo?: number
  /** Rows already shown are not shown twice when they moved to a later page meanwhile. */
  keyOf?: (item: T) => string | number
  /** The answer's total is only "at least" (a capped count): the list ends at a page shorter than asked. */
  endsAtShortPage?: boolean
}

export class PagedList<T, Q = void, P extends Page<T> = Page<T>> {
  items = $state.raw<T[]>([])
  total = $state(0)
  /** The page last taken (for what a page says besides its rows, e.g. a capped total). */
  page = $state.raw<P | null>(null)
  /** An answer (or an error) has come for a first question. */
  loaded = $state(false)
  reloading = $state(false)
  loadingMore = $state(false)
  error = $state<ApiError | null>(null)
  readonly #options: PagedListOptions<T, Q, P>
  /** The question the shown rows answer; loadMore asks it further. */
  #query: { value: Q } | null = null
  #shortPage = $state(false)
  #generation = 0

  hasMore = $derived(this.#more())

  constructor(options: PagedListOptions<T, Q, P>) {
    this.#options = options
  }

  /**
   * Answers `query` from the top; resolves with the page taken, or null when the reply failed or a later
   * reload superseded it (then nothing here changed).
   */
  async reload(...[query]: Q extends void ? [] : [Q]): Promise<P | null> {
    const generation = ++this.#generation
    const { pageSize, keepShownUpTo } = this.#options
    const limit = keepShownUpTo ? Math.min(keepShownUpTo, Math.max(pageSize, this.items.length)) : pageSize
    this.reloading = true
    try {
      const page = await this.#options.fetch(query as Q, 0, limit)
      if (generation !== this.#generation) return null
      this.#query = { value: query as Q }
      this.items = page.items
      this.total = page.total
      this.#take(page, limit)
      return page
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
      return null
    } finally {
      if (generation === this.#generation) {
        this.loaded = true
        this.reloading = false
      }
    }
  }

  /** Appends the next page of the shown answer (no-op while one loads, or when none is left). */
  async loadMore(): Promise<void> {
    const question = this.#query
    if (!question || this.reloading || this.loadingMore || !this.hasMore) return
    const generation = this.#generation
    const { pageSize, keyOf } = this.#options
    this.loadingMore = true
    try {
      const page = await this.#options.fetch(question.value, this.items.length, pageSize)
      if (generation !== this.#generation) return
      // A throwaway lookup inside this call, never state: a plain Set, not a reactive SvelteSet.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const seen = keyOf ? new Set(this.items.map(keyOf)) : null
      const added = seen && keyOf ? page.items.filter((item) => !seen.has(keyOf(item))) : page.items
      this.items = [...this.items, ...added]
      this.total = Math.max(page.total, this.items.length)
      this.#take(page, pageSize)
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      this.loadingMore = false
    }
  }

  /** Forgets the rows (a new question whose answer should not show the old one's rows meanwhile). */
  clear(): void {
    this.items = []
    this.total = 0
  }

  #take(page: P, asked: number): void {
    this.page = page
    this.error = null
    this.#shortPage = page.items.length < asked
  }

  #more(): boolean {
    return this.#options.endsAtShortPage ? this.loaded && !this.#shortPage : this.items.length < this.total
  }
}
