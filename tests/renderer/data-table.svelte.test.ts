// DataTable, the one table every list uses: column heads from a list (read-only heads for screen readers,
// figures right-aligned), one row per item from the caller's snippet in order, and its box's attributes.
import { cleanup, render, screen, within } from '@testing-library/svelte'
import { createRawSnippet } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import DataTable from '../../renderer/src/components/DataTable.svelte'

afterEach(() => cleanup())

interface Fruit {
  id: number
  name: string
  count: number
}

const FRUIT: Fruit[] = [
  { id: 7, name: 'Apple', count: 3 },
  { id: 2, name: 'Pear', count: 12 },
]

/** The caller's row snippet: a name cell and a count cell. */
const row = createRawSnippet((fruit: () => Fruit) => ({
  render: () => `<tr><th scope="row">${fruit().name}</th><td>${fruit().count}</td><td></td></tr>`,
}))

describe('DataTable', () => {
  it('heads the columns as told and renders a row per item, in order', () => {
    render(DataTable, {
      columns: ['Fruit', { label: 'Count', number: true }, { label: 'Actions', hidden: true }],
      items: FRUIT,
      key: (fruit: Fruit) => fruit.id,
      row,
      caption: 'Fruit in stock',
    })
    const table = screen.getByRole('table', { name: 'Fruit in stock' })
    const heads = within(table).getAllByRole('columnheader')
    expect(heads.map((head) => head.textContent?.trim())).toEqual(['Fruit', 'Count', 'Actions'])
    const [fruit, count, actions] = heads
    expect(fruit?.classList.contains('number')).toBe(false)
    expect(count?.classList.contains('number')).toBe(true)
    expect(actions?.querySelector('.visually-hidden')?.textContent).toBe('Actions')
    expect(fruit?.querySelector('.visually-hidden')).toBeNull()
    const names = within(table)
      .getAllByRole('rowheader')
      .map((cell) => cell.textContent)
    expect(names).toEqual(['Apple', 'Pear'])
  })

  it('puts density, frame and other attributes on the scrolling box', () => {
    render(DataTable, {
      columns: ['Fruit', 'Count', ''],
      items: FRUIT,
      key: (fruit: Fruit) => fruit.id,
      row,
      density: 'compact',
      framed: true,
      role: 'region',
      'aria-label': 'Problems',
      tabindex: 0,
    })
    const box = screen.getByRole('region', { name: 'Problems' })
    expect([...box.classList].filter((name) => !name.startsWith('svelte-'))).toEqual([
      'data-table',
      'compact',
      'framed',
    ])
    expect(box.tabIndex).toBe(0)
    expect(within(box).getByRole('table')).toBeTruthy()
  })

  it('has no caption when none is given', () => {
    render(DataTable, { columns: ['Fruit'], items: [], key: (fruit: Fruit) => fruit.id, row })
    expect(screen.getByRole('table').querySelector('caption')).toBeNull()
    expect(screen.queryAllByRole('rowheader')).toEqual([])
  })
})
