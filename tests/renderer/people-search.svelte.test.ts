// Find People's search state: every keystroke asks at once (no debounce in front of a few-ms backend),
// and a reply to an older question that arrives late never replaces the answer to a newer one.
import { beforeEach, describe, expect, it } from 'vitest'
import { api } from '../../renderer/src/lib/api/client'
import { PeopleSearch } from '../../renderer/src/lib/state/people-search.svelte'
import { ControlledTransport } from './support/controlled-transport'

let transport: ControlledTransport

beforeEach(() => {
  transport = new ControlledTransport()
  api.attach(transport)
})

function page(names: string[]): unknown {
  return {
    items: names.map((name, index) => ({ id: index + 1, name })),
    total: names.length,
    totalIsCapped: false,
  }
}

describe('PeopleSearch', () => {
  it('asks the backend on the keystroke itself, with no timer in between', () => {
    const search = new PeopleSearch()
    search.setQuery('a')
    search.setQuery('an')
    // Both questions are on the wire synchronously: nothing waits for a debounce timer.
    expect(transport.calls.map((c) => [c.channel, (c.request as { query: string }).query])).toEqual([
      ['profiles.search', 'a'],
      ['profiles.search', 'an'],
    ])
  })

  it('drops a slow reply to an older query that arrives after the newer one', async () => {
    const search = new PeopleSearch()
    search.setQuery('a')
    search.setQuery('an')
    const [older, newer] = transport.calls
    newer!.resolve(page(['Ann']))
    await transport.settled()
    expect(search.items.map((p) => p.name)).toEqual(['Ann'])
    expect(search.shownQuery).toBe('an')
    older!.resolve(page(['Adam', 'Alba', 'Ann']))
    await transport.settled()
    expect(search.items.map((p) => p.name)).toEqual(['Ann'])
    expect(search.shownQuery).toBe('an')
    expect(search.loading).toBe(false)
  })

  it('an empty query lists by name instead of searching', () => {
    const search = new PeopleSearch()
    search.setQuery('  ')
    expect(transport.calls[0]?.channel).toBe('profiles.list')
  })
})
