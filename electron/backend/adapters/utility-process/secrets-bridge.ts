// The secret store of the backend in Electron's utility process: every call is a `secret` message to the
// main process, which alone can use safeStorage (electron/main/secret-storage.ts), answered by id.
import type { SecretStorageInfo, SecretStore } from '../../core/platform/index'
import type { FromBackend, SecretOp, SecretReply } from './protocol'

interface Waiting {
  resolve(reply: SecretReply): void
  timer: NodeJS.Timeout
}

export class ParentSecretStore implements SecretStore {
  private nextId = 1
  private readonly waiting = new Map<number, Waiting>()

  constructor(
    private readonly post: (message: FromBackend) => void,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Main's answer to one of our requests (routed here by the utility-process entry). */
  handleReply(reply: SecretReply): void {
    const waiting = this.waiting.get(reply.id)
    if (!waiting) return
    this.waiting.delete(reply.id)
    clearTimeout(waiting.timer)
    waiting.resolve(reply)
  }

  async describe(): Promise<SecretStorageInfo> {
    const reply = await this.request('describe', '')
    return (
      reply.info ?? { storage: 'file', warning: 'The secret storage did not say where it keeps secrets.' }
    )
  }

  async get(name: string): Promise<string | null> {
    return (await this.request('get', name)).value
  }

  async set(name: string, value: string): Promise<void> {
    await this.request('set', name, value)
  }

  async delete(name: string): Promise<void> {
    await this.request('delete', name)
  }

  private request(op: SecretOp, name: string, value?: string): Promise<Extract<SecretReply, { ok: true }>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`The main process did not answer the secret ${op} request in time.`))
      }, this.timeoutMs)
      timer.unref()
      this.waiting.set(id, {
        timer,
        resolve: (reply) => {
          if (reply.ok) resolve(reply)
          // Main's message names the operation and the reason, never the secret.
          else reject(new Error(reply.message))
        },
      })
      try {
        this.post({ type: 'secret', id, op, name, ...(value === undefined ? {} : { value }) })
      } catch (error) {
        clearTimeout(timer)
        this.waiting.delete(id)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }
}
