// The Electron window's security with `electron` mocked: secure webPreferences, navigation (of the window
// and of its frames) and new windows blocked, permissions denied, and IPC refused from any page but our
// renderer at app://profile-desk/index.html.
import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, FakeEvent, FakeWebContents, fakeElectron } from '../../test-support/fake-electron'

vi.mock('electron', async () => (await import('../../test-support/fake-electron')).fakeElectron.module)

const { createMainWindow } = await import('../../electron/main/window')
const { createSenderCheck, denyAllPermissions, guardWebContents } =
  await import('../../electron/main/security')
const { registerRpcHandler } = await import('../../electron/main/ipc')

const rendererDir = '/opt/profile-desk/out/renderer'
const renderer = { kind: 'app' as const, dir: rendererDir, url: 'app://profile-desk/index.html' }

beforeEach(() => {
  FakeBrowserWindow.instances = []
  fakeElectron.ipcHandlers.clear()
})

describe('the main window', () => {
  it('is created with isolated, sandboxed, Node-free webPreferences and our preload', () => {
    createMainWindow({ preloadPath: '/opt/profile-desk/out/preload/index.cjs', renderer })
    const window = FakeBrowserWindow.instances[0]
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/opt/profile-desk/out/preload/index.cjs',
    })
  })

  it('loads the renderer from app://profile-desk, or the dev server URL when given one', () => {
    createMainWindow({ preloadPath: 'p', renderer })
    expect(FakeBrowserWindow.instances[0]?.loadURL).toHaveBeenCalledWith('app://profile-desk/index.html')
    createMainWindow({ preloadPath: 'p', renderer: { kind: 'url', url: 'http://localhost:5173/' } })
    expect(FakeBrowserWindow.instances[1]?.loadURL).toHaveBeenCalledWith('http://localhost:5173/')
  })

  it('blocks navigation, redirects, webviews and window.open', () => {
    createMainWindow({ preloadPath: 'p', renderer })
    const contents = FakeBrowserWindow.instances[0]!.webContents
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' })).toBe(true)
    expect(contents.fire('will-redirect', { url: 'https://evil.example/' })).toBe(true)
    expect(contents.fire('will-attach-webview', {}, {})).toBe(true)
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
  })

  it('blocks will-frame-navigate, for the main frame and for any subframe, even to our own origin', () => {
    createMainWindow({ preloadPath: 'p', renderer })
    const contents = FakeBrowserWindow.instances[0]!.webContents
    // Electron 45 passes one event object that carries the details.
    const navigate = (details: { url: string; isMainFrame: boolean }): boolean => {
      const event = Object.assign(new FakeEvent(), details, { isSameDocument: false, frame: null })
      contents.emit('will-frame-navigate', event)
      return event.defaultPrevented
    }
    expect(navigate({ url: 'https://evil.example/', isMainFrame: false })).toBe(true)
    expect(navigate({ url: 'file:///etc/passwd', isMainFrame: false })).toBe(true)
    expect(navigate({ url: 'app://profile-desk/assets/index.js', isMainFrame: true })).toBe(true)
  })

  it('guards any web contents it is given', () => {
    const contents = new FakeWebContents()
    guardWebContents(contents as never)
    expect(contents.fire('will-navigate', { url: 'file:///etc/passwd' })).toBe(true)
    const frameNavigation = Object.assign(new FakeEvent(), {
      url: 'https://evil.example/',
      isMainFrame: false,
    })
    contents.emit('will-frame-navigate', frameNavigation)
    expect(frameNavigation.defaultPrevented).toBe(true)
    expect(contents.windowOpenHandler?.({ url: 'file:///' })).toEqual({ action: 'deny' })
  })
})

describe('permissions', () => {
  it('denies every permission request and check', () => {
    denyAllPermissions(fakeElectron.session as never)
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn()
      fakeElectron.session.requestHandler?.({}, permission, callback)
      expect(callback).toHaveBeenCalledWith(false)
      expect(fakeElectron.session.checkHandler?.({}, permission)).toBe(false)
    }
  })
})

describe('IPC senders', () => {
  const check = createSenderCheck(renderer)

  it('accepts only the top frame of our renderer page at app://profile-desk/index.html', () => {
    expect(check({ url: renderer.url, parent: null })).toBe(true)
    expect(check({ url: `${renderer.url}#/profile/abc`, parent: null })).toBe(true)
    expect(check({ url: `${renderer.url}?x=1`, parent: null })).toBe(true)
    // The old file:// page, another app:// host or page, and a look-alike scheme are all refused.
    expect(check({ url: pathToFileURL(`${rendererDir}/index.html`).href, parent: null })).toBe(false)
    expect(check({ url: 'app://evil/index.html', parent: null })).toBe(false)
    expect(check({ url: 'app://profile-desk/assets/other.html', parent: null })).toBe(false)
    expect(check({ url: 'apps://profile-desk/index.html', parent: null })).toBe(false)
    expect(check({ url: 'file:///tmp/evil/index.html', parent: null })).toBe(false)
    expect(check({ url: 'https://evil.example/', parent: null })).toBe(false)
    expect(check({ url: renderer.url, parent: {} })).toBe(false)
    expect(check({ url: 'not a url', parent: null })).toBe(false)
    expect(check(null)).toBe(false)
  })

  it('in development accepts the dev server origin only', () => {
    const dev = createSenderCheck({ kind: 'url', url: 'http://localhost:5173/' })
    expect(dev({ url: 'http://localhost:5173/#/people', parent: null })).toBe(true)
    expect(dev({ url: 'http://localhost:5174/', parent: null })).toBe(false)
  })

  it('refuses an rpc from a foreign page with an unauthorized envelope and never reaches the backend', async () => {
    const relay = vi.fn(async () => ({ ok: true as const, value: 'secret' }))
    registerRpcHandler(fakeElectron.module.ipcMain as never, relay, check)
    const handler = fakeElectron.ipcHandlers.get('rpc')!
    const foreign = await handler(
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      'app.info',
      {},
    )
    expect(foreign).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect(relay).not.toHaveBeenCalled()
    const ours = await handler({ senderFrame: { url: renderer.url, parent: null } }, 'app.info', {})
    expect(ours).toEqual({ ok: true, value: 'secret' })
    expect(relay).toHaveBeenCalledWith('app.info', {})
    const badChannel = await handler({ senderFrame: { url: renderer.url, parent: null } }, 42, {})
    expect(badChannel).toMatchObject({ ok: false, error: { code: 'validation' } })
  })
})
