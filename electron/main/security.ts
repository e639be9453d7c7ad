// Security guards for every web contents and session: no new windows, no navigation away from the app,
// no permissions, and IPC accepted only from our own renderer page.
import type { Session, WebContents } from 'electron'

/** Denies every permission request (camera, notifications, …) and every permission check. */
export function denyAllPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}

/**
 * The app is one page (routes live in the URL fragment, which never navigates): window.open, every
 * cross-document navigation of the window or of any frame in it (to app://profile-desk itself too),
 * redirects and <webview> are all refused.
 */
export function guardWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  // will-navigate covers the main frame only; an iframe (or a page framing one) navigates here.
  contents.on('will-frame-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/**
 * Where the renderer is loaded from: the built files served as app://profile-desk/index.html (`dir` is
 * the folder behind it), or (development only) the dev server.
 */
export type RendererLocation = { kind: 'app'; dir: string; url: string } | { kind: 'url'; url: string }

/** The frame fields the check needs (Electron's WebFrameMain has them). */
export interface SenderFrame {
  url: string
  parent: unknown
}

/**
 * Accepts IPC only from the top frame of our own renderer: the exact app://profile-desk/index.html
 * (any fragment or query) or, in development, the dev server's origin.
 */
export function createSenderCheck(
  renderer: RendererLocation,
): (frame: SenderFrame | null | undefined) => boolean {
  const expected = new URL(renderer.url)
  return (frame) => {
    if (!frame || frame.parent) return false
    let actual: URL
    try {
      actual = new URL(frame.url)
    } catch {
      return false
    }
    if (renderer.kind === 'url') return actual.origin === expected.origin
    // Node gives a custom scheme the opaque origin "null", so scheme, host and path are compared.
    return (
      actual.protocol === expected.protocol &&
      actual.host === expected.host &&
      actual.pathname === expected.pathname
    )
  }
}
