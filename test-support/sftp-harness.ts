// SFTP test harness: a real backend on a temporary data folder, sources pointed at the real sshd of
// sshd-fixture.ts, runs started as a window or the scheduler would (a job), and short waits so the
// stability check and the retries do not slow the suite. The scheduler is off unless a test turns it on.
import type { SftpRunInfo, SourceFields, SourceSecrets } from '../shared/ipc/channels/sftp'
import type { JobFinishedEvent, JobProgressEvent } from '../shared/ipc/events'
import type { SftpOptions } from '../electron/backend/core/sftp/options'
import { openBackendHarness, type BackendHarness } from './backend'
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

export interface SftpHarness extends BackendHarness {
  /** Saves a source for the fixture's server (password login, key trusted, folder /in) with overrides. */
  addSource(overrides?: Partial<SourceFields>, secrets?: SourceSecrets): Promise<number>
  /** Run now, wait for the job, and return the run with its files. */
  run(sourceId: number): Promise<{ run: SftpRunInfo; finished: JobFinishedEvent }>
  /** Every job.progress event so far. */
  progress: JobProgressEvent[]
}

export function openSftpHarness(
  sshd: ServerUnderTest,
  options: { sftp?: SftpOptions; clock?: () => number; dataDir?: string } = {},
): SftpHarness {
  const base = openBackendHarness({
    prefix: 'profile-desk-sftp-',
    actor: 'sftp-test',
    sftp: { ...FAST, ...options.sftp },
    sync: { autoSync: false },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  })
  const { backend } = base
  const progress: JobProgressEvent[] = []
  backend.on('job.progress', (e) => progress.push(e))
  return {
    ...base,
    progress,
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
      const finished = await base.finished(jobId)
      return { run: await backend.call('sftp.runs.get', { runId }), finished }
    },
  }
}
