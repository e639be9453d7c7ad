// The Overview page's state: choosing a saved segment asks for that segment's numbers, a part by its filters.
import { beforeEach, describe, expect, it } from 'vitest'
import type { OverviewNumbers } from '../../shared/devices/types'
import { api } from '../../renderer/src/lib/api/client'
import { Overview, segmentOfPart, segmentPart } from '../../renderer/src/lib/state/overview.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

function numbers(total: number, segment: string | null): OverviewNumbers {
  return {
    segment,
    total,
    byType: [],
    test: [],
    ageHistogram: [],
    reachability: [],
    devicesByPlatform: [],
    activity: [],
    tookMs: 1,
  }
}

describe('Overview state with saved segments', () => {
  let transport: FakeTransport
  beforeEach(() => {
    transport = new FakeTransport().handle('overview.get', (req) =>
      req.segment && 'segmentId' in req.segment ? numbers(7, 'VIPs') : numbers(100, null),
    )
    api.attach(transport)
  })

  it('asks for the chosen segment, and for a part by its filters', async () => {
    const overview = new Overview()
    await overview.load(segmentPart('seg-1'))
    expect(transport.requestsOf('overview.get').at(-1)).toEqual({
      filters: {},
      segment: { segmentId: 'seg-1' },
    })
    expect(overview.numbers?.segment).toBe('VIPs')
    expect(overview.numbers?.total).toBe(7)
    expect(overview.part).toBe('segment:seg-1')

    await overview.load('identified')
    expect(transport.requestsOf('overview.get').at(-1)).toEqual({ filters: { type: 'Identified' } })
    expect(overview.numbers?.total).toBe(100)
    expect(segmentOfPart('identified')).toBeNull()
    expect(segmentOfPart(segmentPart('a:b'))).toBe('a:b')
  })
})
