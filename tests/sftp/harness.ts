// SFTP test harness: a real backend on a temporary data folder, sources pointed at the real sshd of
// sshd-fixture.ts, runs started as a window or the scheduler would (a job), and short waits so the
// stability check and the retries do not slow the suite. The scheduler is off unless a test turns it on.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract'
import type { SftpRunInfo, SourceFields, SourceSecrets } from '../../shared/ipc/channels/sftp'
import type { AppErrorShape } from '../../shared/ipc/envelope'
import type { JobFinishedEvent, JobProgressEvent } from '../../shared/ipc/events'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import type { SftpOptions } from '../../electron/backend/core/sftp/options'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import type { Sshd } from './sshd-fixture'

export { profilesCsv } from './csv-files'

export const FAST: SftpOptions = {
  scheduler: false,
  stabilityDelayMs: 300,
  attempts: 3,
  retryBaseMs: 50,
  retryMaxMs: 200,
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  stallTimeoutMs: 5_000,
}

/** The server a harness's sources point at: the real sshd, or the lying ssh2 server. */
export type ServerUnderTest = Pick<Sshd, 'host' | 'port' | 'user' | 'password' | 'fingerprint' | 'local'>

export interface SftpHarness {
  backend: Backend
  dataDir: string
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>
  fail(channel: string, request: unknown): Promise<AppErrorShape>
  /** Saves a source for the fixture's server (password login, key trusted, folder /in) with overrides. */
  addSource(overrides?: Partial<SourceFields>, secrets?: SourceSecrets): Promise<number>
  /** Run now, wait for the job, and return the run with its files. */
  run(sourceId: number): Promise<{ run: SftpRunInfo; finished: JobFinishedEvent }>
  /** Every job.progress event so far. */
  progress: JobProgressEvent[]
  count(table: string): number
  close(): Promise<void>
}

export function openSftpHarness(
  sshd: ServerUnderTest,
  options: { sftp?: SftpOptions; clock?: () => number; dataDir?: string } = {},
): SftpHarness {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'profile-desk-sftp-'))
  const backend = createBackend({
    dataDir,
    host: 'test',
    logger: silentLogger,
    actor: 'sftp-test',
    sftp: { ...FAST, ...options.sftp },
    sync: { autoSync: false },
    ...(options.clock ? { clock: options.clock } : {}),
  })
  const finished = new Map<string, JobFinishedEvent>()
  const progress: JobProgressEvent[] = []
  backend.on('job.finished', (e) => finished.set(e.jobId, e))
  backend.on('job.progress', (e) => progress.push(e))
  const harness: SftpHarness = {
    backend,
    dataDir,
    progress,
    call: (channel, request) => backend.call(channel, request),
    async fail(channel, request) {
      const reply = await backend.dispatch(channel, request)
      if (reply.ok)
        throw new Error(`${channel} succeeded but was expected to fail: ${JSON.stringify(reply.value)}`)
      return reply.error
    },
    async addSource(overrides = {}, secrets = { password: sshd.password }) {
      const source = await backend.call('sftp.sources.save', {
        source: {
          name: `source-${Math.random().toString(36).slice(2, 8)}`,
          host: sshd.host,
          port: sshd.port,
          username: sshd.user,
          auth: 'password',
          hostKey: sshd.fingerprint,
          folder: sshd.local('/in'),
          pattern: '*.csv',
          ...overrides,
        },
        secrets,
      })
      return source.id
    },
    async run(sourceId) {
      const { jobId, runId } = await backend.call('sftp.sources.run', { id: sourceId })
      await backend.context.jobs.wait(jobId)
      const event = finished.get(jobId)
      if (!event) throw new Error(`job ${jobId} finished without a job.finished event`)
      return { run: await backend.call('sftp.runs.get', { runId }), finished: event }
    },
    count: (table) =>
      (backend.context.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    async close() {
      await backend.close()
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return harness
}
