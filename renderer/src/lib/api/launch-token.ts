// The web host's per-launch token arrives in the page's fragment (`#token=…`, never sent to a server
// log). Take it out of the address bar at once, and keep it for this tab so a reload keeps working.

export const TOKEN_STORAGE_KEY = 'profile-desk.token'
const TOKEN_PARAM = /(^|[&?])token=([^&]*)/

export interface FragmentSplit {
  token: string | null
  /** The fragment without the token, e.g. '/profile/abc' or ''. */
  rest: string
}

/** Splits `token=…` out of a fragment (with or without its leading '#'), leaving any route in place. */
export function splitTokenFromFragment(fragment: string): FragmentSplit {
  const raw = fragment.startsWith('#') ? fragment.slice(1) : fragment
  const match = TOKEN_PARAM.exec(raw)
  if (!match) return { token: null, rest: raw }
  let token: string | null
  try {
    token = decodeURIComponent(match[2] ?? '')
  } catch {
    token = match[2] ?? ''
  }
  const before = raw.slice(0, match.index)
  const after = raw.slice(match.index + match[0].length).replace(/^&/, '')
  const rest = (after && before ? `${before}${match[1]}${after}` : before + after).replace(/[?&]$/, '')
  return { token: token || null, rest }
}

/** Reads the token from the address bar (then removes it) or from this tab's storage. */
export function takeLaunchToken(
  win: Pick<Window, 'location' | 'history' | 'sessionStorage'> = window,
): string | null {
  const { token, rest } = splitTokenFromFragment(win.location.hash)
  if (token) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, token)
    } catch {
      // storage can be disabled; the token still works until the tab is reloaded
    }
    const url = `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`
    win.history.replaceState(win.history.state, '', url)
    return token
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY)
  } catch {
    return null
  }
}

export function forgetLaunchToken(win: Pick<Window, 'sessionStorage'> = window): void {
  try {
    win.sessionStorage.removeItem(TOKEN_STORAGE_KEY)
  } catch {
    // nothing kept, nothing to forget
  }
}
