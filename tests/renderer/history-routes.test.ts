// The History screens' addresses: the list and one change set parse and print back; anything else under
// #/history is "not found". Every menu command that opens a screen (shared/app/commands.ts, read by the
// desktop menus and the browser's menu) names a route that exists, History included.
import { describe, expect, it } from 'vitest'
import { APP_COMMANDS } from '../../shared/app/commands'
import { hrefFor, parseRoute, type Route } from '../../renderer/src/lib/routing/routes'

describe('history routes', () => {
  it('round-trips the list and a change set', () => {
    const routes: Route[] = [{ view: 'history' }, { view: 'change-set', id: 42 }]
    for (const route of routes) expect(parseRoute(hrefFor(route))).toEqual(route)
    expect(hrefFor({ view: 'change-set', id: 7 })).toBe('#/history/7')
  })

  it('refuses other addresses under #/history', () => {
    for (const path of ['/history/0', '/history/x', '/history/7/more', '/history/1.5']) {
      expect(parseRoute(`#${path}`)).toEqual({ view: 'not-found', path })
    }
  })

  it('every menu command that opens a screen opens one that exists', () => {
    const routed = APP_COMMANDS.filter((command) => 'route' in command)
    expect(routed.map((command) => command.id)).toContain('history')
    for (const command of routed) {
      const route = parseRoute(`#${(command as { route: string }).route}`)
      expect(route?.view, command.id).not.toBe('not-found')
    }
  })
})
