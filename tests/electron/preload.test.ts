// The preload, with `electron` mocked: it exposes exactly { invoke, on } as window.profileDesk; invoke
// goes over the one `rpc` channel; listeners get payloads (never the IPC event) and can unsubscribe.
import { describe, expect, it, vi } from 'vitest'
import type { ProfileDeskBridge } from '../../shared/ipc/bridge'
import { fakeElectron } from '../../test-support/fake-electron'

vi.mock('electron', async () => (await import('../../test-support/fake-electron')).fakeElectron.module)

await import('../../electron/preload/index')

describe('preload', () => {
  const bridge = fakeElectron.exposed.get('profileDesk') as ProfileDeskBridge

  it('exposes exactly invoke and on, once, as profileDesk', () => {
    expect(fakeElectron.module.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect([...fakeElectron.exposed.keys()]).toEqual(['profileDesk'])
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on'])
  })

  it('invoke sends the channel and request over rpc and returns the envelope', async () => {
    fakeElectron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { profileCount: 3 } })
    const reply = await bridge.invoke('app.info', {})
    expect(fakeElectron.ipcRenderer.invoke).toHaveBeenCalledWith('rpc', 'app.info', {})
    expect(reply).toEqual({ ok: true, value: { profileCount: 3 } })
  })

  it('on delivers only the named event, without the IPC event object, until unsubscribed', () => {
    const listener = vi.fn()
    const off = bridge.on('job.progress', listener)
    const ipcEvent = { sender: 'secret' }
    fakeElectron.ipcRenderer.emit('event', ipcEvent, 'job.progress', { jobId: 'j', done: 1 })
    fakeElectron.ipcRenderer.emit('event', ipcEvent, 'profiles.changed', { ids: [] })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith({ jobId: 'j', done: 1 })
    off()
    fakeElectron.ipcRenderer.emit('event', ipcEvent, 'job.progress', { jobId: 'j', done: 2 })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(fakeElectron.ipcRenderer.listenerCount('event')).toBe(0)
  })
})
