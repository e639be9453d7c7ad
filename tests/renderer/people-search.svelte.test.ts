// PeopleSearch, Find People's state: an empty query lists everyone by name, a query searches; typing
// waits for a pause, only the latest question's answer is shown, and "show more" asks the shown question
// further until a short page ends a capped count. Also SftpHistory, whose "show more" had no stale guard.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SearchResult } from '../../shared/profile/search'
import type { ProfileSummary } from '../../shared/profile/types'
import type { SftpRunInfo, SftpSourceView } from '../../shared/sftp/types'
import { api } from '../../renderer/src/lib/api/client'
import {
  PAGE_SIZE,
  PeopleSearch,
  SEARCH_DEBOUNCE_MS,
} from '../../renderer/src/lib/state/people-search.svelte'
import { SftpHistory } from '../../renderer/src/lib/state/sftp-history.svelte'
import { deferred, FakeTransport, type Deferred } from '../support/fake-transport'

function person(index: number): ProfileSummary {
  return {
    id: `p${index}`,
    name: `Person ${index}`,
    email: null,
    identity: null,
    phone: null,
    type: 'Identified',
    isTest: false,
    lastSeen: null,
  }
}

/** Profiles from..to (inclusive) as one reply. */
function people(from: number, to: number, total: number, totalIsCapped = false): SearchResult {
  return { items: Array.from({ length: to - from + 1 }, (_, i) => person(from + i)), total, totalIsCapped }
}

let transport: FakeTransport
/** The search replies not yet sent, in the order asked. */
let searches: Deferred<SearchResult>[]

beforeEach(() => {
  searches = []
  transport = new FakeTransport()
    .handle('profiles.list', ({ offset = 0 }) => people(offset + 1, offset + PAGE_SIZE, 120))
    .handle('profiles.search', () => {
      const reply = deferred<SearchResult>()
      searches.push(reply)
      return reply.promise
    })
  api.attach(transport)
})

afterEach(() => vi.useRealTimers())

async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve()
}

describe('PeopleSearch', () => {
  it('lists everyone by name for an empty query, filtered as chosen', async () => {
    const search = new PeopleSearch()
    search.testOnly = true
    search.type = 'Anonymous'
    await search.refresh()
    expect(transport.requestsOf('profiles.list')).toEqual([
      {
        sort: 'name',
        direction: 'asc',
        filters: { type: 'Anonymous', test: true },
        offset: 0,
        limit: PAGE_SIZE,
      },
    ])
    expect(search.items).toHaveLength(PAGE_SIZE)
    expect(search.total).toBe(120)
    expect(search.shownQuery).toBe('')
    expect(search.shownFiltered).toBe(true)
    expect(search.isEmptyDatabase).toBe(false)
  })

  it('searches once typing pauses, and shows only the answer to the latest query', async () => {
    vi.useFakeTimers()
    const search = new PeopleSearch()
    search.setQuery('an')
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1)
    expect(searches).toHaveLength(0)
    search.setQuery('ann')
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS)
    expect(transport.requestsOf('profiles.search').map((request) => request.query)).toEqual(['ann'])

    const latest = search.refresh()
    search.query = 'bea'
    const newest = search.refresh()
    await settle()
    expect(searches).toHaveLength(3)
    searches[2]!.resolve(people(7, 7, 1))
    await newest
    searches[0]!.resolve(people(1, 3, 3))
    searches[1]!.resolve(people(4, 5, 2))
    await latest
    await settle()
    expect(search.items.map((item) => item.id)).toEqual(['p7'])
    expect(search.shownQuery).toBe('bea')
    expect(search.loading).toBe(false)
  })

  it('asks the shown question further, and stops at a short page of a capped count', async () => {
    const search = new PeopleSearch()
    search.query = 'a'
    const first = search.refresh()
    await settle()
    searches[0]!.resolve(people(1, PAGE_SIZE, 1000, true))
    await first
    expect(search.totalIsCapped).toBe(true)
    expect(search.hasMore).toBe(true)
    search.query = 'a draft not searched yet'
    const more = search.loadMore()
    await settle()
    expect(transport.requestsOf('profiles.search')[1]).toMatchObject({ query: 'a', offset: PAGE_SIZE })
    searches[1]!.resolve(people(PAGE_SIZE + 1, PAGE_SIZE + 2, 1000, true))
    await more
    expect(search.items).toHaveLength(PAGE_SIZE + 2)
    expect(search.hasMore).toBe(false)
  })

  it('keeps the last answer and shows the error when a search fails', async () => {
    const search = new PeopleSearch()
    await search.refresh()
    search.query = 'x'
    const failing = search.refresh()
    await settle()
    searches[0]!.reject(new Error('socket closed'))
    await failing
    expect(search.error?.message).toBe(
      'The Profile Desk backend cannot be reached. Check that it is still running, then try again.',
    )
    expect(search.items).toHaveLength(PAGE_SIZE)
    expect(search.shownQuery).toBe('')
  })
})

function run(id: number): SftpRunInfo {
  return { id } as SftpRunInfo
}

describe('SftpHistory', () => {
  it('drops a "show more" reply that a reload overtook', async () => {
    const pages: Deferred<{ items: SftpRunInfo[]; total: number }>[] = []
    transport
      .handle('sftp.sources.get', ({ id }) => ({ id, name: 'Nightly drop' }) as SftpSourceView)
      .handle('sftp.runs.list', () => {
        const reply = deferred<{ items: SftpRunInfo[]; total: number }>()
        pages.push(reply)
        return reply.promise
      })
    const history = new SftpHistory(4)
    const loading = history.reload()
    await settle()
    pages[0]!.resolve({ items: [run(30), run(29)], total: 30 })
    await loading
    const more = history.runs.loadMore()
    const reloading = history.reload()
    await settle()
    pages[2]!.resolve({ items: [run(31), run(30), run(29)], total: 31 })
    await reloading
    pages[1]!.resolve({ items: [run(5), run(4)], total: 30 })
    await more
    expect(history.runs.items.map((item) => item.id)).toEqual([31, 30, 29])
    expect(history.source?.name).toBe('Nightly drop')
  })
})
