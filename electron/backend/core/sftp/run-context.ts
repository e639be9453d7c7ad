// What the steps of a run share: the run's context, the files it takes, and its connection (opened when
// needed, opened again after it dropped, with backoff between attempts).
import type { BackendContext } from '../context'
import { openSession, type ConnectSpec, type SftpSession } from './connection'
import { requestFailure, SftpFailure } from './failure'
import type { Manifest } from './manifest'
import type { ResolvedSftpOptions } from './options'
import { recordHostKeyType, type SourceRecord } from './sources'
import type { SpoolImporter } from './spool-import'

export interface RunContext {
  ctx: BackendContext
  options: ResolvedSftpOptions
  source: SourceRecord
  spec: ConnectSpec
  runId: number
  signal: AbortSignal
  /** The folder downloads go to before they are imported. */
  spoolDir: string
  importer: SpoolImporter
  progress(phase: string, done: number, total: number | null): void
}

export interface Candidate {
  name: string
  remotePath: string
  size: number
  mtime: number
  manifest: { name: string; remotePath: string; content: Manifest } | null
}

export interface Downloaded {
  candidate: Candidate
  fileId: number
  path: string
  sha256: string
}

/** The connection of a run: opened when needed, opened again after it dropped. */
export class Link {
  private current: SftpSession | null = null

  constructor(private readonly run: RunContext) {}

  async session(): Promise<SftpSession> {
    if (this.current?.alive) return this.current
    await this.drop()
    const { ctx, options, spec, source } = this.run
    this.current = await openSession(spec, options, ctx.logger)
    if (source.hostKey !== null && source.hostKeyType === null) {
      recordHostKeyType(ctx.db, source.id, source.hostKey, this.current.hostKey.type)
    }
    return this.current
  }

  async drop(): Promise<void> {
    const session = this.current
    this.current = null
    await session?.close()
  }
}

export function cancelled(run: RunContext): boolean {
  return run.signal.aborted
}

export function backoff(options: ResolvedSftpOptions, attempt: number): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1))
}

/** Connects with new attempts while the failure is one that may pass (refused, timeout, dropped). */
export async function connect(run: RunContext, link: Link): Promise<SftpSession> {
  const { options } = run
  for (let attempt = 1; ; attempt++) {
    run.progress(
      attempt === 1 ? 'connecting' : `connecting (attempt ${attempt} of ${options.attempts})`,
      0,
      null,
    )
    try {
      return await link.session()
    } catch (error) {
      const failure = error instanceof SftpFailure ? error : requestFailure(error, run.source.folder, 'reach')
      if (!failure.retryable || attempt >= options.attempts || cancelled(run)) throw failure
      await options.sleep(backoff(options, attempt), run.signal)
      if (cancelled(run)) throw failure
    }
  }
}
