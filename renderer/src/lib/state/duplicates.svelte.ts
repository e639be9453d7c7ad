// The Duplicate Platform ID screen's state: pages of token or phone groups, resolving one group or all
// ("keep the most recently seen holder"), with the result said plainly.
import type { DuplicateGroup, DuplicateKind, ResolveResult } from '$shared/devices/types'
import { api, toApiError, type ApiError } from '../api/client'

export class DuplicatesReport {
  kind = $state<DuplicateKind>('token')
  groups = $state.raw<DuplicateGroup[]>([])
  next = $state<string | null>(null)
  loaded = $state(false)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  busy = $state(false)
  result = $state.raw<ResolveResult | null>(null)
  actionError = $state<ApiError | null>(null)
  #generation = 0

  async load(kind: DuplicateKind = this.kind): Promise<void> {
    const generation = ++this.#generation
    this.kind = kind
    this.loading = true
    try {
      const page = await api.call('duplicates.list', { kind, after: null })
      if (generation !== this.#generation) return
      this.groups = page.groups
      this.next = page.next
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) {
        this.loading = false
        this.loaded = true
      }
    }
  }

  async more(): Promise<void> {
    if (this.next === null) return
    const generation = ++this.#generation
    this.loading = true
    try {
      const page = await api.call('duplicates.list', { kind: this.kind, after: this.next })
      if (generation !== this.#generation) return
      this.groups = [...this.groups, ...page.groups]
      this.next = page.next
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loading = false
    }
  }

  /** One group (its value) or every group of the current kind. */
  async resolve(values?: string[]): Promise<void> {
    this.busy = true
    this.actionError = null
    try {
      this.result = await api.call('duplicates.resolve', {
        kinds: [this.kind],
        ...(values === undefined ? {} : { values }),
      })
      await this.load(this.kind)
    } catch (error) {
      this.actionError = toApiError(error)
    } finally {
      this.busy = false
    }
  }
}
