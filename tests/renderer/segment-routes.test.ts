// The segment screens' addresses: list, new, edit and members parse and print back; anything else under
// #/segments is "not found", never a segment id with slashes or dots in it.
import { describe, expect, it } from 'vitest'
import { hrefFor, parseRoute, type Route } from '../../renderer/src/lib/routing/routes'

describe('segment routes', () => {
  it('round-trips list, new, edit and members', () => {
    const routes: Route[] = [
      { view: 'segments' },
      { view: 'segment', id: null },
      { view: 'segment', id: 'c5c5d9b8-1889-4b17-b702-9f14ee14637a' },
      { view: 'segment-members', id: 'c5c5d9b8-1889-4b17-b702-9f14ee14637a' },
    ]
    for (const route of routes) expect(parseRoute(hrefFor(route))).toEqual(route)
    expect(hrefFor({ view: 'segment', id: null })).toBe('#/segments/new')
  })

  it('refuses other addresses under #/segments', () => {
    expect(parseRoute('#/segments/a.b')).toEqual({ view: 'not-found', path: '/segments/a.b' })
    expect(parseRoute('#/segments/x/other')).toEqual({ view: 'not-found', path: '/segments/x/other' })
  })
})
