// Runs the backend in an Electron utility process (so a long import never freezes the window) and
// relays calls to it by request id. If the process dies, waiting calls are answered and it is restarted.
import { utilityProcess, type UtilityProcess } from 'electron'
import type { Envelope } from '../../shared/ipc/envelope'
import type { ChosenFile, GrantSource } from '../../shared/ipc/file-handle'
import type { Logger } from '../backend/logger'
import {
  isFromBackend,
  type FromBackend,
  type SecretReply,
  type ToBackend,
} from '../backend/hosts/utility-protocol'

export interface BackendProcessOptions {
  /** The built utility-process entry (out/main/backend-process.js). */
  modulePath: string
  dataDir: string
  logger: Logger
  onEvent: (name: string, payload: unknown) => void
  /** Delay before restart number `attempt` (1-based) within the crash window. */
  restartDelayMs?: (attempt: number) => number
  /** More crashes than this within `crashWindowMs` and the backend is not restarted again. */
  maxCrashes?: number
  crashWindowMs?: number
  /** How long stop() waits for a clean exit before killing the process. */
  stopTimeoutMs?: number
  /** Answers the backend's secret requests (safeStorage lives only in main). */
  secrets?: { handle(request: Extract<FromBackend, { type: 'secret' }>): Promise<SecretReply> }
}

const RESTARTED: Envelope<never> = {
  ok: false,
  error: {
    code: 'internal',
    message: 'The backend stopped unexpectedly and has been restarted. Try again.',
  },
}

export class BackendProcess {
  private child: UtilityProcess | null = null
  private readonly pending = new Map<number, (envelope: Envelope<unknown>) => void>()
  /** Calls made while the process is being restarted; sent once it is back. */
  private queue: ToBackend[] = []
  private nextId = 1
  private stopping: Promise<void> | null = null
  private gaveUp = false
  private crashes: number[] = []
  private restartTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: BackendProcessOptions) {}

  start(): void {
    if (this.child || this.stopping || this.gaveUp) return
    const child = utilityProcess.fork(this.options.modulePath, ['--data-dir', this.options.dataDir], {
      serviceName: 'Profile Desk backend',
      stdio: 'inherit',
    })
    this.child = child
    child.on('message', (message: unknown) => this.onMessage(child, message))
    child.on('exit', (code: number) => this.onExit(child, code))
    const queued = this.queue
    this.queue = []
    for (const message of queued) child.postMessage(message)
  }

  call(channel: string, request: unknown): Promise<Envelope<unknown>> {
    return this.send((id) => ({ type: 'rpc', id, channel, request }))
  }

  /**
   * Registers a file the person chose (the native dialog; later a drop or "open with") with the backend,
   * which answers with its handle: the page is given the handle, never the path.
   */
  grantFile(path: string, source: GrantSource): Promise<Envelope<ChosenFile>> {
    return this.send((id) => ({ type: 'grant-file', id, path, source })) as Promise<Envelope<ChosenFile>>
  }

  /** Sends a message that the backend answers with a `reply` of the same id. */
  private send(build: (id: number) => ToBackend): Promise<Envelope<unknown>> {
    if (this.stopping) return Promise.resolve(failure('Profile Desk is closing.'))
    if (this.gaveUp) {
      return Promise.resolve(
        failure('The backend keeps stopping unexpectedly and was not restarted. Restart Profile Desk.'),
      )
    }
    const id = this.nextId++
    const message = build(id)
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      try {
        if (this.child) this.child.postMessage(message)
        else this.queue.push(message)
      } catch (error) {
        // A request the structured clone cannot copy (a function, say) is the caller's mistake.
        this.pending.delete(id)
        resolve({
          ok: false,
          error: {
            code: 'validation',
            message: `The request could not be sent: ${(error as Error).message}`,
          },
        })
      }
    })
  }

  /** Asks the backend to close its database, waits for it to exit, kills it after a timeout. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const child = this.child
    this.failPending(failure('Profile Desk is closing.'))
    this.stopping = new Promise<void>((resolve) => {
      if (!child) {
        resolve()
        return
      }
      const timer = setTimeout(() => {
        this.options.logger.warn('the backend did not exit in time; killing it')
        child.kill()
      }, this.options.stopTimeoutMs ?? 5000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.postMessage({ type: 'shutdown' } satisfies ToBackend)
    })
    return this.stopping
  }

  private onMessage(child: UtilityProcess, message: unknown): void {
    if (!isFromBackend(message)) return
    if (message.type === 'secret') {
      this.answerSecret(child, message)
      return
    }
    if (message.type === 'reply') {
      const resolve = this.pending.get(message.id)
      this.pending.delete(message.id)
      resolve?.(message.envelope)
    } else if (message.type === 'event') {
      this.options.onEvent(message.name, message.payload)
    }
  }

  private answerSecret(child: UtilityProcess, request: Extract<FromBackend, { type: 'secret' }>): void {
    const secrets = this.options.secrets
    const answer: Promise<SecretReply> = secrets
      ? secrets.handle(request)
      : Promise.resolve({
          type: 'secret-reply',
          id: request.id,
          ok: false,
          message: 'No secret storage in this app.',
        })
    void answer.then((reply) => {
      // The process may have been restarted meanwhile: the reply belongs to the one that asked.
      if (this.child === child) child.postMessage(reply satisfies ToBackend)
    })
  }

  private onExit(child: UtilityProcess, code: number): void {
    if (this.child !== child) return
    this.child = null
    if (this.stopping) return
    this.options.logger.error(`the backend process exited unexpectedly (code ${code})`)
    this.failPending(RESTARTED)
    const now = Date.now()
    const windowMs = this.options.crashWindowMs ?? 60_000
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now]
    if (this.crashes.length > (this.options.maxCrashes ?? 5)) {
      this.gaveUp = true
      this.failPending(
        failure('The backend keeps stopping unexpectedly and was not restarted. Restart Profile Desk.'),
      )
      this.options.logger.error('the backend crashed too often; not restarting it')
      return
    }
    const delay = (this.options.restartDelayMs ?? defaultRestartDelay)(this.crashes.length)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.start()
    }, delay)
  }

  private failPending(envelope: Envelope<never>): void {
    const waiting = [...this.pending.values()]
    this.pending.clear()
    this.queue = []
    for (const resolve of waiting) resolve(envelope)
  }
}

function failure(message: string): Envelope<never> {
  return { ok: false, error: { code: 'internal', message } }
}

function defaultRestartDelay(attempt: number): number {
  return Math.min(5000, 200 * 2 ** (attempt - 1))
}
