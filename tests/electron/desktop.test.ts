// The desktop behaviour of the main process, with `electron` mocked: window state (clamped to the screens
// there are), the native menu from the one command table, files forwarded from a second launch or "Open
// with" to the import wizard, and quitting during a job asks first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { FakeBrowserWindow, FakeEvent, fakeElectron } from '../../test-support/fake-electron'

vi.mock('electron', async () => (await import('../../test-support/fake-electron')).fakeElectron.module)

const { startApp } = await import('../../electron/main/app')
const { clampBounds, loadWindowState, routeOf } = await import('../../electron/main/window-state')
const { menuTemplate } = await import('../../electron/main/menu')
const { csvPathsFromArgv } = await import('../../electron/main/open-files')
const { quitQuestion } = await import('../../electron/main/quit-guard')

const SCREEN = { x: 0, y: 0, width: 1920, height: 1080 }

describe('window bounds', () => {
  it('stay where they were on a screen that still exists', () => {
    expect(clampBounds({ x: 100, y: 50, width: 1200, height: 800 }, [SCREEN])).toEqual({
      x: 100,
      y: 50,
      width: 1200,
      height: 800,
    })
  })
  it('come back onto a remaining screen when theirs is gone, and shrink to fit it', () => {
    const laptop = { x: 0, y: 0, width: 1366, height: 768 }
    expect(clampBounds({ x: 2500, y: 100, width: 1600, height: 1000 }, [laptop])).toEqual({
      x: 0,
      y: 0,
      width: 1366,
      height: 768,
    })
    expect(clampBounds({ x: -300, y: 700, width: 1000, height: 700 }, [laptop])).toEqual({
      x: 0,
      y: 68,
      width: 1000,
      height: 700,
    })
  })
  it('keep only route fragments, never a token', () => {
    expect(routeOf('app://profile-desk/index.html#/sync')).toBe('#/sync')
    expect(routeOf('app://profile-desk/index.html#token=abc')).toBeNull()
    expect(routeOf('app://profile-desk/index.html')).toBeNull()
  })
})

describe('the native menu', () => {
  const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type)

  it('has File, Edit, View and Help with the platform shortcuts, each item running its command', () => {
    const run = vi.fn()
    const menu = menuTemplate('linux', run)
    expect(labels(menu)).toEqual(['File', 'editMenu', 'View', 'help'])
    const file = menu[0]!.submenu as MenuItemConstructorOptions[]
    expect(labels(file)).toEqual([
      'Import CSV…',
      'New segment',
      'Back up database…',
      'Restore from backup…',
      'Open data folder',
      'separator',
      'quit',
    ])
    expect(file[0]!.accelerator).toBe('CmdOrCtrl+O')
    const view = menu[2]!.submenu as MenuItemConstructorOptions[]
    expect(labels(view).slice(0, 4)).toEqual(['Find People', 'Overview', 'History', 'Sync'])
    const help = menu[3]!.submenu as MenuItemConstructorOptions[]
    expect(labels(help)).toEqual(['About Profile Desk', 'Open logs folder'])
    ;(file[2]!.click as () => void)()
    expect(run).toHaveBeenCalledWith('backup')
  })

  it('puts the app menu first on macOS and closes windows from File', () => {
    const menu = menuTemplate('darwin', vi.fn())
    expect(labels(menu)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu', 'help'])
    expect((menu[1]!.submenu as MenuItemConstructorOptions[]).at(-1)).toEqual({ role: 'close' })
  })
})

describe('files given on a command line', () => {
  it('are the CSV files that exist; switches and other files are skipped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-argv-'))
    try {
      writeFileSync(join(dir, 'people.csv'), 'Identity\n')
      writeFileSync(join(dir, 'notes.pdf'), '')
      expect(
        csvPathsFromArgv(['/usr/bin/profile-desk', '--data-dir', 'people.csv', 'notes.pdf', 'gone.csv'], dir),
      ).toEqual([join(dir, 'people.csv')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the running app', () => {
  it('restores the window, forwards a second launch’s CSV, and asks before quitting during a job', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pd-desktop-'))
    const csv = join(dataDir, '..', `${dataDir.split('/').pop()}.csv`)
    writeFileSync(csv, 'Identity\nx\n')
    try {
      // Left maximised on a screen that is now gone, on the Sync page.
      const { mkdirSync } = await import('node:fs')
      mkdirSync(join(dataDir, 'electron'), { recursive: true })
      writeFileSync(
        join(dataDir, 'electron', 'window-state.json'),
        JSON.stringify({
          bounds: { x: 3000, y: 0, width: 1400, height: 900 },
          maximized: true,
          route: '#/sync',
        }),
      )
      const running = startApp({
        argv: ['/usr/bin/electron', '.', '--data-dir', dataDir],
        env: {},
        mainDir: '/opt/app/out/main',
        logger: silentLogger,
      })
      await running.ready
      const window = FakeBrowserWindow.instances.at(-1)!
      expect(window.options).toMatchObject({ x: 520, y: 0, width: 1400, height: 900 })
      expect(window.loadURL).toHaveBeenCalledWith('app://profile-desk/index.html#/sync')
      window.emit('ready-to-show')
      expect(window.maximize).toHaveBeenCalled()
      expect(fakeElectron.module.Menu.setApplicationMenu).toHaveBeenCalled()

      // Moving the window is remembered.
      window.bounds = { x: 40, y: 30, width: 1000, height: 700 }
      window.emit('move')
      expect(loadWindowState(join(dataDir, 'electron', 'window-state.json'))?.bounds).toEqual(window.bounds)

      // A second launch with a CSV: the file is granted to the backend and the window opens the wizard.
      const child = fakeElectron.forks.at(-1)!
      child.onPost = (message) => {
        const m = message as { type: string; id: number; path?: string }
        if (m.type === 'grant-file') {
          queueMicrotask(() =>
            child.reply({
              type: 'reply',
              id: m.id,
              envelope: { ok: true, value: { handle: 'h-1', name: 'people.csv', bytes: 11 } },
            }),
          )
        }
      }
      fakeElectron.app.emit('second-instance', new FakeEvent(), ['/usr/bin/profile-desk', csv], '/')
      expect(window.focus).toHaveBeenCalled()
      expect(child.posted).toContainEqual(
        expect.objectContaining({ type: 'grant-file', path: csv, source: 'open-with' }),
      )
      await vi.waitFor(() =>
        expect(window.webContents.send).toHaveBeenCalledWith('event', 'app.command', {
          command: 'import-csv',
          file: { handle: 'h-1', name: 'people.csv', bytes: 11 },
        }),
      )

      // Quitting while an import runs: asked first; "Keep working" keeps the app (and the backend) going.
      child.reply({
        type: 'event',
        name: 'job.progress',
        payload: { jobId: 'j1', kind: 'import.profiles', phase: 'writing', done: 5, total: 10 },
      })
      const ask = fakeElectron.module.dialog.showMessageBoxSync
      ask.mockReturnValueOnce(0)
      const first = new FakeEvent()
      fakeElectron.app.emit('before-quit', first)
      expect(first.defaultPrevented).toBe(true)
      expect(ask).toHaveBeenCalledWith(
        expect.objectContaining({ message: 'Profile Desk is busy with an import.' }),
      )
      expect(child.posted).not.toContainEqual({ type: 'shutdown' })
      // "Quit anyway" stops the backend, then quits.
      child.onPost = (message) => {
        if ((message as { type: string }).type === 'shutdown') queueMicrotask(() => child.emit('exit', 0))
      }
      ask.mockReturnValueOnce(1)
      fakeElectron.app.emit('before-quit', new FakeEvent())
      expect(child.posted).toContainEqual({ type: 'shutdown' })
      await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled())
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(csv, { force: true })
    }
  })

  it('asks nothing when no job runs', () => {
    expect(quitQuestion([])).toBeNull()
    expect(
      quitQuestion([{ jobId: 'a', kind: 'sync.push', status: 'running', done: 0, total: null, startedAt: 0 }])
        ?.detail,
    ).toMatch(/sync continues .* import goes on when you import the same file again/)
  })
})
