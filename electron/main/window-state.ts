// The window comes back as it was left: size, position (clamped to the screens that exist now), maximised
// state and the last page (its route), kept in window-state.json in Electron's profile folder.
import { readFileSync } from 'node:fs'
import type { BrowserWindow, Rectangle } from 'electron'
import { writePrivateFile } from '../backend/core/platform/index'

export interface WindowState {
  bounds: Rectangle
  maximized: boolean
  /** The fragment of the last page, e.g. '#/sync' (never a token). */
  route: string | null
}

export const DEFAULT_BOUNDS = { width: 1280, height: 820 }
const MIN = { width: 900, height: 600 }

export function loadWindowState(file: string): WindowState | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>
    const b = parsed.bounds
    if (!b || ![b.x, b.y, b.width, b.height].every((n) => Number.isFinite(n))) return null
    const route = typeof parsed.route === 'string' && /^#\/[^#]*$/.test(parsed.route) ? parsed.route : null
    return { bounds: b, maximized: parsed.maximized === true, route }
  } catch {
    return null
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  writePrivateFile(file, JSON.stringify(state))
}

/**
 * The saved bounds fitted to today's screens: on the screen it overlaps most (or the first one, when a
 * monitor it was on is gone), no larger than that screen's work area and wholly inside it.
 */
export function clampBounds(saved: Rectangle, workAreas: readonly Rectangle[]): Rectangle {
  const area = bestArea(saved, workAreas)
  if (!area) return saved
  const width = Math.max(Math.min(saved.width, area.width), Math.min(MIN.width, area.width))
  const height = Math.max(Math.min(saved.height, area.height), Math.min(MIN.height, area.height))
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width)
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height)
  return { x, y, width, height }
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return w > 0 && h > 0 ? w * h : 0
}

function bestArea(saved: Rectangle, areas: readonly Rectangle[]): Rectangle | undefined {
  let best: Rectangle | undefined
  let bestOverlap = 0
  for (const area of areas) {
    const o = overlap(saved, area)
    if (o > bestOverlap) {
      best = area
      bestOverlap = o
    }
  }
  return best ?? areas[0]
}

/** The fragment of a renderer URL, when it is a route (tokens and other fragments are not kept). */
export function routeOf(url: string): string | null {
  const hash = url.indexOf('#')
  if (hash === -1) return null
  const fragment = url.slice(hash)
  return /^#\/[^#]*$/.test(fragment) && !fragment.includes('token=') ? fragment : null
}

/** Saves the window's state when it moves, resizes, navigates within the page, or closes. */
export function trackWindowState(window: BrowserWindow, file: string, initial: WindowState | null): void {
  let state: WindowState = initial ?? {
    bounds: window.getBounds(),
    maximized: false,
    route: null,
  }
  const save = () => {
    if (window.isDestroyed()) return
    const maximized = window.isMaximized()
    // The normal bounds stay those from before maximising, so un-maximising after a restart works.
    state = { ...state, maximized, bounds: maximized ? state.bounds : window.getBounds() }
    saveWindowState(file, state)
  }
  window.on('resize', save)
  window.on('move', save)
  window.on('maximize', save)
  window.on('unmaximize', save)
  window.on('close', save)
  window.webContents.on('did-navigate-in-page', (_event: unknown, url: string) => {
    const route = routeOf(url)
    if (route === null) return
    state = { ...state, route }
    saveWindowState(file, state)
  })
}
