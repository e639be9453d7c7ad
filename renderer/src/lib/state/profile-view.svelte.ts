// One open profile: its detail, the pages of its events timeline and change history loaded so far, a
// refresh that keeps those pages when the profile changes (an edit here, or elsewhere), and the edits the
// profile page makes. Each edit shows what the backend answers; a refused one throws its ApiError for the
// component that asked to show next to its field.
import type {
  AuditEntry,
  CustomPropertyType,
  Identifier,
  ProfileDetail,
  ProfileEvent,
  PropertyValue,
} from '$shared/profile/types'
import { api, toApiError, type ApiError } from '../api/client'
import { PagedList } from './paged-list.svelte'

export const TIMELINE_PAGE_SIZE = 25
export const HISTORY_PAGE_SIZE = 25
/** profiles.events and profiles.history answer at most this many rows at once. */
const MAX_PAGE = 500

export class ProfileView {
  readonly id: string
  detail = $state.raw<ProfileDetail | null>(null)
  loadError = $state<ApiError | null>(null)
  loading = $state(true)
  /** The events timeline, newest first. */
  readonly events: PagedList<ProfileEvent>
  /** The change history (audit entries), newest first. */
  readonly history: PagedList<AuditEntry>
  #generation = 0

  constructor(id: string) {
    this.id = id
    this.events = new PagedList<ProfileEvent>({
      fetch: (_question, offset, limit) => api.call('profiles.events', { id, offset, limit }),
      pageSize: TIMELINE_PAGE_SIZE,
      keepShownUpTo: MAX_PAGE,
    })
    this.history = new PagedList<AuditEntry>({
      fetch: (_question, offset, limit) => api.call('profiles.history', { id, offset, limit }),
      pageSize: HISTORY_PAGE_SIZE,
      keepShownUpTo: MAX_PAGE,
    })
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
    await this.#reloadLists()
  }

  /** Sets (or, with null, unsets) a property; custom properties say their type. */
  async setProperty(key: string, value: PropertyValue | null, type?: CustomPropertyType): Promise<void> {
    const change =
      value === null
        ? { op: 'unset' as const, key }
        : { op: 'set' as const, key, value, ...(type === undefined ? {} : { type }) }
    this.#accept(await api.call('profiles.update', { id: this.id, changes: [change] }))
  }

  /** Saves the messaging preferences (several boolean properties) in one change. */
  async setPreferences(values: Record<string, boolean>): Promise<void> {
    const changes = Object.entries(values).map(([key, value]) => ({ op: 'set' as const, key, value }))
    this.#accept(await api.call('profiles.update', { id: this.id, changes }))
  }

  async addIdentifier(identifier: Identifier): Promise<void> {
    this.#accept(await api.call('profiles.identifiers.add', { id: this.id, identifier }))
  }

  async removeIdentifier(identifier: Identifier): Promise<void> {
    this.#accept(await api.call('profiles.identifiers.remove', { id: this.id, identifier }))
  }

  async setTest(test: boolean): Promise<void> {
    this.#accept(await api.call('profiles.setTest', { id: this.id, test }))
  }

  async setControlGroupExclusion(excluded: boolean): Promise<void> {
    this.#accept(await api.call('profiles.setControlGroupExclusion', { id: this.id, excluded }))
  }

  /** Deletes the profile (the page then leaves it). */
  async delete(): Promise<void> {
    await api.call('profiles.delete', { id: this.id })
  }

  /** Shows the profile an edit returned, then brings the history (and timeline) up to date. */
  #accept(detail: ProfileDetail): void {
    ++this.#generation
    this.detail = detail
    void this.#reloadLists()
  }

  async #reloadLists(): Promise<void> {
    await Promise.all([this.events.reload(), this.history.reload()])
  }
}
