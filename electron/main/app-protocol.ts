// The renderer's own origin, app://profile-desk: the built files served by a protocol handler with the
// CSP as a response header, instead of file:// (which gives a page extra privileges and no headers).
import { readFile } from 'node:fs/promises'
import type { Protocol } from 'electron'
import { findRendererFile, securityHeaders } from '../backend/adapters/web-host/renderer-files'

export const APP_SCHEME = 'app'
export const APP_HOST = 'profile-desk'
/** The page the window loads. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/**
 * Must run before the app is ready. `standard` gives the scheme an origin (relative URLs, storage,
 * CSP 'self'); `secure` makes it a secure context like https. Fetch and CORS stay off: nothing reads
 * app:// but the page itself, and no other origin may.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }])
}

/** Answers app:// requests from the renderer folder; anything that would leave it is refused. */
export function createAppProtocolHandler(
  rendererDir: string,
  csp: string,
): (request: Request) => Promise<Response> {
  const headers = securityHeaders(csp)
  const refuse = (status: number, message: string, extra: Record<string, string> = {}): Response =>
    new Response(message, {
      status,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
    })
  return async (request) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return refuse(400, 'Bad request.')
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST)
      return refuse(404, 'Not found.')
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return refuse(405, 'Method not allowed.', { Allow: 'GET, HEAD' })
    }
    const found = await findRendererFile(rendererDir, url.pathname)
    if (!found.ok) return refuse(found.status, found.message)
    // The built files are small (the largest script is a few hundred KB), so each is read whole.
    const body = request.method === 'HEAD' ? null : await readFile(found.path)
    return new Response(body, {
      status: 200,
      headers: {
        ...headers,
        'Content-Type': found.contentType,
        'Content-Length': String(found.size),
        'Cache-Control': 'no-cache',
      },
    })
  }
}

/** Serves app:// from the built renderer; call once the app is ready. */
export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, csp))
}
