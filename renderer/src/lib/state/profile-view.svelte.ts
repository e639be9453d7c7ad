// One open profile: its detail, the pages of its events timeline and change history loaded so far,
// and a refresh that keeps those pages when the profile changes (an edit here, or elsewhere).
import type { AuditEntry, ProfileDetail, ProfileEvent } from '$shared/profile/types'
import { api, toApiError, type ApiError } from '../api/client'

export const TIMELINE_PAGE_SIZE = 25
export const HISTORY_PAGE_SIZE = 25
const MAX_PAGE = 500

interface Paged<T> {
  items: T[]
  total: number
}

export class ProfileView {
  readonly id: string
  detail = $state.raw<ProfileDetail | null>(null)
  loadError = $state<ApiError | null>(null)
  loading = $state(true)

  events = $state.raw<ProfileEvent[]>([])
  eventsTotal = $state(0)
  eventsLoading = $state(false)
  eventsError = $state<ApiError | null>(null)

  history = $state.raw<AuditEntry[]>([])
  historyTotal = $state(0)
  historyLoading = $state(false)
  historyError = $state<ApiError | null>(null)

  #generation = 0

  constructor(id: string) {
    this.id = id
  }

  /** Loads (or reloads) everything, keeping as many timeline and history rows as are shown now. */
  async refresh(): Promise<void> {
    const generation = ++this.#generation
    try {
      const detail = await api.call('profiles.get', { id: this.id })
      if (generation !== this.#generation) return
      this.detail = detail
      this.loadError = null
    } catch (error) {
      if (generation !== this.#generation) return
      this.loadError = toApiError(error)
      this.loading = false
      return
    }
    this.loading = false
    await Promise.all([this.#reloadEvents(generation), this.#reloadHistory(generation)])
  }

  /** Shows the profile a mutation returned, then brings the history (and timeline) up to date. */
  accept(detail: ProfileDetail): void {
    this.detail = detail
    const generation = ++this.#generation
    void Promise.all([this.#reloadEvents(generation), this.#reloadHistory(generation)])
  }

  async loadMoreEvents(): Promise<void> {
    if (this.eventsLoading || this.events.length >= this.eventsTotal) return
    this.eventsLoading = true
    try {
      const page = await api.call('profiles.events', {
        id: this.id,
        offset: this.events.length,
        limit: TIMELINE_PAGE_SIZE,
      })
      this.events = [...this.events, ...page.items]
      this.eventsTotal = page.total
      this.eventsError = null
    } catch (error) {
      this.eventsError = toApiError(error)
    } finally {
      this.eventsLoading = false
    }
  }

  async loadMoreHistory(): Promise<void> {
    if (this.historyLoading || this.history.length >= this.historyTotal) return
    this.historyLoading = true
    try {
      const page = await api.call('profiles.history', {
        id: this.id,
        offset: this.history.length,
        limit: HISTORY_PAGE_SIZE,
      })
      this.history = [...this.history, ...page.items]
      this.historyTotal = page.total
      this.historyError = null
    } catch (error) {
      this.historyError = toApiError(error)
    } finally {
      this.historyLoading = false
    }
  }

  async #reloadEvents(generation: number): Promise<void> {
    const limit = Math.min(MAX_PAGE, Math.max(TIMELINE_PAGE_SIZE, this.events.length))
    await this.#reload(generation, () => api.call('profiles.events', { id: this.id, offset: 0, limit }), {
      set: (page) => {
        this.events = page.items
        this.eventsTotal = page.total
        this.eventsError = null
      },
      fail: (error) => (this.eventsError = error),
    })
  }

  async #reloadHistory(generation: number): Promise<void> {
    const limit = Math.min(MAX_PAGE, Math.max(HISTORY_PAGE_SIZE, this.history.length))
    await this.#reload(generation, () => api.call('profiles.history', { id: this.id, offset: 0, limit }), {
      set: (page) => {
        this.history = page.items
        this.historyTotal = page.total
        this.historyError = null
      },
      fail: (error) => (this.historyError = error),
    })
  }

  async #reload<T>(
    generation: number,
    fetchPage: () => Promise<Paged<T>>,
    apply: { set: (page: Paged<T>) => void; fail: (error: ApiError) => void },
  ): Promise<void> {
    try {
      const page = await fetchPage()
      if (generation === this.#generation) apply.set(page)
    } catch (error) {
      if (generation === this.#generation) apply.fail(toApiError(error))
    }
  }
}
