// The built renderer's files, served alike by the web host (HTTP) and the Electron shell (app://): the
// lookup that never leaves the folder, content types, and the page's CSP sent as a response header.
import { readFileSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { Logger } from '../../core/platform/index'

/**
 * Used when the renderer's index.html carries no CSP meta tag. Styles allow 'unsafe-inline' because
 * Svelte and the virtual list set style attributes.
 */
export const DEFAULT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
}

/** The headers every response carrying the page or its files gets, whichever host sends it. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}

/** The CSP the renderer declares in its meta tag, so the header never contradicts the page. */
export function cspFromIndexHtml(html: string): string | null {
  const tag = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i.exec(html)?.[0]
  const match = tag ? /content=(?:"([^"]*)"|'([^']*)')/i.exec(tag) : null
  const content = match?.[1] ?? match?.[2]
  return content ? content.trim() : null
}

function withFrameAncestors(csp: string): string {
  // frame-ancestors is ignored in a meta tag; as a header it stops other pages framing the app.
  return /frame-ancestors/i.test(csp) ? csp : `${csp.replace(/;\s*$/, '')}; frame-ancestors 'none'`
}

/** The header CSP for the built renderer: its meta tag's policy plus frame-ancestors. */
export function rendererCsp(rendererDir: string, logger: Logger): string {
  try {
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8')
    return withFrameAncestors(cspFromIndexHtml(html) ?? DEFAULT_CSP)
  } catch {
    logger.warn(`No index.html in ${rendererDir}: the interface is not built (run \`npm run build\`).`)
    return DEFAULT_CSP
  }
}

export type RendererFileLookup =
  | { ok: true; path: string; size: number; contentType: string }
  | { ok: false; status: 400 | 403 | 404; message: string }

/**
 * Finds the file a URL path names inside the renderer folder. `urlPath` is the path as it came in
 * (still percent-encoded); `/` and any path ending in `/` mean its index.html. Anything that decodes
 * to a path outside the folder, or to a symlink leading out of it, is refused.
 */
export async function findRendererFile(rendererDir: string, urlPath: string): Promise<RendererFileLookup> {
  const root = resolve(rendererDir)
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return { ok: false, status: 400, message: 'Bad request.' }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) {
    return { ok: false, status: 400, message: 'Bad request.' }
  }
  const wanted = decoded.endsWith('/') ? `${decoded}index.html` : decoded
  const file = resolve(root, `.${wanted.startsWith('/') ? '' : '/'}${wanted}`)
  if (!isInside(root, file)) return { ok: false, status: 403, message: 'Forbidden.' }
  try {
    const real = await realpath(file)
    // A symlink inside the folder must not lead outside it either.
    if (!isInside(await realpath(root), real)) return { ok: false, status: 403, message: 'Forbidden.' }
    const info = await stat(real)
    if (!info.isFile()) throw new Error('not a file')
    return {
      ok: true,
      path: real,
      size: info.size,
      contentType: CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream',
    }
  } catch {
    if (wanted === '/index.html') {
      return {
        ok: false,
        status: 404,
        message: `Profile Desk's interface is not built yet (no index.html in ${root}). Run \`npm run build\`.`,
      }
    }
    return { ok: false, status: 404, message: 'Not found.' }
  }
}

export function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
