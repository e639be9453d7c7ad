// Runs the backend in an Electron utility process (so a long import never freezes the window) and
// relays calls to it by request id. Every call is answered: by the backend, by a timeout if it never
// replies, or at once with an error if the process dies (it is then restarted).
import { utilityProcess, type UtilityProcess } from 'electron'
import type { Envelope } from '../../shared/ipc/envelope'
import type { ChosenFile, GrantSource } from '../../shared/ipc/file-handle'
import type { Logger } from '../backend/core/platform/index'
import {
  isFromBackend,
  type FromBackend,
  type SecretReply,
  type ToBackend,
} from '../backend/adapters/utility-process/protocol'

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
  /** How long a call waits for the backend's reply; 30 s unless a test needs it shorter. */
  callTimeoutMs?: number
  /** The wait for channels in LONG_CHANNELS; 3 min by default. */
  longCallTimeoutMs?: number
  /** Answers the backend's secret requests (safeStorage lives only in main). */
  secrets?: { handle(request: Extract<FromBackend, { type: 'secret' }>): Promise<SecretReply> }
}

/**
 * Channels whose answer can take long: connection tests wait for a remote server (SFTP: connect 20 s,
 * then each request up to 60 s), and a preview reads the head of a file that may sit on a slow drive.
 * Everything else answers at once; long work runs as a job and returns its id straight away.
 */
export const LONG_CHANNELS: ReadonlySet<string> = new Set([
  'sync.testConnection',
  'sftp.sources.test',
  'imports.preview',
])
const DEFAULT_CALL_TIMEOUT_MS = 30_000
const DEFAULT_LONG_CALL_TIMEOUT_MS = 180_000

interface PendingCall {
  channel: string
  resolve: (envelope: Envelope<unknown>) => void
  timer: NodeJS.Timeout
}

export class BackendProcess {
  private child: UtilityProcess | null = null
  private readonly pending = new Map<number, PendingCall>()
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
    return this.send(channel, (id) => ({ type: 'rpc', id, channel, request }))
  }

  /**
   * Registers a file the person chose (the native dialog; later a drop or "open with") with the backend,
   * which answers with its handle: the page is given the handle, never the path.
   */
  grantFile(path: string, source: GrantSource): Promise<Envelope<ChosenFile>> {
    return this.send('file grant', (id) => ({ type: 'grant-file', id, path, source })) as Promise<
      Envelope<ChosenFile>
    >
  }

  /**
   * Sends a message that the backend answers with a `reply` of the same id; `channel` names the call in
   * a timeout's message and picks its time limit.
   */
  private send(channel: string, build: (id: number) => ToBackend): Promise<Envelope<unknown>> {
    if (this.stopping) return Promise.resolve(failure('Profile Desk is closing.'))
    if (this.gaveUp) {
      return Promise.resolve(
        failure('The backend keeps stopping unexpectedly and was not restarted. Restart Profile Desk.'),
      )
    }
    const id = this.nextId++
    const message = build(id)
    return new Promise((resolve) => {
      const timeoutMs = LONG_CHANNELS.has(channel)
        ? (this.options.longCallTimeoutMs ?? DEFAULT_LONG_CALL_TIMEOUT_MS)
        : (this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS)
      const timer = setTimeout(() => this.timeOut(id, timeoutMs), timeoutMs)
      this.pending.set(id, { channel, resolve, timer })
      try {
        if (this.child) this.child.postMessage(message)
        else this.queue.push(message)
      } catch (error) {
        // A request the structured clone cannot copy (a function, say) is the caller's mistake.
        clearTimeout(timer)
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
      // A reply after its call timed out finds nothing here and is dropped.
      const call = this.pending.get(message.id)
      if (!call) return
      this.pending.delete(message.id)
      clearTimeout(call.timer)
      call.resolve(message.envelope)
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
    const now = Date.now()
    const windowMs = this.options.crashWindowMs ?? 60_000
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now]
    this.gaveUp = this.crashes.length > (this.options.maxCrashes ?? 5)
    // Every waiting call is answered now, not when its timeout runs out.
    this.failPending({
      ok: false,
      error: {
        code: 'internal',
        message:
          `Profile Desk's backend stopped unexpectedly (exit code ${code}) before answering, so what ` +
          'you asked may not have been done. ' +
          (this.gaveUp
            ? 'It keeps stopping and was not restarted: restart Profile Desk.'
            : 'It is being restarted: check, then try again.'),
        details: { reason: 'backend_exited', exitCode: code, restarting: !this.gaveUp },
      },
    })
    if (this.gaveUp) {
      this.options.logger.error('the backend crashed too often; not restarting it')
      return
    }
    const delay = (this.options.restartDelayMs ?? defaultRestartDelay)(this.crashes.length)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      this.start()
    }, delay)
  }

  /** The backend never answered: the caller gets an error instead of waiting forever. */
  private timeOut(id: number, timeoutMs: number): void {
    const call = this.pending.get(id)
    if (!call) return
    this.pending.delete(id)
    // Still queued for a process that is being restarted: it must not be sent later either.
    this.queue = this.queue.filter((m) => !(m.type === 'rpc' && m.id === id))
    this.options.logger.warn(`the backend did not answer ${call.channel} (call ${id}) within ${timeoutMs} ms`)
    call.resolve({
      ok: false,
      error: {
        code: 'internal',
        message:
          `Profile Desk's backend did not answer "${call.channel}" within ${Math.round(timeoutMs / 1000)} s. ` +
          'It may be busy or stuck, and what you asked may still happen. Wait a moment and try again; ' +
          'if this keeps happening, restart Profile Desk.',
        details: { reason: 'backend_timeout', channel: call.channel, timeoutMs },
      },
    })
  }

  private failPending(envelope: Envelope<never>): void {
    const waiting = [...this.pending.values()]
    this.pending.clear()
    this.queue = []
    for (const call of waiting) {
      clearTimeout(call.timer)
      call.resolve(envelope)
    }
  }
}

function failure(message: string): Envelope<never> {
  return { ok: false, error: { code: 'internal', message } }
}

function defaultRestartDelay(attempt: number): number {
  return Math.min(5000, 200 * 2 ** (attempt - 1))
}
