// The builder's live count: asks for the total on every edit (no debounce: stale replies are dropped and
// the backend skips superseded questions), then for each condition's own count. Every request carries this page's own client id and a sequence number; a reply to anything
// but the newest request is dropped, so a slow count never paints over a newer one (the backend also
// answers `superseded`, judging each client by its own newest request only).
import type { SegmentDefinition } from '$shared/segments/definition'
import type { ItemCount } from '$shared/segments/types'
import { api, toApiError, type ApiError } from '../api/client'

export class LiveCount {
  /** The question now asked (the definition as JSON); `answered` is the one whose total is shown. */
  asked = $state('')
  answered = $state<string | null>(null)
  total = $state<number | null>(null)
  profiles = $state<number | null>(null)
  /** Per top-level item counts of `itemsFor` (only shown while that is still the question). */
  items = $state.raw<ItemCount[] | null>(null)
  itemsFor = $state<string | null>(null)
  /** The definition has problems: nothing is counted until they are fixed. */
  blocked = $state(false)
  error = $state<ApiError | null>(null)
  /** How long the backend took over the total shown (its own figure, for the warming-up note). */
  tookMs = $state<number | null>(null)

  counting = $derived(!this.blocked && this.asked !== this.answered)
  /** This count's own id: the backend keeps a "newest seen" per client, so other pages never supersede it. */
  readonly #client = crypto.randomUUID()
  #seq = 0
  #latest = 0

  /** Asks for the count of `definition` now; `countable` false when it has problems. */
  ask(definition: SegmentDefinition, countable: boolean): void {
    const key = JSON.stringify(definition)
    if (key === this.asked && countable === !this.blocked) return
    this.asked = key
    this.blocked = !countable
    // Whatever is in flight answers an older question now.
    const seq = this.#nextSeq()
    this.#latest = seq
    if (countable) void this.#count(seq, definition, key)
  }

  /** The count of one condition on its own (top-level item, or a condition of a group); null when unknown. */
  countOf(itemIndex: number, conditionIndex?: number): number | null {
    if (this.itemsFor !== this.asked || !this.items) return null
    const item = this.items[itemIndex]
    if (!item) return null
    return conditionIndex === undefined ? item.count : (item.conditions?.[conditionIndex] ?? null)
  }

  dispose(): void {
    this.#latest = this.#nextSeq()
  }

  #nextSeq(): number {
    return ++this.#seq
  }

  async #count(seq: number, definition: SegmentDefinition, key: string): Promise<void> {
    try {
      const total = await api.call('segments.count', {
        seq,
        client: this.#client,
        definition,
        perItem: false,
      })
      if (seq !== this.#latest || total.status !== 'counted') return
      this.total = total.total
      this.profiles = total.profiles
      this.tookMs = total.tookMs
      this.answered = key
      this.error = null
      // Each condition's own count follows in a second request, so it never holds the total up.
      if (definition.conditions.length === 0) {
        this.items = []
        this.itemsFor = key
        return
      }
      const itemSeq = this.#nextSeq()
      this.#latest = itemSeq
      const perItem = await api.call('segments.count', {
        seq: itemSeq,
        client: this.#client,
        definition,
        perItem: true,
      })
      if (itemSeq !== this.#latest || perItem.status !== 'counted') return
      this.items = perItem.items ?? null
      this.itemsFor = key
    } catch (error) {
      if (seq === this.#latest || this.asked === key) this.error = toApiError(error)
    }
  }
}
