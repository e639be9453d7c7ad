// Which files the page may have read: those the person chose in the native dialog (main registers each
// one here and the page gets a handle; later also files dropped on the window or opened with the app) and
// the uploads. A handle is resolved to a real path at every use; one that leads into the data folder
// (the database, the secrets, another upload) is refused, symbolic links included.
import { randomUUID } from 'node:crypto'
import { realpathSync, statSync } from 'node:fs'
import { basename, isAbsolute, relative, sep } from 'node:path'
import {
  FILE_HANDLE_PATTERN,
  NOT_A_HANDLE,
  type ChosenFile,
  type GrantSource,
} from '../../../../shared/ipc/file-handle'
import { AppError } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import { Uploads } from './uploads'

/** Grants are kept in memory for the backend's life; the oldest go first past this many. */
const MAX_GRANTS = 1000

export interface ResolvedFile {
  handle: string
  /** The real path (symbolic links resolved): what the import reads. */
  path: string
  /** Set when the handle is an upload's id. */
  uploadId: string | null
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

function fsReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message
}

export class FileGrants {
  private readonly grants = new Map<string, { path: string; source: GrantSource }>()

  constructor(
    private readonly dataDir: string,
    private readonly uploads: Uploads,
  ) {}

  /**
   * Registers a file the person chose and returns its handle. Trusted callers only: the renderer cannot
   * reach this (in Electron it is a message type of the utility-process protocol that only main sends).
   */
  grant(path: string, source: GrantSource): ChosenFile {
    if (!isAbsolute(path)) {
      throw new AppError('validation', `A chosen file needs an absolute path, not "${path}".`)
    }
    const real = this.realFile(path, path)
    this.refuseDataFolder(real, path)
    const handle = randomUUID()
    this.grants.set(handle, { path, source })
    if (this.grants.size > MAX_GRANTS) {
      const oldest = this.grants.keys().next().value
      if (oldest !== undefined) this.grants.delete(oldest)
    }
    return { handle, name: basename(path), bytes: statSync(real).size }
  }

  /** The real path of a handle, checked again now: the file may have moved, or a link been swapped. */
  resolve(handle: string): ResolvedFile {
    if (!FILE_HANDLE_PATTERN.test(handle)) throw new AppError('validation', `The file ${NOT_A_HANDLE}.`)
    const granted = this.grants.get(handle)
    if (granted) {
      const real = this.realFile(granted.path, basename(granted.path))
      this.refuseDataFolder(real, granted.path)
      return { handle, path: real, uploadId: null }
    }
    const upload = this.uploads.find(handle)
    if (upload) {
      const real = this.realFile(upload.path, upload.name)
      // An upload's handle reads its own copy and nothing else, in the data folder or out of it.
      if (!isInside(realpathSync(upload.folder), real)) {
        throw new AppError('validation', `The upload ${upload.name} does not lead to its own copy.`)
      }
      return { handle, path: real, uploadId: upload.id }
    }
    throw new AppError(
      'not_found',
      'That file is no longer available to Profile Desk: an upload is deleted when its import ends (or after a ' +
        'day), and a chosen file is remembered until Profile Desk restarts. Choose the file again.',
      { handle },
    )
  }

  private realFile(path: string, shown: string): string {
    let real: string
    try {
      real = realpathSync(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppError('not_found', `${shown} is not there any more: choose it again.`)
      }
      throw new AppError('validation', `${shown} could not be opened (${fsReason(error)}).`)
    }
    if (!statSync(real).isFile()) throw new AppError('validation', `${shown} is not a file.`)
    return real
  }

  private refuseDataFolder(real: string, shown: string): void {
    let dataDir: string
    try {
      dataDir = realpathSync(this.dataDir)
    } catch {
      return
    }
    if (isInside(dataDir, real)) {
      throw new AppError(
        'validation',
        `${shown} is inside Profile Desk's own data folder, which the app does not import from. ` +
          'Copy the file somewhere else (your Documents folder, say) and choose that copy.',
      )
    }
  }
}

export interface ChosenFiles {
  grants: FileGrants
  uploads: Uploads
}

/** A day: an upload not imported by then is taken as abandoned. */
export const UPLOAD_KEEP_MS = 24 * 60 * 60 * 1000
const SWEEP_EVERY_MS = 60 * 60 * 1000

export interface UploadOptions {
  /** How long an upload that is never imported is kept (a day). */
  keepMs?: number
  /** How often abandoned uploads are looked for while the app runs (hourly). */
  sweepEveryMs?: number
}

/** The backend's chosen files: grants and uploads (the sweep of abandoned uploads: startUploadSweep). */
export function createChosenFiles(ctx: BackendContext): ChosenFiles {
  const uploads = new Uploads(ctx.dataDir, ctx.clock)
  return { grants: new FileGrants(ctx.dataDir, uploads), uploads }
}

/**
 * Start-up work: abandoned uploads are swept now and then periodically (by the backend's clock, so a test
 * can move time), until the backend closes.
 */
export function startUploadSweep(ctx: BackendContext, uploads: Uploads, options: UploadOptions = {}): void {
  const keepMs = options.keepMs ?? UPLOAD_KEEP_MS
  const sweep = (): void => {
    try {
      const swept = uploads.sweep(keepMs)
      if (swept.length > 0) {
        ctx.logger.info(`Deleted ${swept.length} abandoned upload${swept.length === 1 ? '' : 's'}.`)
      }
    } catch (error) {
      ctx.logger.warn(`Could not delete abandoned uploads: ${(error as Error).message}`)
    }
  }
  sweep()
  const timer = setInterval(sweep, options.sweepEveryMs ?? SWEEP_EVERY_MS)
  // The sweep never keeps a command-line process alive.
  timer.unref()
  ctx.onClose(() => clearInterval(timer))
}
