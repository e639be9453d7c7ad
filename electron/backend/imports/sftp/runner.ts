// One run of one source, in three steps so that an import never depends on the connection staying up:
// 1. connect (host key pinned), list (a listed name that is not a plain file name is refused), and keep
//    only complete files (manifest arrived, or size and time unchanged across two listings); download each
//    to its own folder in the local spool, hashing it and counting its bytes against the size limit, with
//    new attempts after a dropped connection; 2. offline, import each downloaded file through the
//    CSV pipeline unless exactly this file was imported before; 3. reconnect for the post-actions (leave,
//    move to processed/, delete). Every file's outcome is recorded as it happens.
import { chmod, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { MappingChoice } from '../../../../shared/ipc/channels/imports'
import type { SftpRunStatus } from '../../../../shared/ipc/channels/sftp'
import type { BackendContext } from '../../context'
import { prepareImport } from '../import-setup'
import { openSession, requestFailure, SftpFailure, type ConnectSpec, type SftpSession } from './connection'
import { matchesPattern } from './glob'
import { addFile, findImported, finishRun, updateFile } from './history'
import { isManifestName, manifestMapping, MANIFEST_LIMIT, parseManifest, type Manifest } from './manifest'
import { localChild, printableName, remoteChild, unsafeNameMessage, unsafeNameReason } from './names'
import type { ResolvedSftpOptions } from './options'
import { ByteLimitExceeded, dataFileLimit } from './size-limit'
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

export interface RunResult {
  runId: number
  status: SftpRunStatus
  found: number
  waiting: string[]
  error: string | null
}

interface Candidate {
  name: string
  remotePath: string
  size: number
  mtime: number
  manifest: { name: string; remotePath: string; content: Manifest } | null
}

interface Downloaded {
  candidate: Candidate
  fileId: number
  path: string
  sha256: string
}

type DownloadOutcome =
  | { kind: 'done'; path: string; sha256: string; attempts: number }
  /** The file changed while it was taken: it is still being written; a later run takes it. */
  | { kind: 'changed'; attempts: number }
  | { kind: 'failed'; message: string; attempts: number; unreachable: boolean }

/** The connection of a run: opened when needed, opened again after it dropped. */
class Link {
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

/** Folders of the spool: private to this user, like the files in them. */
const PRIVATE_FOLDER = 0o700

async function privateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_FOLDER })
  // A folder made by an earlier version (or another umask) is made private too.
  await chmod(path, PRIVATE_FOLDER)
}

function cancelled(run: RunContext): boolean {
  return run.signal.aborted
}

function backoff(options: ResolvedSftpOptions, attempt: number): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1))
}

/** Connects with new attempts while the failure is one that may pass (refused, timeout, dropped). */
async function connect(run: RunContext, link: Link): Promise<SftpSession> {
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

interface Listing {
  files: Candidate[]
  /** Files whose listed name is not a plain file name (`../x.csv`, `a/b.csv`, `..`, a NUL): never taken. */
  refused: { name: string; reason: string; size: number; mtime: number }[]
}

async function listFolder(run: RunContext, session: SftpSession): Promise<Listing> {
  const { source } = run
  const stat = await session.stat(source.folder)
  if (!stat) {
    throw new SftpFailure(
      'folder_missing',
      `The folder "${source.folder}" does not exist on ${source.host}. Check the folder in the source’s settings.`,
      false,
    )
  }
  if (!stat.isFolder)
    throw new SftpFailure(
      'not_a_folder',
      `"${source.folder}" on ${source.host} is a file, not a folder.`,
      false,
    )
  const entries = await session.list(source.folder)
  const listing: Listing = { files: [], refused: [] }
  for (const entry of entries) {
    if (entry.kind !== 'file') continue
    const reason = unsafeNameReason(entry.name)
    if (reason) {
      listing.refused.push({ name: entry.name, reason, size: entry.size, mtime: entry.mtime })
      continue
    }
    listing.files.push({
      name: entry.name,
      remotePath: remoteChild(source.folder, entry.name),
      size: entry.size,
      mtime: entry.mtime,
      manifest: null,
    })
  }
  return listing
}

/** Each refused name gets a failed row in the run's history saying why. */
function recordRefused(run: RunContext, refused: Listing['refused']): void {
  const { ctx, source, runId } = run
  for (const entry of refused) {
    const name = printableName(entry.name)
    const fileId = addFile(
      ctx.db,
      runId,
      source.id,
      {
        name,
        remotePath: `${source.folder.replace(/\/+$/, '')}/${name}`,
        size: entry.size,
        mtime: entry.mtime,
      },
      'failed',
      ctx.clock(),
    )
    updateFile(ctx.db, fileId, {
      error: unsafeNameMessage(entry.name, entry.reason),
      finishedAt: ctx.clock(),
    })
  }
}

/** The CSV files matching the pattern (never manifests), oldest first: the order they were put there. */
function dataFiles(run: RunContext, files: Candidate[]): Candidate[] {
  return files
    .filter((f) => !isManifestName(f.name) && matchesPattern(f.name, run.source.pattern))
    .sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name))
}

/** Size stability: a file is complete when its size and time did not change between two listings. */
async function stableFiles(
  run: RunContext,
  session: SftpSession,
  first: Candidate[],
): Promise<{ ready: Candidate[]; waiting: string[]; found: number }> {
  const candidates = dataFiles(run, first)
  if (candidates.length === 0) return { ready: [], waiting: [], found: 0 }
  run.progress('checking that the files are complete', 0, null)
  await run.options.sleep(run.options.stabilityDelayMs, run.signal)
  if (cancelled(run)) return { ready: [], waiting: [], found: candidates.length }
  const second = new Map((await listFolder(run, session)).files.map((f) => [f.name, f]))
  const ready: Candidate[] = []
  const waiting: string[] = []
  for (const file of candidates) {
    const again = second.get(file.name)
    if (again && again.size === file.size && again.mtime === file.mtime) ready.push(file)
    else if (again) waiting.push(file.name)
  }
  return { ready, waiting, found: candidates.length }
}

/** Manifest rule: a CSV is complete when a `.manifest` naming it has arrived. Bad manifests are recorded failed. */
async function manifestFiles(
  run: RunContext,
  session: SftpSession,
  files: Candidate[],
): Promise<{ ready: Candidate[]; waiting: string[]; found: number }> {
  const { ctx, source, runId } = run
  const candidates = dataFiles(run, files)
  const byName = new Map(candidates.map((c) => [c.name, c]))
  const manifests = files
    .filter((f) => isManifestName(f.name))
    .sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name))
  const ready: Candidate[] = []
  const claimed = new Set<string>()
  const fail = (manifest: Candidate, message: string) => {
    const fileId = addFile(ctx.db, runId, source.id, manifest, 'failed', ctx.clock())
    updateFile(ctx.db, fileId, { error: message, finishedAt: ctx.clock() })
  }
  for (const manifest of manifests) {
    if (cancelled(run)) break
    let text: string
    try {
      if (manifest.size > MANIFEST_LIMIT.bytes)
        throw new ByteLimitExceeded(MANIFEST_LIMIT, manifest.name, manifest.size, true)
      text = (await session.read(manifest.remotePath, MANIFEST_LIMIT)).toString('utf8')
    } catch (error) {
      if (error instanceof SftpFailure && error.retryable) throw error
      if (error instanceof ByteLimitExceeded) {
        fail(manifest, `Incorrect details in manifest file ${manifest.name}: ${error.message}`)
        continue
      }
      fail(
        manifest,
        `Incorrect details in manifest file ${manifest.name}: it could not be read (${(error as Error).message})`,
      )
      continue
    }
    const parsed = parseManifest(text, manifest.name)
    if (!parsed.ok) {
      fail(manifest, parsed.message)
      continue
    }
    const target = parsed.manifest.fileName
    // Another source's file (a shared folder): not ours to take or to complain about.
    if (!matchesPattern(target, source.pattern)) continue
    const data = byName.get(target)
    if (!data) {
      fail(
        manifest,
        `No data file found: ${manifest.name} names ${target}, which is not in ${source.folder}.`,
      )
      continue
    }
    if (claimed.has(target)) continue
    claimed.add(target)
    ready.push({
      ...data,
      manifest: { name: manifest.name, remotePath: manifest.remotePath, content: parsed.manifest },
    })
  }
  const waiting = candidates.filter((c) => !claimed.has(c.name)).map((c) => c.name)
  return { ready, waiting, found: candidates.length }
}

/** The folder a file is downloaded to: its own, so two names one disk sees as the same never meet. */
function fileFolder(run: RunContext, fileId: number): string {
  return join(run.spoolDir, `run-${run.runId}`, `file-${fileId}`)
}

async function download(
  run: RunContext,
  link: Link,
  file: Candidate,
  fileId: number,
  index: number,
  total: number,
): Promise<DownloadOutcome> {
  const { options } = run
  const limit = dataFileLimit(options.maxFileBytes)
  if (file.size > limit.bytes) {
    const refused = new ByteLimitExceeded(limit, file.name, file.size, true)
    return { kind: 'failed', message: `Not imported: ${refused.message}`, attempts: 0, unreachable: false }
  }
  let destination: string
  try {
    for (const folder of [run.spoolDir, join(run.spoolDir, `run-${run.runId}`), fileFolder(run, fileId)])
      await privateFolder(folder)
    destination = localChild(fileFolder(run, fileId), file.name)
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message, attempts: 0, unreachable: false }
  }
  let first: SftpFailure | null = null
  let last: SftpFailure | null = null
  let unreachable = false
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) {
      run.progress(`downloading ${file.name}: attempt ${attempt} of ${options.attempts}`, 0, file.size)
      await options.sleep(backoff(options, attempt - 1), run.signal)
    }
    if (cancelled(run)) break
    let session: SftpSession
    try {
      session = await link.session()
      unreachable = false
    } catch (error) {
      last = error instanceof SftpFailure ? error : requestFailure(error, file.remotePath, 'reach')
      first ??= last
      unreachable = true
      if (!last.retryable) break
      continue
    }
    try {
      const before = await session.stat(file.remotePath)
      if (!before) {
        return {
          kind: 'failed',
          message: `${file.name} disappeared from the server before it could be downloaded.`,
          attempts: attempt,
          unreachable: false,
        }
      }
      if (before.size !== file.size || before.mtime !== file.mtime)
        return { kind: 'changed', attempts: attempt }
      const label = `downloading ${file.name} (file ${index} of ${total})`
      run.progress(label, 0, file.size)
      const got = await session.download(file.remotePath, destination, {
        signal: run.signal,
        stallTimeoutMs: options.stallTimeoutMs,
        limit,
        onBytes: (bytes) => run.progress(label, bytes, file.size),
      })
      const after = await session.stat(file.remotePath)
      if (!after || after.size !== file.size || after.mtime !== file.mtime) {
        await rm(destination, { force: true })
        return { kind: 'changed', attempts: attempt }
      }
      if (got.bytes !== file.size) {
        await rm(destination, { force: true })
        last = new SftpFailure(
          'failed',
          `The server listed ${file.size} bytes but ${got.bytes} arrived.`,
          true,
        )
        first ??= last
        await link.drop()
        continue
      }
      return { kind: 'done', path: destination, sha256: got.sha256, attempts: attempt }
    } catch (error) {
      if (cancelled(run)) break
      // More bytes came than the limit allows: the same would come again, so it is not retried.
      if (error instanceof ByteLimitExceeded)
        return {
          kind: 'failed',
          message: `Not imported: ${error.message}`,
          attempts: attempt,
          unreachable: false,
        }
      last = error instanceof SftpFailure ? error : requestFailure(error, file.remotePath, 'download')
      first ??= last
      await link.drop()
      if (!last.retryable) break
    }
  }
  if (cancelled(run))
    return { kind: 'failed', message: 'Cancelled during the download.', attempts: 0, unreachable: false }
  const reasons = [first, last].filter((f, i, all): f is SftpFailure => f !== null && all.indexOf(f) === i)
  const reason = reasons.map((f) => f.message).join(' Then: ') || 'The download failed.'
  const tries = last?.retryable ? ` after ${options.attempts} attempts` : ''
  return {
    kind: 'failed',
    message: `Not imported: the download failed${tries}. ${reason}`,
    attempts: options.attempts,
    unreachable,
  }
}

async function mappingFor(
  run: RunContext,
  item: Downloaded,
): Promise<{ ok: true; mapping: MappingChoice } | { ok: false; message: string }> {
  const { source, ctx } = run
  const manifest = item.candidate.manifest
  if (source.mappingName !== null) return { ok: true, mapping: { name: source.mappingName } }
  if (!manifest || manifest.content.columns.size === 0) return { ok: true, mapping: 'auto' }
  const kind = manifest.content.kind ?? source.kind
  try {
    const prepared = await prepareImport(ctx.db, { path: item.path, kind, mapping: 'auto', encoding: 'auto' })
    return manifestMapping(manifest.content, manifest.name, prepared.headers, prepared.mapping)
  } catch (error) {
    return { ok: false, message: (error as Error).message }
  }
}

async function importOne(run: RunContext, item: Downloaded): Promise<boolean> {
  const { ctx, source } = run
  const { candidate } = item
  const earlier = findImported(ctx.db, source.id, { ...candidate, sha256: item.sha256 })
  if (earlier) {
    updateFile(ctx.db, item.fileId, {
      status: 'skipped',
      error:
        `Already imported by run #${earlier.runId} on ${new Date(earlier.at).toISOString().replace(/\.\d+Z$/, 'Z')} ` +
        '(same name, size, time and content): not imported again.',
      finishedAt: ctx.clock(),
    })
    return true
  }
  updateFile(ctx.db, item.fileId, { status: 'importing' })
  const mapping = await mappingFor(run, item)
  if (!mapping.ok) {
    updateFile(ctx.db, item.fileId, { status: 'failed', error: mapping.message, finishedAt: ctx.clock() })
    return false
  }
  const kind = candidate.manifest?.content.kind ?? source.kind
  const result = await run.importer.importFile(
    item.path,
    kind,
    mapping.mapping,
    run.signal,
    (phase, done, total) =>
      run.progress(`importing ${candidate.name}${phase === 'reading' ? ': reading' : ''}`, done, total),
  )
  updateFile(ctx.db, item.fileId, {
    status: result.status === 'imported' ? 'imported' : 'failed',
    importRunId: result.importRunId,
    counts: result.counts,
    rejectedRows: result.rejectedRows,
    error: result.status === 'imported' ? null : result.error,
    finishedAt: ctx.clock(),
  })
  return result.status === 'imported'
}

/** `name.csv` in processed/ already: `name.run-12.csv`, so nothing on the server is overwritten. */
async function freeName(session: SftpSession, folder: string, name: string, runId: number): Promise<string> {
  if (!(await session.stat(remoteChild(folder, name)))) return remoteChild(folder, name)
  const dot = name.lastIndexOf('.')
  const stem = dot > 0 ? name.slice(0, dot) : name
  const extension = dot > 0 ? name.slice(dot) : ''
  for (let n = 0; n < 100; n++) {
    const candidate = remoteChild(folder, `${stem}.run-${runId}${n === 0 ? '' : `-${n}`}${extension}`)
    if (!(await session.stat(candidate))) return candidate
  }
  throw new SftpFailure('failed', `processed/ already holds ${name} and 100 other copies of it.`, false)
}

async function finishFiles(run: RunContext, link: Link, done: Downloaded[]): Promise<void> {
  const { ctx, source } = run
  if (done.length === 0) return
  if (source.after === 'leave') {
    for (const item of done) updateFile(ctx.db, item.fileId, { after: 'left' })
    return
  }
  const what = source.after === 'move' ? 'moved to processed/' : 'deleted'
  run.progress(
    source.after === 'move' ? 'moving files to processed/' : 'deleting imported files',
    0,
    done.length,
  )
  let session: SftpSession
  try {
    session = await connect(run, link)
  } catch (error) {
    const message =
      `Imported, but not ${what}: ${(error as Error).message} ` +
      'The next run recognises it as already imported and tries again.'
    for (const item of done) updateFile(ctx.db, item.fileId, { afterError: message })
    return
  }
  const processed = remoteChild(source.folder, 'processed')
  let processedReady = false
  for (const [index, item] of done.entries()) {
    // Only ever the listed files themselves, addressed inside the source's folder.
    const names = [item.candidate.name, ...(item.candidate.manifest ? [item.candidate.manifest.name] : [])]
    try {
      if (source.after === 'move') {
        if (!processedReady) {
          const stat = await session.stat(processed)
          if (!stat) await session.mkdir(processed)
          else if (!stat.isFolder)
            throw new SftpFailure('not_a_folder', `"${processed}" is a file, not a folder.`, false)
          processedReady = true
        }
        for (const name of names) {
          const target = await freeName(session, processed, name, run.runId)
          await session.rename(remoteChild(source.folder, name), target)
        }
        updateFile(ctx.db, item.fileId, { after: 'moved' })
      } else {
        for (const name of names) await session.remove(remoteChild(source.folder, name))
        updateFile(ctx.db, item.fileId, { after: 'deleted' })
      }
    } catch (error) {
      updateFile(ctx.db, item.fileId, {
        afterError: `Imported, but not ${what}: ${(error as Error).message}`,
      })
      if (error instanceof SftpFailure && error.retryable) {
        try {
          session = await connect(run, link)
        } catch {
          // The rest get the same note below.
        }
      }
    }
    run.progress(
      source.after === 'move' ? 'moving files to processed/' : 'deleting imported files',
      index + 1,
      done.length,
    )
  }
}

export async function runSource(run: RunContext): Promise<RunResult> {
  const { ctx, source, runId } = run
  const link = new Link(run)
  let found = 0
  const waiting: string[] = []
  let error: string | null = null
  const downloaded: Downloaded[] = []
  const finished: Downloaded[] = []
  try {
    const session = await connect(run, link)
    run.progress(`listing ${source.folder}`, 0, null)
    const first = await listFolder(run, session)
    recordRefused(run, first.refused)
    const complete =
      source.completion === 'manifest'
        ? await manifestFiles(run, session, first.files)
        : await stableFiles(run, session, first.files)
    found = complete.found
    waiting.push(...complete.waiting)
    for (const [index, file] of complete.ready.entries()) {
      if (cancelled(run)) break
      const fileId = addFile(ctx.db, runId, source.id, file, 'downloading', ctx.clock())
      const outcome = await download(run, link, file, fileId, index + 1, complete.ready.length)
      if (outcome.kind === 'done') {
        updateFile(ctx.db, fileId, {
          status: 'downloaded',
          sha256: outcome.sha256,
          attempts: outcome.attempts,
        })
        downloaded.push({ candidate: file, fileId, path: outcome.path, sha256: outcome.sha256 })
      } else if (outcome.kind === 'changed') {
        ctx.db.prepare('DELETE FROM sftp_files WHERE id = ?').run(fileId)
        waiting.push(file.name)
      } else {
        updateFile(ctx.db, fileId, {
          status: 'failed',
          attempts: outcome.attempts,
          error: outcome.message,
          finishedAt: ctx.clock(),
        })
        if (outcome.unreachable) {
          const left = complete.ready.slice(index + 1).map((f) => f.name)
          waiting.push(...left)
          error = `The server could not be reached any more${left.length ? `; ${left.length} more ${left.length === 1 ? 'file was' : 'files were'} left for the next run` : ''}.`
          break
        }
      }
    }
    // Everything needed is local now: the imports do not need the connection.
    await link.drop()
    for (const item of downloaded) {
      if (cancelled(run)) break
      if (await importOne(run, item)) finished.push(item)
      await rm(fileFolder(run, item.fileId), { recursive: true, force: true })
    }
    if (!cancelled(run)) await finishFiles(run, link, finished)
  } catch (failure) {
    if (!cancelled(run)) error = failure instanceof Error ? failure.message : String(failure)
  } finally {
    await link.drop()
    await rm(join(run.spoolDir, `run-${runId}`), { recursive: true, force: true })
    if (cancelled(run)) {
      ctx.db
        .prepare(
          `UPDATE sftp_files SET status = 'failed', error = 'Cancelled before it was imported.', finished_at = ?
           WHERE run_id = ? AND status IN ('downloading', 'downloaded', 'importing')`,
        )
        .run(ctx.clock(), runId)
    }
  }
  const counts = ctx.db
    .prepare(
      `SELECT sum(status = 'imported') AS imported, sum(status = 'skipped') AS skipped, sum(status = 'failed') AS failed
       FROM sftp_files WHERE run_id = ?`,
    )
    .get(runId) as { imported: number | null; skipped: number | null; failed: number | null }
  const good = (counts.imported ?? 0) + (counts.skipped ?? 0)
  const failed = counts.failed ?? 0
  const status: SftpRunStatus = cancelled(run)
    ? 'cancelled'
    : failed > 0 || error !== null
      ? good > 0
        ? 'partial'
        : 'failed'
      : 'succeeded'
  finishRun(ctx.db, runId, { status, found, waiting, error }, ctx.clock())
  return { runId, status, found, waiting, error }
}
