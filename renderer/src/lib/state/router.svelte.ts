// Hash routing (`#/people`, `#/profile/<id>`): a reload keeps the place and Back works, with no server
// routes needed in either host. Also moves focus to the new view's heading after a navigation.
import { HOME, hrefFor, parseRoute, type Route } from '../routing/routes'

export { HOME, hrefFor, parseRoute, type Route }

class Router {
  route = $state<Route>(HOME)
  /** Set by a navigation, consumed by the next view heading that mounts. */
  #focusPending = false

  /** Starts following the address bar; returns the stop function. */
  start(win: Window = window): () => void {
    this.route = parseRoute(win.location.hash) ?? HOME
    if (win.location.hash !== hrefFor(this.route) && this.route.view === 'people') {
      win.history.replaceState(win.history.state, '', hrefFor(this.route))
    }
    const onHashChange = () => {
      const next = parseRoute(win.location.hash)
      if (!next) return
      this.#focusPending = true
      this.route = next
    }
    win.addEventListener('hashchange', onHashChange)
    return () => win.removeEventListener('hashchange', onHashChange)
  }

  go(route: Route): void {
    window.location.hash = hrefFor(route)
  }

  /** An attachment for a view's h1 (with tabindex="-1"): focuses it when it arrives after a navigation. */
  focusOnArrival = (heading: HTMLElement): void => {
    if (!this.#focusPending) return
    this.#focusPending = false
    heading.focus()
  }
}

export const router = new Router()
