// Selection, the choice of profiles for a bulk action: ticks, shift-click ranges, "all N matching" held as
// the question (with the rows unticked since), invert without loading rows, the keys, and a new question
// letting the old choice go. The selection bar says the count and offers the choices and the actions.
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { createRawSnippet } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import SelectionBar from '../../renderer/src/components/bulk/SelectionBar.svelte'
import ProfileRow from '../../renderer/src/components/people/ProfileRow.svelte'
import { Selection } from '../../renderer/src/lib/state/selection.svelte'

afterEach(() => cleanup())

interface Fixture {
  selection: Selection
  /** The loaded rows' ids; tests grow it to stand for "load more". */
  ids: string[]
  setTotal: (total: number, capped?: boolean) => void
  setQuery: (query: string) => void
}

function fixture(loaded = 10, total = 1000): Fixture {
  const state = { total, capped: false, query: 'ann' }
  const ids = Array.from({ length: loaded }, (_, i) => `p${i}`)
  const selection = new Selection({
    ids: () => ids,
    total: () => ({ total: state.total, capped: state.capped }),
    question: () => ({ kind: 'search', query: state.query, filters: {} }),
  })
  return {
    selection,
    ids,
    setTotal: (next, capped = false) => Object.assign(state, { total: next, capped }),
    setQuery: (query) => Object.assign(state, { query }),
  }
}

function key(init: KeyboardEventInit): KeyboardEvent {
  return new KeyboardEvent('keydown', { cancelable: true, ...init })
}

describe('Selection', () => {
  it('ticks and unticks single rows, and says which ids to act on', () => {
    const { selection } = fixture()
    expect(selection.isEmpty).toBe(true)
    expect(selection.scope()).toBeNull()
    selection.click(2)
    selection.click(5)
    selection.click(2)
    expect(selection.count).toBe(1)
    expect(selection.has('p5')).toBe(true)
    expect(selection.has('p2')).toBe(false)
    expect(selection.scope()).toEqual({ kind: 'ids', ids: ['p5'] })
  })

  it('a shift-click ticks every row from the last click to this one, in either direction', () => {
    const { selection } = fixture()
    selection.click(3)
    selection.click(7, true)
    expect([...(selection.scope() as { ids: string[] }).ids].sort()).toEqual(['p3', 'p4', 'p5', 'p6', 'p7'])
    // a shift-click upwards from the new anchor (7) to 1 unticks nothing already ticked: row 1 was off,
    // so the range takes "on"
    selection.click(1, true)
    expect(selection.count).toBe(7)
    // a shift-click on a ticked row makes the whole range unticked
    selection.click(4, true)
    expect(['p1', 'p2', 'p3', 'p4'].map((id) => selection.has(id))).toEqual([false, false, false, false])
    expect(['p5', 'p6', 'p7'].map((id) => selection.has(id))).toEqual([true, true, true])
  })

  it('a shift-click with no earlier click ticks just that row', () => {
    const { selection } = fixture()
    selection.click(4, true)
    expect(selection.scope()).toEqual({ kind: 'ids', ids: ['p4'] })
  })

  it('"all matching" counts the question’s total and holds the question, not the rows', () => {
    const { selection, setQuery } = fixture(10, 250_000)
    selection.selectAllMatching()
    expect(selection.count).toBe(250_000)
    expect(selection.has('p9')).toBe(true)
    expect(selection.has('never-loaded')).toBe(true)
    selection.click(3)
    expect(selection.count).toBe(249_999)
    setQuery('changed later') // the question was taken when "all" was chosen
    expect(selection.scope()).toEqual({ kind: 'search', query: 'ann', filters: {}, except: ['p3'] })
  })

  it('a capped total makes the count a lower bound', () => {
    const { selection, setTotal } = fixture()
    setTotal(1000, true)
    selection.selectAllMatching()
    expect(selection.countIsCapped).toBe(true)
    expect(selection.isEmpty).toBe(false)
  })

  it('inverts exactly without loading rows: S becomes all-but-S and back', () => {
    const { selection } = fixture(10, 500)
    selection.click(1)
    selection.click(2)
    selection.invert()
    expect(selection.count).toBe(498)
    expect(selection.has('p1')).toBe(false)
    expect(selection.has('p3')).toBe(true)
    expect(selection.scope()).toEqual({ kind: 'search', query: 'ann', filters: {}, except: ['p1', 'p2'] })
    selection.invert()
    expect(selection.scope()).toEqual({ kind: 'ids', ids: ['p1', 'p2'] })
  })

  it('takes Ctrl/⌘+A (all), Ctrl/⌘+I (invert) and Escape (clear), and leaves other keys alone', () => {
    const { selection } = fixture(10, 40)
    const all = key({ key: 'a', ctrlKey: true })
    expect(selection.handleKey(all)).toBe(true)
    expect(all.defaultPrevented).toBe(true)
    expect(selection.count).toBe(40)
    expect(selection.handleKey(key({ key: 'i', metaKey: true }))).toBe(true)
    expect(selection.isEmpty).toBe(true)
    selection.click(0)
    expect(selection.handleKey(key({ key: 'Escape' }))).toBe(true)
    expect(selection.isEmpty).toBe(true)
    // with nothing chosen, Escape is not taken (a dialog or a form may want it)
    const escape = key({ key: 'Escape' })
    expect(selection.handleKey(escape)).toBe(false)
    expect(escape.defaultPrevented).toBe(false)
    expect(selection.handleKey(key({ key: 'a' }))).toBe(false)
    expect(selection.handleKey(key({ key: 'A', ctrlKey: true, shiftKey: true }))).toBe(false)
  })

  it('lets the choice go when the list answers another question', () => {
    const { selection } = fixture()
    selection.follow('ann')
    selection.click(1)
    selection.follow('ann')
    expect(selection.count).toBe(1)
    selection.follow('anna')
    expect(selection.isEmpty).toBe(true)
    // the anchor went too: a shift-click now ticks one row, not a range from the old click
    selection.click(5, true)
    expect(selection.count).toBe(1)
  })
})

describe('SelectionBar', () => {
  const actions = createRawSnippet(() => ({ render: () => '<button type="button">Bulk edit…</button>' }))

  it('says how many are chosen, politely, and offers the actions only then', async () => {
    const { selection } = fixture(10, 1234)
    render(SelectionBar, { selection, total: 1234, capped: false, actions })
    expect(screen.getByRole('status').textContent).toBe('No profile selected')
    expect(screen.queryByRole('button', { name: 'Bulk edit…' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Clear selection' })).toBeNull()

    selection.click(0)
    selection.click(3, true)
    await Promise.resolve()
    expect(screen.getByRole('status').textContent).toBe('4 profiles selected')
    expect(screen.getByRole('button', { name: 'Bulk edit…' })).toBeTruthy()

    await userEvent.click(screen.getByRole('button', { name: /Select all 1,234 matching/ }))
    expect(screen.getByRole('status').textContent).toBe('All 1,234 matching selected')
    expect(screen.queryByRole('button', { name: /Select all/ })).toBeNull()

    selection.click(2)
    await Promise.resolve()
    expect(screen.getByRole('status').textContent).toBe('1,233 selected: all matching but 1')

    await userEvent.click(screen.getByRole('button', { name: 'Invert selection' }))
    expect(screen.getByRole('status').textContent).toBe('1 profile selected')
    expect(selection.scope()).toEqual({ kind: 'ids', ids: ['p2'] })

    await userEvent.click(screen.getByRole('button', { name: 'Clear selection' }))
    expect(selection.isEmpty).toBe(true)
    expect(screen.getByRole('status').textContent).toBe('No profile selected')
  })

  it('names the shortcuts on its buttons and says a capped count is a lower bound', async () => {
    const { selection, setTotal } = fixture(10, 1000)
    setTotal(1000, true)
    render(SelectionBar, { selection, total: 1000, capped: true, actions })
    const all = screen.getByRole('button', { name: 'Select all 1,000+ matching' })
    expect(all.getAttribute('aria-keyshortcuts')).toBe('Control+A Meta+A')
    await userEvent.click(all)
    expect(screen.getByRole('status').textContent).toBe('All 1,000+ matching selected')
  })

  it('offers no choosing of all when nothing matches', () => {
    const { selection } = fixture(0, 0)
    render(SelectionBar, { selection, total: 0, capped: false, actions })
    expect(screen.getByRole('button', { name: 'Select all 0 matching' }).hasAttribute('disabled')).toBe(true)
    expect(screen.getByRole('button', { name: 'Invert selection' }).hasAttribute('disabled')).toBe(true)
  })
})

describe('ProfileRow with a checkbox', () => {
  const profile = {
    id: 'p7',
    name: 'Ann Lee',
    email: null,
    identity: 'ann-7',
    phone: null,
    type: 'Identified' as const,
    isTest: false,
    lastSeen: null,
  }

  it('names its checkbox after the profile, says whether it is chosen, and passes Shift on', async () => {
    const chosen: boolean[] = []
    const { rerender } = render(ProfileRow, {
      profile,
      index: 3,
      current: true,
      onfocus: () => {},
      selected: false,
      onselect: (range: boolean) => chosen.push(range),
    })
    const box = screen.getByRole('checkbox', { name: 'Select Ann Lee' })
    expect((box as HTMLInputElement).checked).toBe(false)
    expect(box.getAttribute('tabindex')).toBe('0')
    const user = userEvent.setup()
    await user.click(box)
    await user.keyboard('{Shift>}')
    await user.click(box)
    await user.keyboard('{/Shift}')
    expect(chosen).toEqual([false, true])
    // the selection decides the state: the row stays unticked while `selected` says so
    expect((box as HTMLInputElement).checked).toBe(false)
    await rerender({ selected: true })
    expect((box as HTMLInputElement).checked).toBe(true)
    // the link to the profile is still there, beside the checkbox (not around it)
    const link = screen.getByRole('link', { name: /Ann Lee/ })
    expect(link.contains(box)).toBe(false)
  })

  it('has no checkbox where rows cannot be chosen', () => {
    render(ProfileRow, { profile, index: 0, current: true, onfocus: () => {} })
    expect(screen.queryByRole('checkbox')).toBeNull()
  })
})
