// The Electron app's lifecycle: one instance per data folder, session and navigation guards, the
// backend in a utility process, the `rpc` relay and pushed events to the window, a clean shutdown.
import { join } from 'node:path'
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron'
import { IPC_EVENT } from '../../shared/ipc/bridge'
import { dataDirFlagFromArgv, ELECTRON_PROFILE_FOLDER, resolveDataDir } from '../backend/adapters/data-dir'
import { rendererCsp } from '../backend/adapters/web-host/renderer-files'
import { consoleLogger, type Logger } from '../backend/core/platform/index'
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

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow({ preloadPath, renderer })
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null
    })
    mainWindow = window
    return window
  }

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents))
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('before-quit', (event) => {
    if (backendStopped || !backend) return
    // Let the backend close its database before the app goes.
    event.preventDefault()
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
    const window = openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
    return { backend: started, window }
  })
  return { dataDir, renderer, ready }
}
