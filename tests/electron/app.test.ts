// The Electron app wired together, with `electron` mocked: the data folder from --data-dir, the
// backend forked with it, a secure window on the built renderer at app://profile-desk, rpc relayed to
// the utility process and back, pushed events sent to the window, and the backend shut down before the
// app quits.
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { FakeBrowserWindow, FakeEvent, fakeElectron } from '../../test-support/fake-electron'

vi.mock('electron', async () => (await import('../../test-support/fake-electron')).fakeElectron.module)

const { startApp } = await import('../../electron/main/app')

describe('startApp', () => {
  it('runs the whole Electron side with a mocked runtime', async () => {
    const running = startApp({
      argv: ['/usr/bin/electron', '.', '--data-dir', '/srv/desk-data'],
      env: {},
      mainDir: '/opt/app/out/main',
      logger: silentLogger,
    })
    expect(running.dataDir).toBe('/srv/desk-data')
    // app:// is registered as a standard, secure scheme before the app is ready (Electron requires
    // that); the handler itself is installed once it is.
    expect(fakeElectron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ])
    expect(fakeElectron.protocol.handle).not.toHaveBeenCalled()
    expect(running.renderer).toEqual({
      kind: 'app',
      dir: '/opt/app/out/renderer',
      url: 'app://profile-desk/index.html',
    })
    expect(fakeElectron.app.enableSandbox).toHaveBeenCalled()
    expect(fakeElectron.app.setPath).toHaveBeenCalledWith('userData', '/srv/desk-data/electron')
    const ready = await running.ready
    expect(ready).not.toBeNull()
    expect(fakeElectron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))

    // Permissions are denied for the default session.
    const callback = vi.fn()
    fakeElectron.session.requestHandler?.({}, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)

    // The backend runs in a utility process with the same data folder.
    const child = fakeElectron.forks[0]!
    expect(child.modulePath).toBe('/opt/app/out/main/backend-process.js')
    expect(child.args).toEqual(['--data-dir', '/srv/desk-data'])

    // One secure window on the built renderer, with the preload beside it.
    const window = FakeBrowserWindow.instances[0]!
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: '/opt/app/out/preload/index.cjs',
    })
    expect(window.loadURL).toHaveBeenCalledWith('app://profile-desk/index.html')

    // Every web contents created later is guarded too.
    const other = new (await import('../../test-support/fake-electron')).FakeWebContents()
    fakeElectron.app.emit('web-contents-created', new FakeEvent(), other)
    expect(other.fire('will-navigate', { url: 'https://evil.example' })).toBe(true)

    // An rpc from our page is relayed to the utility process and its reply returned.
    child.onPost = (message) => {
      const m = message as { type: string; id: number; channel: string }
      if (m.type === 'rpc') {
        queueMicrotask(() =>
          child.reply({ type: 'reply', id: m.id, envelope: { ok: true, value: { channel: m.channel } } }),
        )
      }
    }
    const rpc = fakeElectron.ipcHandlers.get('rpc')!
    const reply = await rpc(
      { senderFrame: { url: 'app://profile-desk/index.html#/people', parent: null } },
      'app.info',
      {},
    )
    expect(reply).toEqual({ ok: true, value: { channel: 'app.info' } })
    expect(child.posted).toContainEqual(
      expect.objectContaining({ type: 'rpc', channel: 'app.info', request: {} }),
    )

    // A foreign frame, or the built file opened as file://, is refused before anything reaches the backend.
    const postedBefore = child.posted.length
    for (const url of ['https://evil.example/', pathToFileURL('/opt/app/out/renderer/index.html').href]) {
      const refused = await rpc({ senderFrame: { url, parent: null } }, 'app.info', {})
      expect(refused, url).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    }
    expect(child.posted).toHaveLength(postedBefore)

    // Events from the backend reach the window.
    child.reply({ type: 'event', name: 'profiles.changed', payload: { ids: ['x'] } })
    expect(window.webContents.send).toHaveBeenCalledWith('event', 'profiles.changed', { ids: ['x'] })

    // Quitting waits for the backend to close its database.
    child.onPost = (message) => {
      if ((message as { type: string }).type === 'shutdown') queueMicrotask(() => child.emit('exit', 0))
    }
    const beforeQuit = new FakeEvent()
    fakeElectron.app.emit('before-quit', beforeQuit)
    expect(beforeQuit.defaultPrevented).toBe(true)
    expect(child.posted).toContainEqual({ type: 'shutdown' })
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled())
    const again = new FakeEvent()
    fakeElectron.app.emit('before-quit', again)
    expect(again.defaultPrevented).toBe(false)
  })
})
