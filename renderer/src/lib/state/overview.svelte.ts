// The Overview page's numbers for the part of the audience chosen (everyone, a profile type, test
// profiles, or a saved segment: `segment:<id>`), re-read when profiles change anywhere.
import type { OverviewNumbers } from '$shared/devices/types'
import type { ProfileFilters } from '$shared/profile/search'
import { api, toApiError, type ApiError } from '../api/client'

export const AUDIENCE_PARTS: { value: string; label: string; filters: ProfileFilters }[] = [
  { value: 'all', label: 'Everyone', filters: {} },
  { value: 'identified', label: 'Identified profiles', filters: { type: 'Identified' } },
  { value: 'anonymous', label: 'Anonymous profiles', filters: { type: 'Anonymous' } },
  { value: 'test', label: 'Test profiles', filters: { test: true } },
  { value: 'real', label: 'All but test profiles', filters: { test: false } },
]

/** The part that stands for a saved segment, and back. */
export const segmentPart = (id: string) => `segment:${id}`
export function segmentOfPart(part: string): string | null {
  return part.startsWith('segment:') ? part.slice('segment:'.length) : null
}

export class Overview {
  part = $state('all')
  numbers = $state.raw<OverviewNumbers | null>(null)
  error = $state<ApiError | null>(null)
  #generation = 0

  connect(): () => void {
    return api.on('profiles.changed', () => void this.load())
  }

  async load(part: string = this.part): Promise<void> {
    const generation = ++this.#generation
    this.part = part
    const filters = AUDIENCE_PARTS.find((p) => p.value === part)?.filters ?? {}
    const segmentId = segmentOfPart(part)
    try {
      const numbers = await api.call(
        'overview.get',
        segmentId === null ? { filters } : { filters, segment: { segmentId } },
      )
      if (generation !== this.#generation) return
      this.numbers = numbers
      this.error = null
    } catch (error) {
      if (generation === this.#generation) this.error = toApiError(error)
    }
  }
}
