// The main window: secure webPreferences (isolated, sandboxed, no Node), guarded navigation, and the
// renderer loaded from app://profile-desk (or the dev server in development).
import { BrowserWindow, type Rectangle } from 'electron'
import { guardWebContents, type RendererLocation } from './security'
import { DEFAULT_BOUNDS } from './window-state'

export interface MainWindowOptions {
  preloadPath: string
  renderer: RendererLocation
  /** Where the window was left (already clamped to today's screens), maximised or not, and its page. */
  restored?: { bounds: Rectangle; maximized: boolean; route: string | null } | null
}

export function createMainWindow({ preloadPath, renderer, restored }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...(restored ? restored.bounds : DEFAULT_BOUNDS),
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
  window.once('ready-to-show', () => {
    if (restored?.maximized) window.maximize()
    window.show()
  })
  void window.loadURL(restored?.route ? `${renderer.url}${restored.route}` : renderer.url)
  return window
}
