// The app:// protocol handler on real files in a temporary renderer folder: the page and its assets with
// their content types and the CSP as a response header, and nothing outside the folder, however the
// path is spelt.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { rendererCsp } from '../../electron/backend/adapters/web-host/renderer-files'
import { APP_INDEX_URL, createAppProtocolHandler } from '../../electron/main/app-protocol'

const PAGE_CSP = "default-src 'self'; script-src 'self'; object-src 'none'"
const SECRET = 'outside the renderer folder'

let root: string
let rendererDir: string
let handle: (request: Request) => Promise<Response>

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-app-protocol-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(
    join(rendererDir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}" /></head><body>Profile Desk page</body></html>`,
  )
  writeFileSync(join(rendererDir, 'assets', 'index.js'), 'console.log("app")')
  writeFileSync(join(root, 'secret.txt'), SECRET)
  symlinkSync(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'))
  handle = createAppProtocolHandler(rendererDir, rendererCsp(rendererDir, silentLogger))
})

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

const get = (url: string, method = 'GET'): Promise<Response> => handle(new Request(url, { method }))

describe('the app:// protocol', () => {
  it('serves index.html with the page CSP (plus frame-ancestors) as a response header', async () => {
    const res = await get(APP_INDEX_URL)
    expect(APP_INDEX_URL).toBe('app://profile-desk/index.html')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(`${PAGE_CSP}; frame-ancestors 'none'`)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toContain('Profile Desk page')
    // The bare origin is the page too.
    expect(await (await get('app://profile-desk/')).text()).toContain('Profile Desk page')
  })

  it('serves assets with their content type, and answers HEAD without a body', async () => {
    const js = await get('app://profile-desk/assets/index.js?v=2')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log("app")')
    const head = await get('app://profile-desk/assets/index.js', 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String('console.log("app")'.length))
    expect(await head.text()).toBe('')
  })

  it('answers 404 for a missing file, a folder and another host, and 405 for other methods', async () => {
    expect((await get('app://profile-desk/missing.js')).status).toBe(404)
    expect((await get('app://profile-desk/assets')).status).toBe(404)
    expect((await get('app://someone-else/index.html')).status).toBe(404)
    const post = await get('app://profile-desk/index.html', 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('refuses path traversal, plain and encoded, backslashes, NUL and symlinks out of the folder', async () => {
    const attempts = [
      'app://profile-desk/../secret.txt',
      'app://profile-desk/%2e%2e/secret.txt',
      'app://profile-desk/..%2fsecret.txt',
      'app://profile-desk/assets/..%2f..%2fsecret.txt',
      'app://profile-desk/assets/%2E%2E%2F%2E%2E%2Fsecret.txt',
      'app://profile-desk/%2e%2e%5csecret.txt',
      'app://profile-desk/..%5c..%5csecret.txt',
      'app://profile-desk/assets/link.txt',
      'app://profile-desk/index.html%00.js',
      `app://profile-desk/${encodeURIComponent(join(root, 'secret.txt'))}`,
    ]
    for (const url of attempts) {
      const res = await get(url)
      expect([400, 403, 404], url).toContain(res.status)
      expect(await res.text(), url).not.toContain(SECRET)
    }
    // The encoded `..%2f` forms reach the lookup undecoded and are refused there, not merely missed.
    expect((await get('app://profile-desk/assets/..%2f..%2fsecret.txt')).status).toBe(403)
    expect((await get('app://profile-desk/index.html%00.js')).status).toBe(400)
  })

  it('says the interface is not built when the folder has no index.html', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'profile-desk-app-protocol-empty-'))
    try {
      const res = await createAppProtocolHandler(empty, "default-src 'none'")(new Request(APP_INDEX_URL))
      expect(res.status).toBe(404)
      expect(await res.text()).toMatch(/not built yet.*npm run build/)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
