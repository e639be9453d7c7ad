// The workers of a push: lanes of queued tasks (uploads, deletes), each with its own number of workers
// sending at once, fed by one reader that waits while enough work is queued. A task starts only once the
// tasks it follows are done, so a profile's changes reach the server in order.
export interface PooledTask {
  /** Earlier tasks holding the same profiles. */
  after: Set<Promise<void>>
  /** Settles the task's `done` promise (its followers may start). */
  finish(): void
}

/** A wake-up call between the reader and the workers. */
class Bell {
  private waiting: (() => void)[] = []
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }
  ring(): void {
    for (const resolve of this.waiting.splice(0)) resolve()
  }
}

export class TaskPool {
  private readonly lanes: PooledTask[][] = []
  private readonly running: Promise<void>[] = []
  private readonly work = new Bell()
  private readonly room = new Bell()
  private reading = true

  /** `crashed`: a task threw (not a server answer: a bug or the database); the pool goes on draining. */
  constructor(private readonly crashed: (error: unknown) => void) {}

  /** A queue served by `workers` workers at once; the reader pushes tasks and then calls wake(). */
  lane<T extends PooledTask>(workers: number, send: (task: T) => Promise<void>): T[] {
    const queue: T[] = []
    this.lanes.push(queue)
    for (let i = 0; i < workers; i++) this.running.push(this.worker(queue, send))
    return queue
  }

  /** Waits while `limit` or more tasks are queued in all lanes together (or until the signal aborts). */
  async roomBelow(limit: number, signal: AbortSignal): Promise<void> {
    while (this.queued() >= limit && !signal.aborted) await this.room.wait()
  }

  wake(): void {
    this.work.ring()
  }

  /** No more tasks: the workers finish what is queued and stop. */
  async drain(): Promise<void> {
    this.reading = false
    this.work.ring()
    await Promise.all(this.running)
  }

  private queued(): number {
    return this.lanes.reduce((n, queue) => n + queue.length, 0)
  }

  private async worker<T extends PooledTask>(queue: T[], send: (task: T) => Promise<void>): Promise<void> {
    for (;;) {
      const task = queue.shift()
      if (!task) {
        if (!this.reading) return
        await this.work.wait()
        continue
      }
      this.room.ring()
      try {
        await Promise.all(task.after)
        await send(task)
      } catch (error) {
        this.crashed(error)
      } finally {
        task.finish()
      }
    }
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T
      next += 1
      await work(item)
    }
  })
  await Promise.all(workers)
}
