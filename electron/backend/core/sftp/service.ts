// The SFTP service of one backend: sources and their secrets, "Test connection", runs as jobs (one per
// source at a time, also across processes), the history, and the scheduler that starts due sources.
import { join } from 'node:path'
import {
  describeSchedule,
  scheduleToText,
  type SftpRunInfo,
  type SftpRunTrigger,
  type SftpSourceView,
  type SftpTestResult,
  type SourceSecrets,
  type SourceSettings,
} from '../../../../shared/ipc/channels/sftp'
import { AppError } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import type { JobControl } from '../jobs/registry'
import { testConnection } from './connection-test'
import {
  finishRun,
  getRunInfo,
  lastRun,
  listRunInfos,
  markInterruptedRuns,
  runningRun,
  startRun,
} from './history'
import { resolveSftpOptions, type ResolvedSftpOptions, type SftpOptions } from './options'
import { runSource } from './runner'
import { nextRunAt } from './schedule'
import { SftpScheduler } from './scheduler'
import {
  checkSecrets,
  checkSettings,
  connectSpec,
  deleteSecrets,
  deleteSourceRow,
  findSource,
  getSource,
  insertSource,
  listSources,
  markSlot,
  mergeSecrets,
  NO_SECRETS,
  readSecrets,
  recordHostKeyType,
  storedSecretsFor,
  updateSource,
  writeSecrets,
  type SourceRecord,
  type StoredSecrets,
} from './sources'
import type { ImportService } from '../imports/import-service'
import { SpoolImporter } from './spool-import'
import { sweepSpool } from './spool-sweep'

export const SPOOL_FOLDER = 'sftp-spool'
/** The job registry emits at most every 100 ms and only when called again: the last state is re-sent after this. */
const TRAILING_PROGRESS_MS = 150

/**
 * Progress that always reaches the window: a run may report "checking that the files are complete" and
 * then wait seconds without another report, so the latest state is sent again shortly after.
 */
function trailingProgress(control: JobControl): { progress: JobControl['progress']; stop(): void } {
  let timer: NodeJS.Timeout | null = null
  let latest: [string, number, number | null] | null = null
  return {
    progress(phase, done, total) {
      latest = [phase, done, total]
      control.progress(phase, done, total)
      timer ??= setTimeout(() => {
        timer = null
        if (latest) control.progress(...latest)
      }, TRAILING_PROGRESS_MS)
    },
    stop() {
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
  }
}
const FILE_STORAGE_WARNING =
  'Passwords and private keys are stored unencrypted in a file readable only by your user account (secrets.json ' +
  'in the data folder), not in the OS keychain. Anyone who can log in as you, or read your backups, can read them.'

export class SftpService {
  readonly options: ResolvedSftpOptions
  readonly scheduler: SftpScheduler
  private readonly importer: SpoolImporter
  /** Sources running in this process; the ids are reserved before the run exists, so a second start is refused. */
  private readonly running = new Map<number, { runId: number | null; jobId: string | null }>()
  /** Key types seen by connection tests, so a key trusted from a test is saved with its type. */
  private readonly seenKeyTypes = new Map<string, string>()
  /** The backend is closing: nothing new starts (a scheduled start may still be reading its secrets). */
  private closed = false

  /**
   * `imports` is the backend's one ImportService (the wizard's too), so imports run one at a time overall;
   * `options` the scheduler on/off and timers, waits and retries for tests.
   */
  constructor(
    private readonly ctx: BackendContext,
    imports: ImportService,
    options: SftpOptions = {},
  ) {
    this.options = resolveSftpOptions(options, ctx.host)
    this.importer = new SpoolImporter(ctx, imports)
    this.scheduler = new SftpScheduler(
      {
        sources: () =>
          listSources(ctx.db).map((s) => ({
            id: s.id,
            state: { schedule: s.schedule, anchor: s.anchor, lastSlotAt: s.lastSlotAt },
          })),
        isRunning: (id) => this.running.has(id) || runningRun(ctx.db, id) !== null,
        start: (id, slot, trigger) => {
          this.startScheduled(id, slot, trigger).catch((error: unknown) =>
            ctx.logger.error('a scheduled SFTP run could not start', error),
          )
          return true
        },
      },
      this.options.timers,
      ctx.clock,
      this.options.checkIntervalMs,
    )
  }

  /** Start-up, once: dead runs marked interrupted, then their spool swept; due sources start. */
  start(): void {
    const ctx = this.ctx
    const interrupted = markInterruptedRuns(ctx.db, ctx.clock())
    if (interrupted > 0)
      ctx.logger.warn(
        `${interrupted} SFTP ${interrupted === 1 ? 'run was' : 'runs were'} interrupted and marked so.`,
      )
    const swept = sweepSpool(ctx.db, join(ctx.dataDir, SPOOL_FOLDER))
    if (swept > 0) ctx.logger.info(`Removed the downloaded files of ${swept} unfinished SFTP run(s).`)
    ctx.onClose(() => {
      this.closed = true
      this.scheduler.stop()
    })
    if (this.options.scheduler) this.scheduler.check()
  }

  async list(): Promise<{
    items: SftpSourceView[]
    secretStorage: 'os-keychain' | 'file'
    secretWarning: string | null
  }> {
    const storage = await this.ctx.secrets.describe()
    const items: SftpSourceView[] = []
    for (const source of listSources(this.ctx.db)) items.push(await this.view(source))
    return {
      items,
      secretStorage: storage.storage,
      secretWarning: storage.storage === 'file' ? FILE_STORAGE_WARNING : storage.warning,
    }
  }

  async get(id: number): Promise<SftpSourceView> {
    return this.view(getSource(this.ctx.db, id))
  }

  async save(
    id: number | undefined,
    settings: SourceSettings,
    given: SourceSecrets,
  ): Promise<SftpSourceView> {
    const { ctx } = this
    const current = id === undefined ? null : getSource(ctx.db, id)
    checkSettings(ctx.db, settings, current?.id ?? null)
    // A changed host, port, user or host key needs the secret given again: the stored one stays where it was.
    const stored = current
      ? storedSecretsFor(current, await readSecrets(ctx.secrets, current.id), settings, given, true)
      : NO_SECRETS
    const secrets = mergeSecrets(stored, given)
    checkSecrets(settings.auth, secrets)
    const keyType = settings.hostKey === null ? null : (this.seenKeyTypes.get(settings.hostKey) ?? null)
    const now = ctx.clock()
    let savedId: number
    if (current) {
      updateSource(ctx.db, current, settings, keyType, now)
      savedId = current.id
    } else {
      savedId = insertSource(ctx.db, settings, keyType, now)
    }
    try {
      await writeSecrets(ctx.secrets, savedId, settings.auth, secrets)
    } catch (error) {
      // A new source without its secret would fail every run: keep nothing rather than half a source.
      if (!current) deleteSourceRow(ctx.db, savedId)
      throw error
    }
    this.scheduler.arm()
    return this.get(savedId)
  }

  async remove(id: number): Promise<boolean> {
    const { ctx } = this
    const source = findSource(ctx.db, id)
    if (!source) return false
    if (this.running.has(id) || runningRun(ctx.db, id)) {
      throw new AppError(
        'conflict',
        `"${source.name}" is running; cancel the run or wait for it before removing the source.`,
      )
    }
    deleteSourceRow(ctx.db, id)
    await deleteSecrets(ctx.secrets, id)
    this.scheduler.arm()
    return true
  }

  async test(request: {
    id?: number | undefined
    source?: SourceSettings | undefined
    secrets?: SourceSecrets | undefined
  }): Promise<SftpTestResult> {
    const { ctx } = this
    const saved = request.id === undefined ? null : getSource(ctx.db, request.id)
    const settings = request.source ?? saved
    if (!settings) throw new AppError('validation', 'Give the id of a saved source, or the source to test.')
    // Stored secrets fill in only for the same kind of login on the same saved source, going where they were
    // saved for; without a trusted key no login is attempted, so none is needed.
    const stored =
      saved && saved.auth === settings.auth
        ? storedSecretsFor(
            saved,
            await readSecrets(ctx.secrets, saved.id),
            settings,
            request.secrets,
            settings.hostKey !== null,
          )
        : NO_SECRETS
    const secrets = mergeSecrets(stored, request.secrets)
    const result = await testConnection(connectSpec(settings, secrets), settings, this.options, ctx.logger)
    if (result.fingerprint && result.keyType) this.seenKeyTypes.set(result.fingerprint, result.keyType)
    if (saved && result.ok && saved.hostKey && result.keyType) {
      recordHostKeyType(ctx.db, saved.id, saved.hostKey, result.keyType)
    }
    return result
  }

  /** Starts a run now (Run now, the command line). */
  async run(id: number, trigger: SftpRunTrigger): Promise<{ jobId: string; runId: number }> {
    return this.startRun(getSource(this.ctx.db, id), trigger, null)
  }

  listRuns(request: { sourceId?: number | undefined; offset: number; limit: number }): {
    items: SftpRunInfo[]
    total: number
  } {
    return listRunInfos(this.ctx.db, request)
  }

  getRun(runId: number): SftpRunInfo {
    return getRunInfo(this.ctx.db, runId)
  }

  private async startScheduled(id: number, slot: number, trigger: 'schedule' | 'missed'): Promise<void> {
    const { ctx } = this
    if (this.closed) return
    const source = findSource(ctx.db, id)
    if (!source) return
    try {
      await this.startRun(source, trigger, slot)
    } catch (error) {
      if (this.closed || (error instanceof AppError && error.code === 'conflict')) return
      // A scheduled run that cannot start (no trusted key, no password) shows in the history as failed,
      // and its slot counts as taken, so it is not retried every minute.
      markSlot(ctx.db, id, slot)
      const message = `The scheduled run could not start: ${(error as Error).message}`
      ctx.logger.warn(`SFTP source "${source.name}": ${message}`)
      try {
        const runId = startRun(ctx.db, source, trigger, ctx.clock())
        finishRun(ctx.db, runId, { status: 'failed', found: 0, waiting: [], error: message }, ctx.clock())
      } catch {
        // It started elsewhere meanwhile.
      }
    }
  }

  private async startRun(
    source: SourceRecord,
    trigger: SftpRunTrigger,
    slot: number | null,
  ): Promise<{ jobId: string; runId: number }> {
    const { ctx } = this
    if (this.running.has(source.id)) {
      const current = this.running.get(source.id)
      throw new AppError(
        'conflict',
        `"${source.name}" is already running; wait for it to finish or cancel it.`,
        {
          runId: current?.runId ?? null,
        },
      )
    }
    this.running.set(source.id, { runId: null, jobId: null })
    let runId: number
    let secrets: StoredSecrets
    try {
      if (this.closed) throw new AppError('cancelled', 'Profile Desk is closing.')
      if (source.hostKey === null) {
        throw new AppError(
          'validation',
          `"${source.name}" has no trusted host key yet: test its connection and trust the server’s key first.`,
          { key: 'hostKey' },
        )
      }
      secrets = await readSecrets(ctx.secrets, source.id)
      if (this.closed) throw new AppError('cancelled', 'Profile Desk is closing.')
      checkSecrets(source.auth, secrets)
      runId = startRun(ctx.db, source, trigger, ctx.clock())
      if (slot !== null) markSlot(ctx.db, source.id, slot)
    } catch (error) {
      this.running.delete(source.id)
      throw error
    }
    const spec = connectSpec(source, secrets)
    const { jobId } = ctx.jobs.start('sftp.run', async (control) => {
      const reporter = trailingProgress(control)
      try {
        const result = await runSource({
          ctx,
          options: this.options,
          source,
          spec,
          runId,
          signal: control.signal,
          spoolDir: join(ctx.dataDir, SPOOL_FOLDER),
          importer: this.importer,
          progress: reporter.progress,
        })
        const info = getRunInfo(ctx.db, result.runId)
        return {
          runId,
          sourceId: source.id,
          sourceName: source.name,
          status: info.status,
          found: info.found,
          imported: info.imported,
          skipped: info.skipped,
          failed: info.failed,
          waiting: info.waiting.length,
          error: info.error,
        }
      } catch (error) {
        // Only a bug gets here (runSource records its own failures): keep the history truthful.
        finishRun(
          ctx.db,
          runId,
          { status: 'failed', found: 0, waiting: [], error: (error as Error).message },
          ctx.clock(),
        )
        throw error
      } finally {
        reporter.stop()
        this.running.delete(source.id)
        if (this.options.scheduler) this.scheduler.check()
      }
    })
    this.running.set(source.id, { runId, jobId })
    return { jobId, runId }
  }

  private async view(source: SourceRecord): Promise<SftpSourceView> {
    const { ctx } = this
    const secrets = await readSecrets(ctx.secrets, source.id)
    const mine = this.running.get(source.id)
    const elsewhere = mine ? null : runningRun(ctx.db, source.id)
    const { anchor: _anchor, lastSlotAt: _lastSlotAt, ...settings } = source
    return {
      ...settings,
      stored: {
        password: secrets.password !== null,
        privateKey: secrets.privateKey !== null,
        passphrase: secrets.passphrase !== null,
      },
      scheduleText: describeSchedule(source.schedule),
      scheduleCli: scheduleToText(source.schedule),
      nextRunAt: nextRunAt(
        { schedule: source.schedule, anchor: source.anchor, lastSlotAt: source.lastSlotAt },
        ctx.clock(),
      ),
      lastRun: lastRun(ctx.db, source.id),
      running:
        mine && mine.runId !== null
          ? { runId: mine.runId, jobId: mine.jobId }
          : elsewhere
            ? { runId: elsewhere.runId, jobId: null }
            : null,
    }
  }
}
