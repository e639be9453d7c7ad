// The one backend harness: a real backend (createBackend, as every host builds it) on a real SQLite file
// in a temporary data folder, its channels called as a window calls them, jobs awaited to their
// job.finished event, and tables read back. The feature harnesses (store, imports, SFTP, sync) add to it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Channel, RequestOf, ResponseOf } from '../shared/ipc/contract'
import type { AppErrorShape } from '../shared/ipc/envelope'
import type { JobFinishedEvent } from '../shared/ipc/events'
import {
  createBackend,
  type Backend,
  type BackendPorts,
} from '../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../electron/backend/core/platform/logger'

export interface BackendHarness {
  backend: Backend
  dataDir: string
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  /** Dispatches a request expected to fail; returns the error envelope's error. */
  fail(channel: string, request: unknown): Promise<AppErrorShape>
  /** Waits for a job to end and returns its job.finished event. */
  finished(jobId: string): Promise<JobFinishedEvent>
  /** Rows of a query, for checking what was written. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  count(table: string): number
  close(): Promise<void>
}

export type HarnessOptions = Partial<Omit<BackendPorts, 'dataDir'>> & {
  /** A data folder to open (kept on close); without it a temporary one, removed on close. */
  dataDir?: string
  /** The temporary folder's name prefix. */
  prefix?: string
}

export function openBackendHarness(options: HarnessOptions = {}): BackendHarness {
  const { dataDir: given, prefix, ...backendOptions } = options
  const dataDir = given ?? mkdtempSync(join(tmpdir(), prefix ?? 'profile-desk-test-'))
  const backend = createBackend({ host: 'test', logger: silentLogger, ...backendOptions, dataDir })
  const events = new Map<string, JobFinishedEvent>()
  backend.on('job.finished', (event) => events.set(event.jobId, event))
  return {
    backend,
    dataDir,
    call: (channel, request) => backend.call(channel, request),
    async fail(channel, request) {
      const reply = await backend.dispatch(channel, request)
      if (reply.ok)
        throw new Error(`${channel} succeeded but was expected to fail: ${JSON.stringify(reply.value)}`)
      return reply.error
    },
    async finished(jobId) {
      // The registry emits job.finished before the job's promise settles, so the event is here by now.
      await backend.context.jobs.wait(jobId)
      const event = events.get(jobId)
      if (!event) throw new Error(`job ${jobId} finished without a job.finished event`)
      return event
    },
    rows: <T>(sql: string, ...params: unknown[]) => backend.context.db.prepare(sql).all(...params) as T[],
    count: (table) =>
      (backend.context.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    async close() {
      await backend.close()
      if (!given) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
