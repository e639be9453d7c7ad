// A segment's member list on the shared PagedList: the first page, the next appended, and a sort change
// whose reply wins over an older page still in flight.
import { beforeEach, describe, expect, it } from 'vitest'
import type { SegmentMemberRow, SegmentMembersPage } from '../../shared/segments/types'
import { api } from '../../renderer/src/lib/api/client'
import { MEMBERS_PAGE_SIZE, SegmentMembers } from '../../renderer/src/lib/state/segment-members.svelte'
import { FakeTransport, type Deferred } from '../../test-support/fake-transport'

let transport: FakeTransport
let pages: Deferred<SegmentMembersPage>[]

const page = (from: number, count: number, total: number): SegmentMembersPage => ({
  items: Array.from({ length: count }, (_, i) => ({ id: `p${from + i}` }) as unknown as SegmentMemberRow),
  total,
  columns: [],
  sort: 'name',
})

beforeEach(() => {
  transport = new FakeTransport()
  pages = transport.hold('segments.members')
  api.attach(transport)
})

describe('SegmentMembers', () => {
  it('loads a page, appends the next, and lets a newer sort win over an older reply', async () => {
    const members = new SegmentMembers('seg-1')
    void members.refresh()
    pages[0]!.resolve(page(0, MEMBERS_PAGE_SIZE, 150))
    await transport.settled()
    expect(members.items).toHaveLength(MEMBERS_PAGE_SIZE)
    expect(members.total).toBe(150)
    expect(members.exhausted).toBe(false)
    void members.loadMore()
    expect(transport.requestsOf('segments.members')[1]).toMatchObject({
      offset: MEMBERS_PAGE_SIZE,
      sort: 'name',
    })
    pages[1]!.resolve(page(MEMBERS_PAGE_SIZE, 50, 150))
    await transport.settled()
    expect(members.items.map((r) => r.id).slice(-1)).toEqual(['p149'])
    expect(members.exhausted).toBe(true)
    // Two reloads in flight: the later (by last seen, descending) answers first; the older reply is dropped.
    members.setSort('created', 'asc')
    members.setSort('lastSeen', 'desc')
    expect(transport.requestsOf('segments.members').slice(2)).toMatchObject([
      { sort: 'created', direction: 'asc', offset: 0 },
      { sort: 'lastSeen', direction: 'desc', offset: 0 },
    ])
    pages[3]!.resolve(page(500, 2, 2))
    await transport.settled()
    pages[2]!.resolve(page(900, 3, 3))
    await transport.settled()
    expect(members.items.map((r) => r.id)).toEqual(['p500', 'p501'])
    expect(members.total).toBe(2)
    expect(members.loading).toBe(false)
  })
})
