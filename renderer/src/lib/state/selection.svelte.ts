// Which profiles of a list are chosen for a bulk action (Find People, a segment's members): rows ticked
// one by one or by shift-click ranges, or "all N matching" the list's question, held as that question
// (minus the rows unticked since), so choosing a million profiles loads none of them.
import { SvelteSet } from 'svelte/reactivity'
import type { BulkSelection } from '$shared/bulk/types'

/** A list's question as a bulk action names it: a search with its filters, or a segment. */
export type MatchingQuestion = Exclude<BulkSelection, { kind: 'ids' }>

export interface SelectionSource {
  /** The ids of the rows loaded so far, in the order shown (ranges are taken from it). */
  ids: () => readonly string[]
  /** How many profiles the shown question matches; `capped`: at least that many. */
  total: () => { total: number; capped: boolean }
  /** The question the shown rows answer (what "all matching" stands for). */
  question: () => MatchingQuestion
}

export class Selection {
  /** "All matching" is chosen: every profile the question matches except those in `#marked`. */
  allMatching = $state(false)
  /** The question "all matching" stands for (taken when it was chosen). */
  #question = $state.raw<MatchingQuestion | null>(null)
  /** Ticked ids, or with allMatching, the unticked ones. */
  readonly #marked = new SvelteSet<string>()
  /** The row the last plain click or Space was on: a shift-click selects from here. */
  #anchor: number | null = null
  #questionKey: string | null = null
  readonly #source: SelectionSource

  constructor(source: SelectionSource) {
    this.#source = source
  }

  /** How many profiles are chosen (with "all matching" on a capped count: at least this many). */
  get count(): number {
    if (!this.allMatching) return this.#marked.size
    return Math.max(0, this.#source.total().total - this.#marked.size)
  }

  /** The count is a lower bound (all matching on a search whose total is capped). */
  get countIsCapped(): boolean {
    return this.allMatching && this.#source.total().capped
  }

  get isEmpty(): boolean {
    return this.count === 0 && !this.countIsCapped
  }

  has(id: string): boolean {
    return this.allMatching ? !this.#marked.has(id) : this.#marked.has(id)
  }

  /** Ticks or unticks one row. */
  set(id: string, chosen: boolean): void {
    const mark = this.allMatching ? !chosen : chosen
    if (mark) this.#marked.add(id)
    else this.#marked.delete(id)
  }

  /**
   * A click on row `index`: toggles it; with `range` (shift held) every row from the last clicked one to
   * this one takes this row's new state. The clicked row becomes the anchor of the next range.
   */
  click(index: number, range = false): void {
    const ids = this.#source.ids()
    const id = ids[index]
    if (id === undefined) return
    const chosen = !this.has(id)
    const anchor = range && this.#anchor !== null && this.#anchor < ids.length ? this.#anchor : index
    const [from, to] = anchor <= index ? [anchor, index] : [index, anchor]
    for (let i = from; i <= to; i++) this.set(ids[i] as string, chosen)
    this.#anchor = index
  }

  /** Everything the shown question matches (held as the question: nothing is loaded). */
  selectAllMatching(): void {
    this.#marked.clear()
    this.allMatching = true
    this.#question = this.#source.question()
  }

  /**
   * Chosen becomes unchosen and the reverse, over everything matching: ticked rows S turn into "all
   * matching but S", and "all matching but S" into S, so inverting never needs the rows loaded.
   */
  invert(): void {
    if (this.allMatching) {
      this.allMatching = false
      this.#question = null
    } else {
      this.allMatching = true
      this.#question = this.#source.question()
    }
  }

  /** The list now answers another question: what was chosen for the old one is let go. */
  follow(questionKey: string): void {
    if (questionKey === this.#questionKey) return
    this.#questionKey = questionKey
    this.clear()
  }

  /**
   * The list's selection keys: Ctrl/⌘+A chooses all matching, Ctrl/⌘+I inverts, Escape clears (only
   * when something is chosen, so Escape still does what else it does). True when the key was taken.
   */
  handleKey(event: KeyboardEvent): boolean {
    const command = event.ctrlKey || event.metaKey
    const key = event.key.toLowerCase()
    if (command && !event.shiftKey && !event.altKey && key === 'a') this.selectAllMatching()
    else if (command && !event.shiftKey && !event.altKey && key === 'i') this.invert()
    else if (key === 'escape' && !this.isEmpty) this.clear()
    else return false
    event.preventDefault()
    return true
  }

  clear(): void {
    this.allMatching = false
    this.#question = null
    this.#marked.clear()
    this.#anchor = null
  }

  /** What a bulk action acts on (the ids ticked, or the question but the unticked), or null for nothing. */
  scope(): BulkSelection | null {
    if (this.isEmpty) return null
    const marked = [...this.#marked]
    if (this.allMatching && this.#question) return { ...this.#question, except: marked }
    return { kind: 'ids', ids: marked }
  }
}
