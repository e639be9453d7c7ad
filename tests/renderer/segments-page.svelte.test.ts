// The saved segments page: the list is the shared DataTable (a row header per segment linking to it, its
// number of conditions and last change), every action reachable with the keyboard in reading order, and a
// clear empty state that says how to start.
import { cleanup, render, screen, within } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import type { SavedSegmentSummary } from '../../shared/segments/types'
import { api } from '../../renderer/src/lib/api/client'
import SegmentsPage from '../../renderer/src/views/segments/SegmentsPage.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

const segment = (id: string, name: string, conditions: number): SavedSegmentSummary => ({
  id,
  name,
  conditions,
  createdAt: 1_780_000_000,
  updatedAt: 1_780_000_500,
})

function show(items: SavedSegmentSummary[]): FakeTransport {
  const transport = new FakeTransport()
    .handle('segments.list', () => ({ items }))
    .handle('segments.duplicate', ({ id }) => ({
      ...segment(`${id}-copy`, 'VIPs (copy)', 2),
      definition: { version: 1, join: 'and', conditions: [] },
    }))
  api.attach(transport)
  render(SegmentsPage)
  return transport
}

afterEach(() => cleanup())

describe('SegmentsPage', () => {
  it('lists saved segments in the shared table, each action one Tab after the other', async () => {
    const transport = show([segment('s1', 'VIPs', 2), segment('s2', 'Lapsed buyers', 3)])
    const table = await screen.findByRole('table', { name: 'Saved segments' })
    expect(table.closest('.data-table')).not.toBeNull()
    const heads = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent?.trim())
    expect(heads).toEqual(['Segment', 'Conditions', 'Last changed', 'Actions'])
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(2)
    const first = within(rows[0]!)
    expect(first.getByRole('rowheader').textContent?.trim()).toBe('VIPs')
    expect(first.getByRole('link', { name: 'VIPs' }).getAttribute('href')).toBe('#/segments/s1')
    expect(first.getByRole('cell', { name: '2' })).toBeTruthy()
    expect(first.getByText(/2026/).tagName).toBe('TIME')

    // Keyboard: from the segment's link, Tab walks its actions in order.
    const user = userEvent.setup()
    first.getByRole('link', { name: 'VIPs' }).focus()
    const reached: string[] = []
    for (let i = 0; i < 5; i++) {
      await user.tab()
      reached.push(document.activeElement?.getAttribute('aria-label') ?? '')
    }
    expect(reached).toEqual([
      'Members of VIPs',
      'Rename VIPs',
      'Duplicate VIPs',
      'Export VIPs as JSON',
      'Delete VIPs',
    ])
    await user.keyboard('{Shift>}{Tab}{Tab}{/Shift}{Enter}')
    expect(transport.requestsOf('segments.duplicate')).toEqual([{ id: 's1' }])
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Made “VIPs (copy)”.')
  })

  it('says how to start when nothing is saved, and shows no table', async () => {
    show([])
    expect(await screen.findByRole('heading', { name: 'No saved segments yet' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'New segment' }).getAttribute('href')).toBe('#/segments/new')
    expect(screen.queryByRole('table')).toBeNull()
  })
})
