// The segments worker thread: the engine on its own read-only connection, answering the backend's
// requests in order. A count older than its client's newest is answered "superseded".
import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../../../shared/ipc/envelope'
import { SegmentEngine, Superseded } from './engine'
import { openReadConnection } from './read-connection'
import { engineStatus, warmUpSources } from './warm-up'
import type { ToWorker, WorkerReply, WorkerSetup } from './worker-protocol'

const setup = workerData as WorkerSetup
const latest = new Int32Array(setup.latest)
const engine = new SegmentEngine(openReadConnection(setup.databaseFile), undefined, true)

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message, message.type === 'ids' ? [message.ids.buffer as ArrayBuffer] : [])
}

function handle(message: ToWorker): void {
  if (message.type === 'changed') return engine.snapshot.changed(message.ids, message.all)
  try {
    switch (message.type) {
      case 'count': {
        const stale = () => Atomics.load(latest, message.slot) > message.ticket
        if (stale()) return reply({ type: 'count', ticket: message.ticket, result: 'superseded' })
        const result = engine.count(message.definition, message.nowMs, message.perItem, stale)
        return reply({ type: 'count', ticket: message.ticket, result })
      }
      case 'page': {
        const page = engine.memberPage(message.definitions, message.nowMs, message.page)
        return reply({ type: 'page', ticket: message.ticket, ...page })
      }
      case 'ids':
        return reply({
          type: 'ids',
          ticket: message.ticket,
          ids: engine.memberIds(message.definitions, message.nowMs),
        })
      case 'status':
        return reply({ type: 'status', ticket: message.ticket, status: engineStatus(engine.snapshot) })
      case 'audience':
        return reply({
          type: 'audience',
          ticket: message.ticket,
          tally: engine.audience(message.definitions, message.nowMs),
        })
    }
  } catch (error) {
    if (error instanceof Superseded)
      return reply({ type: 'count', ticket: message.ticket, result: 'superseded' })
    const known = error instanceof AppError
    reply({
      type: 'failed',
      ticket: message.ticket,
      error: {
        code: known ? error.code : 'internal',
        message: error instanceof Error ? error.message : String(error),
        ...(known && error.details !== undefined ? { details: error.details } : {}),
      },
    })
  }
}

/**
 * After a change to every profile the columns are read again, but only once such changes pause: an import
 * announces one a second while it commits batches, and reading everything again each time kept this
 * thread busy for the whole import (a 200k-row import: ~50 s of CPU, and the mapped file in memory).
 * Meanwhile counts are answered from the kept tables and SQL, as they are while loading.
 */
const QUIET_MS = 2_000
let quietUntil = 0

/** Background upkeep in chunks between requests: a request waits for one chunk at most. */
let warming = false
function warm(): void {
  if (warming) return
  warming = true
  const next = () => {
    const wait = quietUntil - Date.now()
    if (wait > 0) return void setTimeout(next, wait)
    try {
      if (engine.warmStep()) return void setImmediate(next)
    } catch {
      // Upkeep is an optimisation: pages walk the index until it succeeds on a later request.
    }
    warming = false
  }
  setImmediate(next)
}

parentPort?.on('message', (message: ToWorker) => {
  if (message.type === 'changed' && message.all) quietUntil = Date.now() + QUIET_MS
  handle(message)
  warm()
})

if (setup.warmUp) {
  engine.snapshot.warmUp(warmUpSources(engine.db))
  warm()
}
