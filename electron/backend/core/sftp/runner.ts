// One run of one source, in three steps so that an import never depends on the connection staying up:
// 1. connect (host key pinned), list (a listed name that is not a plain file name is refused), and keep
//    only complete files (manifest arrived, or size and time unchanged across two listings); download each
//    to its own folder in the local spool, hashing it and counting its bytes against the size limit, with
//    new attempts after a dropped connection; 2. offline, import each downloaded file through the
//    CSV pipeline unless exactly this file was imported before; 3. reconnect for the post-actions (leave,
//    move to processed/, delete). Every file's outcome is recorded as it happens.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { MappingChoice } from '../../../../shared/ipc/channels/imports'
import type { SftpRunStatus } from '../../../../shared/ipc/channels/sftp'
import { prepareImport } from '../imports/import-setup'
import type { SftpSession } from './connection'
import { SftpFailure } from './failure'
import { matchesPattern } from './glob'
import { addFile, findImported, finishRun, updateFile } from './history'
import { isManifestName, manifestMapping, MANIFEST_LIMIT, parseManifest } from './manifest'
import { printableName, remoteChild, unsafeNameMessage, unsafeNameReason } from './names'
import { finishFiles } from './post-actions'
import { cancelled, connect, Link, type Candidate, type Downloaded, type RunContext } from './run-context'
import { ByteLimitExceeded } from './size-limit'
import { download, fileFolder } from './spool-download'

export interface RunResult {
  runId: number
  status: SftpRunStatus
  found: number
  waiting: string[]
  error: string | null
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
    // Refused names count as found (each has its failed row), so the run's numbers add up.
    found = complete.found + first.refused.length
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
