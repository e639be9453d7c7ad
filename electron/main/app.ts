// The Electron app's lifecycle: one instance per data folder, session and navigation guards, the
// backend in a utility process, the `rpc` relay and pushed events to the window, a clean shutdown.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron'
import type { AppCommandEvent, AppCommandId } from '../../shared/app/commands'
import { IPC_EVENT } from '../../shared/ipc/bridge'
import { dataDirFlagFromArgv, ELECTRON_PROFILE_FOLDER, resolveDataDir } from '../backend/adapters/data-dir'
import { rendererCsp } from '../backend/adapters/web-host/renderer-files'
import { consoleLogger, LOGS_FOLDER, type Logger } from '../backend/core/platform/index'
import { aboutDetail } from './about'
import { menuTemplate } from './menu'
import { csvPathsFromArgv, forwardFile } from './open-files'
import { confirmQuit } from './quit-guard'
import { RunningJobs } from './running-jobs'
import { clampBounds, loadWindowState, trackWindowState } from './window-state'
import { APP_INDEX_URL, registerAppScheme, serveAppProtocol } from './app-protocol'
import { BackendProcess } from './backend-process'
import { answerDialogsInMain } from './file-dialog'
import { registerRpcHandler } from './ipc'
import { SafeStorageSecrets } from './secret-storage'
import { createSenderCheck, denyAllPermissions, guardWebContents, type RendererLocation } from './security'
import { createMainWindow } from './window'

export interface StartAppOptions {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  /** The folder of the built main entry (out/main): the preload, renderer and backend sit beside it. */
  mainDir: string
  logger?: Logger
}

export interface RunningApp {
  dataDir: string
  renderer: RendererLocation
  /** Resolves once the backend is started and the first window is open (null: another instance runs). */
  ready: Promise<{ backend: BackendProcess; window: BrowserWindow } | null>
}

export function rendererLocation(
  mainDir: string,
  env: StartAppOptions['env'],
  packaged: boolean,
): RendererLocation {
  const devUrl = env.ELECTRON_RENDERER_URL
  if (!packaged && devUrl) return { kind: 'url', url: devUrl }
  return { kind: 'app', dir: join(mainDir, '../renderer'), url: APP_INDEX_URL }
}

export function startApp(options: StartAppOptions): RunningApp {
  const logger = options.logger ?? consoleLogger
  const dataDir = resolveDataDir({ flag: dataDirFlagFromArgv(options.argv), env: options.env })
  const renderer = rendererLocation(options.mainDir, options.env, app.isPackaged)
  const preloadPath = join(options.mainDir, '../preload/index.cjs')

  app.enableSandbox()
  // Privileged schemes can only be registered before the app is ready.
  registerAppScheme(protocol)
  // Chromium's own files go beside the data, so one instance per data folder (not per machine) runs.
  app.setPath('userData', join(dataDir, ELECTRON_PROFILE_FOLDER))
  if (!app.requestSingleInstanceLock()) {
    logger.info(`Profile Desk is already running with ${dataDir}; focusing that window.`)
    app.quit()
    return { dataDir, renderer, ready: Promise.resolve(null) }
  }

  let mainWindow: BrowserWindow | null = null
  let backend: BackendProcess | null = null
  let backendStopped = false
  const jobs = new RunningJobs()
  const stateFile = join(dataDir, ELECTRON_PROFILE_FOLDER, 'window-state.json')
  // Files given before the window could take them (the first launch's own command line, macOS open-file).
  let waitingFiles: string[] = csvPathsFromArgv(options.argv, process.cwd())

  const openWindow = (): BrowserWindow => {
    const saved = loadWindowState(stateFile)
    const restored = saved && {
      ...saved,
      bounds: clampBounds(
        saved.bounds,
        screen.getAllDisplays().map((d) => d.workArea),
      ),
    }
    const window = createMainWindow({ preloadPath, renderer, restored })
    trackWindowState(window, stateFile, restored)
    window.webContents.on('did-finish-load', () => {
      const files = waitingFiles
      waitingFiles = []
      for (const path of files) openFile(path)
    })
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    mainWindow = window
    return window
  }

  const sendCommand = (event: AppCommandEvent): void => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, 'app.command', event)
  }

  const focusWindow = (): void => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  }

  /** A CSV given to the app: granted to the backend, then the window's import wizard opens it. */
  const openFile = (path: string): void => {
    if (!backend || !mainWindow) {
      waitingFiles.push(path)
      return
    }
    const started = backend
    void forwardFile(path, 'open-with', {
      grant: (p, source) => started.grantFile(p, source),
      send: (file) => sendCommand({ command: 'import-csv', file }),
      onError: (p, error) => logger.warn(`Could not open ${p}: ${(error as Error).message}`),
    })
    focusWindow()
  }

  const runCommand = (id: AppCommandId): void => {
    if (id === 'open-data-folder') void shell.openPath(dataDir)
    else if (id === 'open-logs-folder') void shell.openPath(join(dataDir, LOGS_FOLDER))
    else if (id === 'about') {
      void dialog.showMessageBox({
        type: 'info',
        title: 'About Profile Desk',
        message: `Profile Desk ${app.getVersion?.() ?? ''}`.trim(),
        detail: aboutDetail(dataDir, process.versions),
      })
    } else sendCommand({ command: id })
  }

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents))
  // A second launch: its window is ours, and any file it was given opens here.
  app.on('second-instance', (_event: unknown, argv: string[] = [], cwd: string = process.cwd()) => {
    focusWindow()
    for (const path of csvPathsFromArgv(argv, cwd)) openFile(path)
  })
  // macOS: a file dropped on the Dock icon or opened with the app.
  app.on('open-file', (event: { preventDefault(): void }, path: string) => {
    event.preventDefault()
    openFile(path)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('before-quit', (event) => {
    if (backendStopped || !backend) return
    // Let the backend close its database before the app goes.
    event.preventDefault()
    // A job running: the person is asked first (the next start says what was interrupted).
    if (!confirmQuit(jobs.list(), (question) => dialog.showMessageBoxSync(question))) return
    jobs.clear()
    void backend.stop().finally(() => {
      backendStopped = true
      app.quit()
    })
  })

  const ready = app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession)
    if (renderer.kind === 'app') serveAppProtocol(protocol, renderer.dir, rendererCsp(renderer.dir, logger))
    const started = new BackendProcess({
      modulePath: join(options.mainDir, 'backend-process.js'),
      dataDir,
      logger,
      secrets: new SafeStorageSecrets(dataDir),
      onEvent: (name, payload) => {
        jobs.observe(name, payload)
        for (const window of BrowserWindow.getAllWindows()) {
          if (!window.isDestroyed()) window.webContents.send(IPC_EVENT, name, payload)
        }
      },
    })
    backend = started
    started.start()
    registerRpcHandler(
      ipcMain,
      answerDialogsInMain(
        (channel, request) => started.call(channel, request),
        () => mainWindow,
        (path) => started.grantFile(path, 'dialog'),
      ),
      createSenderCheck(renderer),
    )
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, runCommand)))
    const window = openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
    return { backend: started, window }
  })
  return { dataDir, renderer, ready }
}
