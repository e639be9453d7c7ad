// The main window: secure webPreferences (isolated, sandboxed, no Node), guarded navigation, and the
// renderer loaded from app://profile-desk (or the dev server in development).
import { BrowserWindow } from 'electron'
import { guardWebContents, type RendererLocation } from './security'

export interface MainWindowOptions {
  preloadPath: string
  renderer: RendererLocation
}

export function createMainWindow({ preloadPath, renderer }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Profile Desk',
    backgroundColor: '#ffffff',
    // Written out here, not built by a helper, so that electronegativity's static scan can see it.
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    },
  })
  guardWebContents(window.webContents)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(renderer.url)
  return window
}
