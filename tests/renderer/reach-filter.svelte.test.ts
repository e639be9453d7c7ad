// Find People's reachability filter in the renderer: the control offers every channel and answer with
// labels, and PeopleSearch sends the chosen filter with the question (and drops it when cleared).
import { cleanup, render, screen } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SearchResult } from '../../shared/profile/search'
import type { ReachFilter } from '../../shared/reachability/filter'
import { api } from '../../renderer/src/lib/api/client'
import ReachFilterControl from '../../renderer/src/components/people/ReachFilterControl.svelte'
import { PAGE_SIZE, PeopleSearch } from '../../renderer/src/lib/state/people-search.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

afterEach(() => cleanup())

describe('ReachFilterControl', () => {
  it('turns the filter on with a channel, then narrows the answer; "Any channel" turns it off', async () => {
    const user = userEvent.setup()
    const onchange = vi.fn<(next: ReachFilter | null) => void>()
    const view = render(ReachFilterControl, { value: null, onchange })
    expect(screen.queryByLabelText('SMS answer')).toBeNull()
    await user.selectOptions(screen.getByLabelText('Reachability'), 'SMS')
    expect(onchange).toHaveBeenLastCalledWith({ channel: 'sms', answer: 'reachable' })

    await view.rerender({ value: { channel: 'sms', answer: 'reachable' }, onchange })
    const answer = screen.getByLabelText('SMS answer')
    expect([...(answer as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      'Reachable',
      'Not reachable (any reason)',
      'Not reachable: no address or token',
      'Not reachable: address or token invalid',
      'Not reachable: opted out',
      'Not reachable: do-not-disturb',
    ])
    await user.selectOptions(answer, 'Not reachable: opted out')
    expect(onchange).toHaveBeenLastCalledWith({ channel: 'sms', answer: 'optedout' })
    await user.selectOptions(screen.getByLabelText('Reachability'), 'Any channel')
    expect(onchange).toHaveBeenLastCalledWith(null)
  })
})

describe('PeopleSearch with a reachability filter', () => {
  let transport: FakeTransport
  beforeEach(() => {
    const empty: SearchResult = { items: [], total: 0, totalIsCapped: false }
    transport = new FakeTransport().handle('profiles.list', () => empty)
    api.attach(transport)
  })

  it('asks with filters.reach, and without it once cleared', async () => {
    const search = new PeopleSearch()
    search.setReach({ channel: 'mobilepush', answer: 'not-reachable' })
    await vi.waitFor(() => expect(transport.requestsOf('profiles.list')).toHaveLength(1))
    expect(transport.requestsOf('profiles.list')[0]).toEqual({
      sort: 'name',
      direction: 'asc',
      filters: { reach: { channel: 'mobilepush', answer: 'not-reachable' } },
      offset: 0,
      limit: PAGE_SIZE,
    })
    await vi.waitFor(() => expect(search.shownFiltered).toBe(true))
    search.setReach(null)
    await vi.waitFor(() => expect(transport.requestsOf('profiles.list')).toHaveLength(2))
    expect(transport.requestsOf('profiles.list')[1]?.filters).toEqual({})
    await vi.waitFor(() => expect(search.shownFiltered).toBe(false))
  })
})
