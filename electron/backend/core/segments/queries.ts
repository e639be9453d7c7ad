// Where the engine runs: a worker thread (the app: a count never blocks an edit or a search) or this
// thread (the command line, and wherever no worker entry exists). Both number count requests so an older
// one is answered "superseded" once a newer one has been asked.
import { Worker } from 'node:worker_threads'
import { AppError, isErrorCode } from '../../../../shared/ipc/envelope'
import type { SegmentDefinition } from '../../../../shared/segments/definition'
import type { SegmentEngineStatus } from '../../../../shared/segments/types'
import type { AudienceTally } from '../devices/segment-audience'
import type { Logger } from '../platform/logger'
import { workerLaunch } from '../platform/worker-launch'
import { SegmentEngine, type CountResult } from './engine'
import { openReadConnection } from './read-connection'
import type { MemberPageRequest, ToWorker, WorkerReply, WorkerSetup } from './worker-protocol'

export interface SegmentQueries {
  /** The count, or 'superseded' when the same client asked a higher `seq` before this one was counted. */
  count(
    asker: Asker,
    definition: SegmentDefinition,
    perItem: boolean,
    nowMs: number,
  ): Promise<CountResult | 'superseded'>
  memberPage(
    definitions: SegmentDefinition[],
    nowMs: number,
    page: MemberPageRequest,
  ): Promise<{ ids: number[]; total: number }>
  memberIds(definitions: SegmentDefinition[], nowMs: number): Promise<Int32Array>
  /** The overview's numbers over the members (counted where the members are known). */
  audience(definitions: SegmentDefinition[], nowMs: number): Promise<AudienceTally>
  /** Whether the count engine is still loading its columns (counts may go by SQL meanwhile). */
  status(): Promise<SegmentEngineStatus>
  /** profiles.changed, forwarded in order. */
  changed(ids: string[], all: boolean): void
  close(): Promise<void>
}

/** Who asks a count: a client (a page's id; '' for callers that do not say) and its sequence number. */
export interface Asker {
  client: string
  seq: number
}

/** Clients remembered at once: the least recently asking one is forgotten first. */
export const CLIENT_SLOTS = 64

/**
 * Each client's newest sequence number: a request older than its own client's newest is superseded
 * without being counted, whatever other pages and windows ask. Each client also holds a slot, where the
 * worker finds the ticket of that client's newest count (an older one stops between conditions).
 */
export class SeqGate {
  private readonly clients = new Map<string, { newest: number; slot: number }>()

  /** The client's slot, or null when `seq` is older than that client's newest. */
  admit(asker: Asker): number | null {
    let known = this.clients.get(asker.client)
    if (known && asker.seq < known.newest) return null
    if (known) this.clients.delete(asker.client)
    else {
      let slot = this.clients.size
      if (slot >= CLIENT_SLOTS) {
        const [oldest, entry] = this.clients.entries().next().value as [string, { slot: number }]
        this.clients.delete(oldest)
        slot = entry.slot
      }
      known = { newest: asker.seq, slot }
    }
    known.newest = asker.seq
    // Re-inserted: a Map iterates in insertion order, so the first entry is the least recently asking.
    this.clients.set(asker.client, known)
    return known.slot
  }
}

export class InlineQueries implements SegmentQueries {
  private engine: SegmentEngine | null = null
  private readonly gate = new SeqGate()
  constructor(private readonly databaseFile: string) {}

  private get open(): SegmentEngine {
    this.engine ??= new SegmentEngine(openReadConnection(this.databaseFile))
    return this.engine
  }

  async count(asker: Asker, definition: SegmentDefinition, perItem: boolean, nowMs: number) {
    if (this.gate.admit(asker) === null) return 'superseded' as const
    return this.open.count(definition, nowMs, perItem)
  }
  async memberPage(definitions: SegmentDefinition[], nowMs: number, page: MemberPageRequest) {
    return this.open.memberPage(definitions, nowMs, page)
  }
  async memberIds(definitions: SegmentDefinition[], nowMs: number) {
    return this.open.memberIds(definitions, nowMs)
  }
  async audience(definitions: SegmentDefinition[], nowMs: number) {
    return this.open.audience(definitions, nowMs)
  }
  /** This thread loads what a question reads when it is asked: nothing ever loads in the background. */
  async status(): Promise<SegmentEngineStatus> {
    return { state: 'ready', progress: 1, loadedColumns: this.engine?.snapshot.columns.size ?? 0 }
  }
  changed(ids: string[], all: boolean): void {
    this.engine?.snapshot.changed(ids, all)
  }
  async close(): Promise<void> {
    this.engine?.close()
    this.engine = null
  }
}

type Pending = { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }

export class WorkerQueries implements SegmentQueries {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  /** Per client slot (SeqGate), the ticket of that client's newest count. */
  private readonly latest = new Int32Array(new SharedArrayBuffer(4 * CLIENT_SLOTS))
  private readonly gate = new SeqGate()
  private ticket = 0

  constructor(
    private readonly databaseFile: string,
    private readonly launch: NonNullable<ReturnType<typeof workerLaunch>>,
    private readonly logger: Logger,
    /** Start the worker now and have it load the common shapes' columns before the first question. */
    private readonly warmUp = false,
  ) {
    if (warmUp) this.start()
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const setup: WorkerSetup = {
      databaseFile: this.databaseFile,
      latest: this.latest.buffer as SharedArrayBuffer,
      warmUp: this.warmUp,
    }
    const worker = new Worker(this.launch.url, {
      ...this.launch.options,
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    })
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.ticket)
      this.pending.delete(reply.ticket)
      // An idle worker does not keep the process alive; one with questions outstanding does.
      if (this.pending.size === 0) worker.unref()
      waiting?.resolve(reply)
    })
    const fail = (error: Error) => {
      this.logger.error('the segments worker stopped', error)
      this.worker = null
      for (const waiting of this.pending.values())
        waiting.reject(new AppError('internal', `The segment engine stopped: ${error.message}. Try again.`))
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`exit code ${code}`))
    })
    worker.unref()
    this.worker = worker
    return worker
  }

  private ask(message: ToWorker & { ticket: number }): Promise<WorkerReply> {
    const worker = this.start()
    return new Promise((resolve, reject) => {
      this.pending.set(message.ticket, { resolve, reject })
      worker.ref()
      worker.postMessage(message)
    })
  }

  private static unwrap<T extends WorkerReply['type']>(
    reply: WorkerReply,
    type: T,
  ): Extract<WorkerReply, { type: T }> {
    if (reply.type === 'failed') {
      const { code, message, details } = reply.error
      throw new AppError(isErrorCode(code) ? code : 'internal', message, details)
    }
    if (reply.type !== type)
      throw new AppError('internal', `The segment engine answered ${reply.type}, not ${type}.`)
    return reply as Extract<WorkerReply, { type: T }>
  }

  async count(asker: Asker, definition: SegmentDefinition, perItem: boolean, nowMs: number) {
    const slot = this.gate.admit(asker)
    if (slot === null) return 'superseded' as const
    const ticket = ++this.ticket
    Atomics.store(this.latest, slot, ticket)
    const reply = WorkerQueries.unwrap(
      await this.ask({ type: 'count', ticket, slot, definition, perItem, nowMs }),
      'count',
    )
    return reply.result
  }

  async memberPage(definitions: SegmentDefinition[], nowMs: number, page: MemberPageRequest) {
    const reply = WorkerQueries.unwrap(
      await this.ask({ type: 'page', ticket: ++this.ticket, definitions, nowMs, page }),
      'page',
    )
    return { ids: reply.ids, total: reply.total }
  }

  async memberIds(definitions: SegmentDefinition[], nowMs: number) {
    return WorkerQueries.unwrap(
      await this.ask({ type: 'ids', ticket: ++this.ticket, definitions, nowMs }),
      'ids',
    ).ids
  }

  async audience(definitions: SegmentDefinition[], nowMs: number) {
    return WorkerQueries.unwrap(
      await this.ask({ type: 'audience', ticket: ++this.ticket, definitions, nowMs }),
      'audience',
    ).tally
  }

  async status(): Promise<SegmentEngineStatus> {
    return WorkerQueries.unwrap(await this.ask({ type: 'status', ticket: ++this.ticket }), 'status').status
  }

  changed(ids: string[], all: boolean): void {
    this.worker?.postMessage({ type: 'changed', ids, all } satisfies ToWorker)
  }

  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (worker) await worker.terminate()
  }
}

/**
 * The worker's young generation, half V8's default (32 MiB of semi-spaces, all resident once it has
 * run): its columns are typed arrays outside the heap, and it sits beside an import, which must stay
 * under 300 MiB of resident memory. 200k profiles, 10 rounds (load ~3): 16 MiB counted as before (sum
 * of the shapes' p95 305-368 ms against 227-415), 8 MiB did not (533-612 ms).
 */
const WORKER_YOUNG_GENERATION_MB = 16

/** The worker when its entry exists (the app, tests from source), else this thread. */
export function createQueries(
  databaseFile: string,
  logger: Logger,
  threading: 'auto' | 'inline' = 'auto',
  warmUp = false,
): SegmentQueries {
  const launch = threading === 'auto' ? workerLaunch('segments-worker', import.meta.url) : null
  return launch ? new WorkerQueries(databaseFile, launch, logger, warmUp) : new InlineQueries(databaseFile)
}
