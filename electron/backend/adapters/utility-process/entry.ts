// The backend's entry in Electron's utility process: it answers the main process's `rpc` messages and
// forwards pushed events. It reaches its parent through `process.parentPort`, never an electron import.
import { AppError, type Envelope } from '../../../../shared/ipc/envelope'
import type { ChosenFile } from '../../../../shared/ipc/file-handle'
import { createBackend as realCreateBackend, type Backend, type BackendPorts } from '../ipc/create-backend'
import { consoleLogger, type Logger } from '../../core/platform/index'
import { dataDirFlagFromArgv, resolveDataDir } from '../data-dir'
import { isToBackend, type FromBackend, type GrantFile } from './protocol'
import { ParentSecretStore } from './secrets-bridge'

/** The part of Electron's ParentPort this entry uses (messages arrive as `{ data }`). */
export interface ParentPortLike {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown
  postMessage(message: unknown): void
}

export interface UtilityBackendOptions {
  dataDir: string
  logger?: Logger
  /** Called after a requested shutdown has closed the backend; `process.exit` in production. */
  exit?: (code: number) => void
  createBackend?: (ports: BackendPorts) => Backend
}

export interface UtilityBackend {
  /** Null when the backend could not start (every call then gets the start-up error). */
  backend: Backend | null
  /** Resolves once a `shutdown` message has been handled. */
  closed: Promise<void>
}

export function startUtilityBackend(port: ParentPortLike, options: UtilityBackendOptions): UtilityBackend {
  const logger = options.logger ?? consoleLogger
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const post = (message: FromBackend): void => {
    try {
      port.postMessage(message)
    } catch (error) {
      // A value that cannot be cloned must not take the process down; the caller still gets an answer.
      logger.error('could not post a message to the main process', error)
      if (message.type === 'reply') {
        port.postMessage({
          type: 'reply',
          id: message.id,
          envelope: {
            ok: false,
            error: { code: 'internal', message: 'The reply could not be sent to the window.' },
          },
        } satisfies FromBackend)
      }
    }
  }

  let backend: Backend | null = null
  let startError: Envelope<never> | null = null
  // Passcodes are kept by main with safeStorage; the backend asks for them over this port.
  const secrets = new ParentSecretStore(post)
  try {
    backend = (options.createBackend ?? realCreateBackend)({
      dataDir: options.dataDir,
      host: 'electron',
      logger,
      secrets,
      // The count worker loads the common shapes' columns while the window opens.
      segments: { warmUp: true },
    })
  } catch (error) {
    // E.g. a database from a newer version: answer every call with the reason instead of crash-looping.
    logger.error('the backend could not start', error)
    startError = {
      ok: false,
      error:
        error instanceof AppError
          ? error.toShape()
          : {
              code: 'internal',
              message: `The backend could not start: ${(error as Error)?.message ?? error}`,
            },
    }
  }

  backend?.onAny((name, payload) => post({ type: 'event', name, payload }))

  let resolveClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve))
  let shuttingDown = false

  port.on('message', ({ data }) => {
    if (!isToBackend(data)) {
      logger.warn('ignored a malformed message from the main process')
      return
    }
    if (data.type === 'secret-reply') {
      secrets.handleReply(data)
      return
    }
    if (data.type === 'grant-file') {
      post({ type: 'reply', id: data.id, envelope: grantFile(backend, startError, data) })
      return
    }
    if (data.type === 'shutdown') {
      if (shuttingDown) return
      shuttingDown = true
      void (async () => {
        try {
          await backend?.close()
        } catch (error) {
          logger.error('closing the backend failed', error)
        }
        post({ type: 'closed' })
        resolveClosed()
        exit(0)
      })()
      return
    }
    const { id, channel, request } = data
    if (!backend || shuttingDown) {
      const envelope = startError ?? {
        ok: false as const,
        error: { code: 'internal' as const, message: 'The backend is shutting down.' },
      }
      post({ type: 'reply', id, envelope })
      return
    }
    backend.dispatch(channel, request).then(
      (envelope) => post({ type: 'reply', id, envelope }),
      (error: unknown) =>
        post({
          type: 'reply',
          id,
          envelope: {
            ok: false,
            error: { code: 'internal', message: String((error as Error)?.message ?? error) },
          },
        }),
    )
  })

  post({ type: 'ready' })
  return { backend, closed }
}

/** Main's registration of a chosen file, answered as an envelope like any call. */
function grantFile(
  backend: Backend | null,
  startError: Envelope<never> | null,
  message: GrantFile,
): Envelope<ChosenFile> {
  if (!backend) {
    return startError ?? { ok: false, error: { code: 'internal', message: 'The backend is not running.' } }
  }
  try {
    return { ok: true, value: backend.grantFile(message.path, message.source) }
  } catch (error) {
    return {
      ok: false,
      error:
        error instanceof AppError
          ? error.toShape()
          : { code: 'internal', message: `The file could not be registered: ${(error as Error).message}` },
    }
  }
}

// Started by utilityProcess.fork(): Electron gives the process a parentPort. Imported elsewhere (tests),
// there is none and nothing starts.
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort
if (parentPort) {
  startUtilityBackend(parentPort, {
    dataDir: resolveDataDir({ flag: dataDirFlagFromArgv(process.argv), env: process.env }),
  })
}
