// Test harness for imports: a real backend on a real SQLite file in a temp dir, files written beside it
// (outside the data folder, as a person's files are), handles granted for them as Electron's main process
// does after its file dialog, and helpers that run a dry run or an import as the wizard would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract'
import type { ImportSummary } from '../../shared/ipc/channels/imports'
import type { AppErrorShape } from '../../shared/ipc/envelope'
import type { JobFinishedEvent } from '../../shared/ipc/events'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'

export interface ImportHarness {
  backend: Backend
  dataDir: string
  /** Where `file` writes: a temp folder of its own, outside the data folder. */
  filesDir: string
  /** Writes a file into the files folder and returns its path. */
  file(name: string, content: string | Buffer): string
  /** The handle of a file, granted as main grants a file chosen in the native dialog. */
  grant(path: string): string
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  fail(channel: string, request: unknown): Promise<AppErrorShape>
  /** Starts imports.validate or imports.start and waits for the job; returns the finished event. */
  run(channel: 'imports.validate' | 'imports.start', request: RequestOf<'imports.start'>): Promise<Finished>
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  count(table: string): number
  close(): Promise<void>
}

export interface Finished {
  event: JobFinishedEvent
  summary: ImportSummary
  runId: number
}

export const START = Date.UTC(2026, 5, 15, 12, 0, 0)

export function openImportHarness(options: { dataDir?: string; actor?: string } = {}): ImportHarness {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'profile-desk-import-'))
  const filesDir = mkdtempSync(join(tmpdir(), 'profile-desk-files-'))
  const backend = createBackend({
    dataDir,
    host: 'test',
    clock: () => START,
    logger: silentLogger,
    actor: options.actor ?? 'importer',
  })
  const finished = new Map<string, JobFinishedEvent>()
  backend.on('job.finished', (e) => finished.set(e.jobId, e))
  const h: ImportHarness = {
    backend,
    dataDir,
    filesDir,
    file(name, content) {
      const path = join(filesDir, name)
      writeFileSync(path, content)
      return path
    },
    grant: (path) => backend.grantFile(path, 'dialog').handle,
    call: (channel, request) => backend.call(channel, request),
    async fail(channel, request) {
      const reply = await backend.dispatch(channel, request)
      if (reply.ok)
        throw new Error(`${channel} succeeded but was expected to fail: ${JSON.stringify(reply.value)}`)
      return reply.error
    },
    async run(channel, request) {
      const { jobId, runId } = await backend.call(channel, request)
      await backend.context.jobs.wait(jobId)
      const event = finished.get(jobId)
      if (!event) throw new Error(`job ${jobId} finished without a job.finished event`)
      const { summary } = await backend.call('imports.run', { runId })
      if (!summary) throw new Error(`run ${runId} has no summary: ${JSON.stringify(event)}`)
      return { event, summary, runId }
    },
    rows: <T>(sql: string, ...params: unknown[]) => backend.context.db.prepare(sql).all(...params) as T[],
    count: (table) =>
      (backend.context.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    async close() {
      await backend.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
      rmSync(filesDir, { recursive: true, force: true })
    },
  }
  return h
}
