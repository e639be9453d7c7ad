// The web host's token arrives in the page's fragment: it leaves the address bar at once, survives a
// reload of the tab, and any route that came with it is kept for the router.
import { describe, expect, it } from 'vitest'
import {
  splitTokenFromFragment,
  takeLaunchToken,
  TOKEN_STORAGE_KEY,
} from '../../renderer/src/lib/api/launch-token'
import { hrefFor, parseRoute } from '../../renderer/src/lib/routing/routes'

/** A tab: its address bar (what history.replaceState writes) and its sessionStorage. */
function tab(address: string) {
  const url = new URL(address)
  const storage = new Map<string, string>()
  const win = {
    location: url as unknown as Location,
    history: {
      state: null,
      replaceState: (_state: unknown, _title: string, next: string) => {
        const target = new URL(next, url)
        url.pathname = target.pathname
        url.search = target.search
        url.hash = target.hash
      },
    } as unknown as History,
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    } as unknown as Storage,
  }
  return { win, url, storage, navigate: (to: string) => (url.href = new URL(to, url).href) }
}

describe('the launch token', () => {
  it('is taken from the fragment, removed from the address bar and kept for a reload', () => {
    const { win, url, storage, navigate } = tab('http://127.0.0.1:4000/#token=s3cr3t-Token_x')
    expect(takeLaunchToken(win)).toBe('s3cr3t-Token_x')
    expect(url.href).toBe('http://127.0.0.1:4000/')
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cr3t-Token_x')

    navigate('http://127.0.0.1:4000/#/people')
    expect(takeLaunchToken(win)).toBe('s3cr3t-Token_x')
    expect(url.hash).toBe('#/people')
  })

  it('leaves the route that came with it in place', () => {
    const { win, url } = tab('http://127.0.0.1:4000/#/profile/abc123&token=t0k')
    expect(takeLaunchToken(win)).toBe('t0k')
    expect(url.hash).toBe('#/profile/abc123')
    expect(parseRoute(url.hash)).toEqual({ view: 'profile', id: 'abc123' })
  })

  it('is absent when the page was opened without one', () => {
    const { win } = tab('http://127.0.0.1:4000/')
    expect(takeLaunchToken(win)).toBeNull()
    expect(splitTokenFromFragment('#/people')).toEqual({ token: null, rest: '/people' })
  })
})

describe('routes', () => {
  it('round-trip profile ids that need escaping', () => {
    for (const id of ['plain', 'with/slash', 'ünïcödé id', '%41#?&']) {
      expect(parseRoute(hrefFor({ view: 'profile', id }))).toEqual({ view: 'profile', id })
    }
  })

  it('send an empty fragment to Find People and keep in-page anchors out of routing', () => {
    expect(parseRoute('')).toEqual({ view: 'people' })
    expect(parseRoute('#main-content')).toBeNull()
    expect(parseRoute('#/nowhere')).toEqual({ view: 'not-found', path: '/nowhere' })
  })
})
