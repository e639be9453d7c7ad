// The app's addresses: which view a URL fragment names, and the fragment for a view.

export type Route =
  | { view: 'people' }
  | { view: 'profile'; id: string }
  | { view: 'sync' }
  | { view: 'settings' }
  /** The profiles excluded from all control groups. */
  | { view: 'control-groups' }
  | { view: 'import' }
  | { view: 'imports' }
  | { view: 'sources' }
  /** An SFTP source's editor; null: a new source. */
  | { view: 'source'; id: number | null }
  | { view: 'source-history'; id: number }
  /** The audience at a glance. */
  | { view: 'overview' }
  /** Duplicate Platform ID: tokens and phones held by several profiles. */
  | { view: 'duplicates' }
  | { view: 'segments' }
  /** The segment builder; null: a new segment. */
  | { view: 'segment'; id: string | null }
  | { view: 'segment-members'; id: string }
  /** Backups: make one, download one (browser), restore one; the daily backup's settings. */
  | { view: 'backups' }
  /** Change sets (edits, bulk actions, imports, pulls, undos), filterable; one opens with its entries. */
  | { view: 'history' }
  | { view: 'change-set'; id: number }
  /** Version, data folder, database size. */
  | { view: 'about' }
  | { view: 'not-found'; path: string }

export const HOME: Route = { view: 'people' }

/** The route a fragment names; null for fragments that are not routes (e.g. an in-page '#main'). */
export function parseRoute(hash: string): Route | null {
  const path = hash.startsWith('#') ? hash.slice(1) : hash
  if (path === '' || path === '/') return HOME
  if (!path.startsWith('/')) return null
  const [, section, ...rest] = path.split('/')
  if (section === 'people' && rest.length === 0) return HOME
  if (section === 'sync' && rest.length === 0) return { view: 'sync' }
  if (section === 'settings' && rest.length === 0) return { view: 'settings' }
  if (section === 'control-groups' && rest.length === 0) return { view: 'control-groups' }
  if (section === 'import' && rest.length === 0) return { view: 'import' }
  if (section === 'overview' && rest.length === 0) return { view: 'overview' }
  if (section === 'duplicates' && rest.length === 0) return { view: 'duplicates' }
  if (section === 'imports' && rest.length === 0) return { view: 'imports' }
  if (section === 'backups' && rest.length === 0) return { view: 'backups' }
  if (section === 'about' && rest.length === 0) return { view: 'about' }
  if (section === 'history') {
    if (rest.length === 0) return { view: 'history' }
    const id = rest.length === 1 && /^[1-9]\d{0,14}$/.test(rest[0] ?? '') ? Number(rest[0]) : null
    return id === null ? { view: 'not-found', path } : { view: 'change-set', id }
  }
  if (section === 'sources') {
    if (rest.length === 0) return { view: 'sources' }
    if (rest.length === 1 && rest[0] === 'new') return { view: 'source', id: null }
    const id = /^[1-9]\d{0,14}$/.test(rest[0] ?? '') ? Number(rest[0]) : null
    if (id !== null && rest.length === 1) return { view: 'source', id }
    if (id !== null && rest.length === 2 && rest[1] === 'history') return { view: 'source-history', id }
    return { view: 'not-found', path }
  }
  if (section === 'segments') return segmentRoute(rest, path)
  if (section === 'profile' && rest.length === 1 && rest[0]) {
    try {
      return { view: 'profile', id: decodeURIComponent(rest[0]) }
    } catch {
      return { view: 'not-found', path }
    }
  }
  return { view: 'not-found', path }
}

/** Segment ids are the backend's own (letters, digits, dashes): anything else is no segment address. */
function segmentRoute(rest: string[], path: string): Route {
  if (rest.length === 0) return { view: 'segments' }
  const [id, more] = rest
  if (rest.length === 1 && id === 'new') return { view: 'segment', id: null }
  if (!id || !/^[\w-]{1,64}$/.test(id)) return { view: 'not-found', path }
  if (rest.length === 1) return { view: 'segment', id }
  if (rest.length === 2 && more === 'members') return { view: 'segment-members', id }
  return { view: 'not-found', path }
}

export function hrefFor(route: Route): string {
  switch (route.view) {
    case 'people':
      return '#/people'
    case 'profile':
      return `#/profile/${encodeURIComponent(route.id)}`
    case 'sync':
      return '#/sync'
    case 'settings':
      return '#/settings'
    case 'control-groups':
      return '#/control-groups'
    case 'import':
      return '#/import'
    case 'imports':
      return '#/imports'
    case 'sources':
      return '#/sources'
    case 'backups':
      return '#/backups'
    case 'about':
      return '#/about'
    case 'history':
      return '#/history'
    case 'change-set':
      return `#/history/${route.id}`
    case 'source':
      return route.id === null ? '#/sources/new' : `#/sources/${route.id}`
    case 'source-history':
      return `#/sources/${route.id}/history`
    case 'overview':
      return '#/overview'
    case 'duplicates':
      return '#/duplicates'
    case 'segments':
      return '#/segments'
    case 'segment':
      return route.id === null ? '#/segments/new' : `#/segments/${route.id}`
    case 'segment-members':
      return `#/segments/${route.id}/members`
    case 'not-found':
      return `#${route.path}`
  }
}
