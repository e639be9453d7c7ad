// The native "open file" dialog, with `electron` mocked: main answers `dialog.openFile` itself (modal to
// the app window, one file, the page's filters), never relays it to the backend, and relays everything else.
import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../electron/backend/logger'
import { FakeBrowserWindow, fakeElectron } from './fake-electron'

const showOpenDialog = vi.hoisted(() => vi.fn())

vi.mock('electron', async () => ({
  ...(await import('./fake-electron')).fakeElectron.module,
  dialog: { showOpenDialog },
}))

const { startApp } = await import('../../electron/main/app')

const PAGE = { url: 'app://profile-desk/index.html', parent: null }
const CSV_FILTERS = [{ name: 'CSV files', extensions: ['csv', 'txt'] }]

describe('dialog.openFile in the Electron main process', () => {
  it('shows the native dialog modal to the window and never bothers the backend', async () => {
    const running = startApp({
      argv: ['electron', '.'],
      env: {},
      mainDir: '/opt/app/out/main',
      logger: silentLogger,
    })
    await running.ready
    const child = fakeElectron.forks[0]!
    const window = FakeBrowserWindow.instances[0]!
    const rpc = fakeElectron.ipcHandlers.get('rpc')!

    showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/ana/exports/crm.csv'] })
    const chosen = await rpc({ senderFrame: PAGE }, 'dialog.openFile', {
      title: 'Choose a CSV file',
      filters: CSV_FILTERS,
    })
    expect(chosen).toEqual({ ok: true, value: { path: '/home/ana/exports/crm.csv', available: true } })
    expect(showOpenDialog).toHaveBeenCalledWith(window, {
      title: 'Choose a CSV file',
      filters: CSV_FILTERS,
      properties: ['openFile'],
    })

    // Cancelling the dialog is not an error: no path.
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    const cancelled = await rpc({ senderFrame: PAGE }, 'dialog.openFile', { title: 'Choose a CSV file' })
    expect(cancelled).toEqual({ ok: true, value: { path: null, available: true } })

    // A malformed request is refused at the boundary, without a dialog.
    showOpenDialog.mockClear()
    const invalid = await rpc({ senderFrame: PAGE }, 'dialog.openFile', { title: '' })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect(showOpenDialog).not.toHaveBeenCalled()

    // A dialog that fails says so as an envelope, not a thrown error.
    showOpenDialog.mockRejectedValueOnce(new Error('no display'))
    const failed = await rpc({ senderFrame: PAGE }, 'dialog.openFile', { title: 'Choose a CSV file' })
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('no display') },
    })

    // None of that reached the backend process; other channels still do.
    expect(child.posted.some((m) => (m as { channel?: string }).channel === 'dialog.openFile')).toBe(false)
    child.onPost = (message) => {
      const m = message as { type: string; id: number }
      if (m.type === 'rpc')
        queueMicrotask(() => child.reply({ type: 'reply', id: m.id, envelope: { ok: true, value: 7 } }))
    }
    expect(await rpc({ senderFrame: PAGE }, 'app.info', {})).toEqual({ ok: true, value: 7 })

    // A foreign page cannot open dialogs either.
    showOpenDialog.mockClear()
    const refused = await rpc(
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      'dialog.openFile',
      {
        title: 'x',
      },
    )
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect(showOpenDialog).not.toHaveBeenCalled()
  })
})
