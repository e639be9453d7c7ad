// Find People while an import's new profiles wait for the substring index (issue 11): when the search
// reply says it is still indexing, the page says so in a notice (so fewer matches are never shown
// silently), and the notice goes once a reply no longer says it.
import { cleanup, render, screen, waitFor } from '@testing-library/svelte'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { SearchResult } from '../../shared/profile/search'
import type { ProfileSummary } from '../../shared/profile/types'
import { api } from '../../renderer/src/lib/api/client'
import { peopleSearch } from '../../renderer/src/lib/state/people-search.svelte'
import FindPeople from '../../renderer/src/views/FindPeople.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

const person: ProfileSummary = {
  id: 'p1',
  name: 'Pendleton Early',
  email: 'early@example.com',
  identity: null,
  phone: null,
  type: 'Identified',
  isTest: false,
  lastSeen: null,
}

let indexing = true
let transport: FakeTransport

beforeEach(() => {
  indexing = true
  transport = new FakeTransport()
    .handle('profiles.list', () => ({ items: [person], total: 1, totalIsCapped: false }))
    .handle('profiles.search', (): SearchResult => ({
      items: [person],
      total: 1,
      totalIsCapped: false,
      ...(indexing ? { stillIndexing: true } : {}),
    }))
    .handle('segments.list', () => ({ items: [] }))
  api.attach(transport)
})
afterEach(() => {
  cleanup()
  peopleSearch.query = ''
})

const notice = () => screen.queryByRole('status', { name: 'Still indexing' })

it('shows a still-indexing notice while the search reply says so, and drops it after', async () => {
  render(FindPeople)
  await waitFor(() => expect(transport.requestsOf('profiles.list')).toHaveLength(1))
  expect(notice()).toBeNull()

  await userEvent.type(screen.getByLabelText('Search profiles'), 'leton')
  await waitFor(() => expect(notice()).not.toBeNull())
  expect(notice()?.textContent).toContain('still being indexed')
  expect(screen.getByText('Pendleton Early')).toBeTruthy()

  indexing = false
  await userEvent.type(screen.getByLabelText('Search profiles'), 's')
  await waitFor(() =>
    expect(transport.requestsOf('profiles.search').at(-1)).toMatchObject({ query: 'letons' }),
  )
  await waitFor(() => expect(notice()).toBeNull())
})
