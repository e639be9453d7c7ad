// The app's addresses: which view a URL fragment names, and the fragment for a view.

export type Route = { view: 'people' } | { view: 'profile'; id: string } | { view: 'not-found'; path: string }

export const HOME: Route = { view: 'people' }

/** The route a fragment names; null for fragments that are not routes (e.g. an in-page '#main'). */
export function parseRoute(hash: string): Route | null {
  const path = hash.startsWith('#') ? hash.slice(1) : hash
  if (path === '' || path === '/') return HOME
  if (!path.startsWith('/')) return null
  const [, section, ...rest] = path.split('/')
  if (section === 'people' && rest.length === 0) return HOME
  if (section === 'profile' && rest.length === 1 && rest[0]) {
    try {
      return { view: 'profile', id: decodeURIComponent(rest[0]) }
    } catch {
      return { view: 'not-found', path }
    }
  }
  return { view: 'not-found', path }
}

export function hrefFor(route: Route): string {
  switch (route.view) {
    case 'people':
      return '#/people'
    case 'profile':
      return `#/profile/${encodeURIComponent(route.id)}`
    case 'not-found':
      return `#${route.path}`
  }
}
