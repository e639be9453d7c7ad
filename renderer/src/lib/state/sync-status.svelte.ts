// The sync status the header and the Sync page show: fetched once, then kept live from `sync.status`
// events; plus a clock that ticks so "synced 5 minutes ago" stays true while the page is open.
import type { SyncStatus } from '$shared/sync/types'
import { api, toApiError, type ApiError } from '../api/client'

const CLOCK_TICK_MS = 30_000

class SyncStatusStore {
  status = $state.raw<SyncStatus | null>(null)
  loadError = $state<ApiError | null>(null)
  /** Epoch ms, refreshed every half minute: relative times derive from it. */
  now = $state(Date.now())
  /** Bumped by every event, so a slower fetch never overwrites a newer event. */
  #version = 0

  /** Subscribes to the status events and loads the current status; returns the stop function. */
  connect(win: Window = window): () => void {
    const stopEvents = api.on('sync.status', (status) => {
      this.#version += 1
      this.status = status
      this.loadError = null
      this.now = Date.now()
    })
    void this.refresh()
    const clock = win.setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS)
    // An event stream can miss messages while a laptop sleeps: catch up when the page is seen again.
    const onVisible = () => {
      if (win.document.visibilityState === 'visible') void this.refresh()
    }
    win.document.addEventListener('visibilitychange', onVisible)
    return () => {
      stopEvents()
      win.clearInterval(clock)
      win.document.removeEventListener('visibilitychange', onVisible)
    }
  }

  async refresh(): Promise<void> {
    const version = this.#version
    try {
      const status = await api.call('sync.status', {})
      if (version !== this.#version) return
      this.status = status
      this.loadError = null
    } catch (error) {
      if (version === this.#version) this.loadError = toApiError(error)
    } finally {
      this.now = Date.now()
    }
  }
}

export const syncStatus = new SyncStatusStore()
