// A profile's reachability panel: the channels and devices from devices.reachability, re-read when the
// profile changes anywhere, and a token added or removed by hand (with what that means against CleverTap).
import type { ReachabilityView } from '$shared/devices/types'
import type { Platform } from '$shared/reachability/rules'
import { api, toApiError, type ApiError } from '../api/client'

export class ProfileReachability {
  view = $state.raw<ReachabilityView | null>(null)
  error = $state<ApiError | null>(null)
  actionError = $state<ApiError | null>(null)
  /** What the last token change did: "saved and queued" or "removed here only". */
  notice = $state<string | null>(null)
  busy = $state(false)
  #generation = 0

  constructor(readonly id: string) {}

  connect(): () => void {
    return api.on('profiles.changed', (event) => {
      if (event.all || event.ids.includes(this.id)) void this.reload()
    })
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation
    try {
      const view = await api.call('devices.reachability', { id: this.id })
      if (generation !== this.#generation) return
      this.view = view
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    }
  }

  async setToken(input: { platform: Platform; pushToken: string; deviceId?: string }): Promise<boolean> {
    return this.#act(() => api.call('devices.setToken', { profileId: this.id, ...input }))
  }

  async removeToken(deviceId: string): Promise<boolean> {
    return this.#act(() => api.call('devices.removeToken', { profileId: this.id, deviceId }))
  }

  async #act(call: () => Promise<{ reachability: ReachabilityView; message: string }>): Promise<boolean> {
    this.busy = true
    this.actionError = null
    try {
      const result = await call()
      this.#generation += 1
      this.view = result.reachability
      this.notice = result.message
      return true
    } catch (error) {
      this.actionError = toApiError(error)
      return false
    } finally {
      this.busy = false
    }
  }
}
