// Step 1 of a run, per file: download it to its own private folder in the spool, hashing it and counting
// its bytes against the size limit as they arrive, with new attempts after a dropped connection. A file
// that changed meanwhile is left for a later run; one past the limit is not retried.
import { chmod, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { SftpSession } from './connection'
import { requestFailure, SftpFailure } from './failure'
import { localChild } from './names'
import { backoff, cancelled, type Candidate, type Link, type RunContext } from './run-context'
import { ByteLimitExceeded, dataFileLimit } from './size-limit'

export type DownloadOutcome =
  | { kind: 'done'; path: string; sha256: string; attempts: number }
  /** The file changed while it was taken: it is still being written; a later run takes it. */
  | { kind: 'changed'; attempts: number }
  | { kind: 'failed'; message: string; attempts: number; unreachable: boolean }

/** Folders of the spool: private to this user, like the files in them. */
const PRIVATE_FOLDER = 0o700

async function privateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_FOLDER })
  // A folder made by an earlier version (or another umask) is made private too.
  await chmod(path, PRIVATE_FOLDER)
}

/** The folder a file is downloaded to: its own, so two names one disk sees as the same never meet. */
export function fileFolder(run: RunContext, fileId: number): string {
  return join(run.spoolDir, `run-${run.runId}`, `file-${fileId}`)
}

export async function download(
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
