// A stand-in for the `electron` module (the real one tries to download a binary when imported in Node).
// It records what the main process and preload do so tests can check it; one instance per test file.
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

export class FakeEvent {
  defaultPrevented = false
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  readonly send = vi.fn()
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  /** Emits like Electron does and says whether a listener prevented the default. */
  fire(event: string, ...args: unknown[]): boolean {
    const e = new FakeEvent()
    this.emit(event, e, ...args)
    return e.defaultPrevented
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed)
  }
  readonly webContents = new FakeWebContents()
  readonly loadURL = vi.fn(async (_url: string) => {})
  readonly show = vi.fn()
  readonly focus = vi.fn()
  readonly restore = vi.fn()
  readonly maximize = vi.fn()
  bounds = { x: 10, y: 20, width: 1280, height: 820 }
  maximized = false
  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds }
  }
  isMaximized(): boolean {
    return this.maximized
  }
  destroyed = false
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super()
    FakeBrowserWindow.instances.push(this)
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMinimized(): boolean {
    return false
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly posted: unknown[] = []
  /** Set by a test to answer messages the way the backend would. */
  onPost: ((message: unknown) => void) | null = null
  killed = false
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: unknown,
  ) {
    super()
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
    this.onPost?.(message)
  }
  kill(): boolean {
    this.killed = true
    this.emit('exit', 0)
    return true
  }
  /** The child sends a message to main. */
  reply(message: unknown): void {
    this.emit('message', message)
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean

export function createFakeElectron() {
  const forks: FakeUtilityProcess[] = []
  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>()
  const session = {
    requestHandler: null as PermissionRequestHandler | null,
    checkHandler: null as PermissionCheckHandler | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler) {
      session.requestHandler = handler
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler) {
      session.checkHandler = handler
    },
  }
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    enableSandbox: vi.fn(),
    setPath: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    quit: vi.fn(),
    whenReady: () => Promise.resolve(),
  })
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })),
  })
  const exposed = new Map<string, unknown>()
  const protocol = {
    registerSchemesAsPrivileged: vi.fn(
      (_schemes: { scheme: string; privileges?: Record<string, boolean> }[]) => {},
    ),
    handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
      protocol.handlers.set(scheme, handler)
    }),
  }
  const module = {
    app,
    protocol,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle(channel: string, handler: (...args: unknown[]) => unknown) {
        if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
        ipcHandlers.set(channel, handler)
      },
      removeHandler(channel: string) {
        ipcHandlers.delete(channel)
      },
    },
    session: { defaultSession: session },
    Menu: {
      buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
      setApplicationMenu: vi.fn(),
    },
    dialog: {
      showMessageBoxSync: vi.fn((..._args: unknown[]) => 0),
      showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0 })),
    },
    screen: {
      getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
    },
    shell: { openPath: vi.fn(async (_path: string) => '') },
    utilityProcess: {
      fork: vi.fn((modulePath: string, args: string[] = [], options?: unknown) => {
        const child = new FakeUtilityProcess(modulePath, args, options)
        forks.push(child)
        return child
      }),
    },
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, api: unknown) => {
        exposed.set(key, api)
      }),
    },
    ipcRenderer,
  }
  return { module, forks, ipcHandlers, session, app, ipcRenderer, exposed, protocol }
}

export type FakeElectron = ReturnType<typeof createFakeElectron>

/** The instance a test file's `vi.mock('electron', …)` hands out, shared with the test's own imports. */
export const fakeElectron = createFakeElectron()
