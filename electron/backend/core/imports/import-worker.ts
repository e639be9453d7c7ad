// The import's worker thread: its own connection to the profile database (WAL lets the backend's
// connection keep answering searches meanwhile), one run, progress and committed batches reported back.
import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../../../../shared/ipc/envelope'
import { openDatabase } from '../db/connection'
import { registerDeviceFunctions } from '../devices/schema'
import { runEventImport } from './event-import'
import { ImportCheckpoints } from './import-checkpoints'
import { tuneImportConnection } from './import-connection'
import { runProfileImport } from './profile-import'
import type { RunSpec } from './run-report'
import type { FromWorker, ToWorker } from './worker-protocol'

interface WorkerInput {
  databaseFile: string
  /** The schema the backend's connection brought the database to: this connection expects the same. */
  schemaVersion: number
  spec: RunSpec
  /** ctx.clock() - Date.now() in the backend, so times agree with an injected clock. */
  clockOffset: number
  cacheKib: number
  /** The WAL backlog at which the worker's connection checkpoints (import-checkpoints.ts). */
  walBoundBytes: number
}

async function main(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('import-worker must run in a worker thread')
  const input = workerData as WorkerInput
  const post = (message: FromWorker) => port.postMessage(message)
  const controller = new AbortController()
  port.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') controller.abort()
  })
  const db = openDatabase(input.databaseFile, { expectVersion: input.schemaVersion }, [
    registerDeviceFunctions,
  ])
  tuneImportConnection(db, input.cacheKib)
  const checkpoints = new ImportCheckpoints(db, input.walBoundBytes)
  try {
    const hooks = {
      signal: controller.signal,
      progress: (phase: string, done: number, total: number | null) =>
        post({ type: 'progress', phase, done, total }),
      changed: () => post({ type: 'changed' }),
      now: () => Date.now() + input.clockOffset,
      committed: (lockMs: number) => checkpoints.committed(lockMs),
      settle: () => checkpoints.settle(),
    }
    const run = input.spec.kind === 'profiles' ? runProfileImport : runEventImport
    const summary = await run(db, input.spec, hooks)
    post({ type: 'done', summary, figures: checkpoints.figures() })
  } catch (error) {
    const shape =
      error instanceof AppError
        ? error.toShape()
        : { code: 'internal' as const, message: error instanceof Error ? error.message : String(error) }
    post({ type: 'failed', error: shape })
  } finally {
    db.close()
    port.close()
  }
}

void main()
