// The control-group exclusions page's list: the (at most 20) excluded profiles, re-read when profiles
// change anywhere, and "Include again" for one of them.
import type { ControlGroupHolder } from '$shared/profile/types'
import { api, toApiError, type ApiError } from '../api/client'

export class ControlGroupExclusions {
  holders = $state.raw<ControlGroupHolder[]>([])
  limit = $state(0)
  loaded = $state(false)
  error = $state<ApiError | null>(null)
  /** Profiles whose "Include again" is on its way. */
  including = $state<Record<string, boolean>>({})
  /** The last "Include again" that did not work, with the profile it was for. */
  actionError = $state<{ id: string; error: ApiError } | null>(null)
  #generation = 0

  /** Re-reads the list whenever a profile changes (an exclusion made on a profile page, say). */
  connect(): () => void {
    return api.on('profiles.changed', () => void this.reload())
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation
    try {
      const reply = await api.call('profiles.controlGroupExclusions', {})
      if (generation !== this.#generation) return
      this.holders = reply.holders
      this.limit = reply.limit
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    } finally {
      if (generation === this.#generation) this.loaded = true
    }
  }

  async include(id: string): Promise<void> {
    this.including = { ...this.including, [id]: true }
    this.actionError = null
    try {
      await api.call('profiles.setControlGroupExclusion', { id, excluded: false })
      await this.reload()
    } catch (error) {
      this.actionError = { id, error: toApiError(error) }
    } finally {
      const { [id]: _done, ...rest } = this.including
      this.including = rest
    }
  }
}
