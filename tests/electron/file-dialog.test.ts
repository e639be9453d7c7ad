// The native "open file" dialog, with `electron` mocked: main answers `dialog.openFile` itself (modal to
// the app window, one file, the page's filters), registers the chosen path with the backend by a message
// only main can send, hands the page the handle and never the path, and relays everything else.
import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { FakeBrowserWindow, fakeElectron } from '../../test-support/fake-electron'

const showOpenDialog = vi.hoisted(() => vi.fn())

vi.mock('electron', async () => ({
  ...(await import('../../test-support/fake-electron')).fakeElectron.module,
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

    // The backend answers a grant with the file's handle (or a refusal for a file in its data folder).
    const HANDLE = '5f0c2a9e-1b7d-4c3e-9a8f-6d2e4b1c0a97'
    child.onPost = (message) => {
      const m = message as { type: string; id: number; path?: string }
      if (m.type !== 'grant-file') return
      const envelope = m.path?.includes('/profile-desk/')
        ? {
            ok: false,
            error: { code: 'validation', message: "crm.csv is inside Profile Desk's own data folder" },
          }
        : { ok: true, value: { handle: HANDLE, name: 'crm.csv', bytes: 120 } }
      queueMicrotask(() => child.reply({ type: 'reply', id: m.id, envelope }))
    }
    showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/ana/exports/crm.csv'] })
    const chosen = await rpc({ senderFrame: PAGE }, 'dialog.openFile', {
      title: 'Choose a CSV file',
      filters: CSV_FILTERS,
    })
    expect(chosen).toEqual({
      ok: true,
      value: { file: { handle: HANDLE, name: 'crm.csv', bytes: 120 }, available: true },
    })
    expect(JSON.stringify(chosen)).not.toContain('/home/ana')
    expect(child.posted).toContainEqual({
      type: 'grant-file',
      id: expect.any(Number),
      path: '/home/ana/exports/crm.csv',
      source: 'dialog',
    })
    expect(showOpenDialog).toHaveBeenCalledWith(window, {
      title: 'Choose a CSV file',
      filters: CSV_FILTERS,
      properties: ['openFile'],
    })

    // A file the backend will not grant (in its own data folder) comes back as the backend's refusal.
    showOpenDialog.mockResolvedValueOnce({
      canceled: false,
      filePaths: ['/home/ana/.local/share/profile-desk/secrets.json'],
    })
    expect(await rpc({ senderFrame: PAGE }, 'dialog.openFile', { title: 'Choose a CSV file' })).toMatchObject(
      {
        ok: false,
        error: { code: 'validation', message: expect.stringContaining('data folder') },
      },
    )

    // Cancelling the dialog is not an error: no file, and nothing granted.
    const grants = child.posted.filter((m) => (m as { type: string }).type === 'grant-file').length
    showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] })
    const cancelled = await rpc({ senderFrame: PAGE }, 'dialog.openFile', { title: 'Choose a CSV file' })
    expect(cancelled).toEqual({ ok: true, value: { file: null, available: true } })
    expect(child.posted.filter((m) => (m as { type: string }).type === 'grant-file')).toHaveLength(grants)

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

    // The page cannot grant itself a path: whatever channel it names travels as an ordinary rpc, which the
    // backend's dispatch refuses as an unknown channel.
    const posted = child.posted.length
    await rpc({ senderFrame: PAGE }, 'grant-file', { path: '/etc/passwd', source: 'dialog' })
    expect(child.posted.slice(posted)).toEqual([
      {
        type: 'rpc',
        id: expect.any(Number),
        channel: 'grant-file',
        request: { path: '/etc/passwd', source: 'dialog' },
      },
    ])

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
