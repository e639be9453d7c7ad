// Files chosen in a browser have no path the backend can read: the renderer uploads them in chunks into
// <data dir>/imports/uploads/<id>/, and the upload's id is then the file's handle. The copy is personal
// data, so it is deleted when its import ends, when the person discards it, or a day after it was made.
import { randomUUID } from 'node:crypto'
import { appendFileSync, closeSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { FILE_HANDLE_PATTERN, type ChosenFile } from '../../../../shared/ipc/file-handle'
import { AppError } from '../../../../shared/ipc/envelope'
import { ensurePrivateDir, openPrivateFile, writePrivateFile } from '../platform/private-files'

/** Beside the copy in each upload's folder: its name, size and when it began (by the backend's clock). */
const META_FILE = '.upload.json'

interface UploadMeta {
  name: string
  bytes: number
  createdAt: number
  complete: boolean
}

interface Open {
  meta: UploadMeta
  received: number
}

/** A finished upload, as an import reads it. */
export interface StoredUpload {
  id: string
  folder: string
  path: string
  name: string
}

export class Uploads {
  private readonly open = new Map<string, Open>()
  /** Uploads a dry run or an import is reading: never swept from under it. */
  private readonly inUse = new Map<string, number>()
  readonly root: string

  constructor(
    dataDir: string,
    private readonly clock: () => number,
  ) {
    this.root = join(dataDir, 'imports', 'uploads')
  }

  begin(fileName: string, bytes: number): { uploadId: string } {
    const uploadId = randomUUID()
    // The person's own name (the history shows it), made a safe file name; a leading dot would hide it
    // and could meet the metadata file.
    const safe =
      basename(fileName)
        .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
        .replace(/^\./, '_')
        .slice(0, 120) || 'upload.csv'
    const folder = this.folderOf(uploadId)
    ensurePrivateDir(folder)
    const meta: UploadMeta = { name: safe, bytes, createdAt: this.clock(), complete: false }
    closeSync(openPrivateFile(join(folder, safe), 'w'))
    writePrivateFile(join(folder, META_FILE), JSON.stringify(meta))
    this.open.set(uploadId, { meta, received: 0 })
    return { uploadId }
  }

  chunk(uploadId: string, offset: number, base64: string): { received: number } {
    const upload = this.open.get(uploadId)
    if (!upload) {
      throw new AppError(
        'not_found',
        `No upload ${uploadId} in progress (it finished, or the app restarted): upload the file again.`,
      )
    }
    if (offset !== upload.received) {
      throw new AppError(
        'validation',
        `Upload chunks must arrive in order: expected offset ${upload.received}, got ${offset}.`,
        { expected: upload.received },
      )
    }
    const data = Buffer.from(base64, 'base64')
    if (upload.received + data.length > upload.meta.bytes) {
      throw new AppError('validation', `The upload is larger than the ${upload.meta.bytes} bytes announced.`)
    }
    appendFileSync(join(this.folderOf(uploadId), upload.meta.name), data)
    upload.received += data.length
    return { received: upload.received }
  }

  finish(uploadId: string): ChosenFile {
    const upload = this.open.get(uploadId)
    if (!upload) {
      throw new AppError(
        'not_found',
        `No upload ${uploadId} in progress (it finished, or the app restarted): upload the file again.`,
      )
    }
    if (upload.received !== upload.meta.bytes) {
      throw new AppError(
        'validation',
        `The upload is incomplete: ${upload.received} of ${upload.meta.bytes} bytes arrived.`,
      )
    }
    const meta = { ...upload.meta, complete: true }
    writePrivateFile(join(this.folderOf(uploadId), META_FILE), JSON.stringify(meta))
    this.open.delete(uploadId)
    return { handle: uploadId, name: meta.name, bytes: meta.bytes }
  }

  /** A finished upload by its id (its handle); null when there is none (never finished, or deleted). */
  find(uploadId: string): StoredUpload | null {
    if (!FILE_HANDLE_PATTERN.test(uploadId)) return null
    const meta = this.readMeta(uploadId)
    if (!meta?.complete) return null
    const folder = this.folderOf(uploadId)
    return { id: uploadId, folder, path: join(folder, meta.name), name: meta.name }
  }

  /** Deletes an upload and its copy; false when there was none. Refused while a run reads it. */
  discard(uploadId: string): boolean {
    if (!FILE_HANDLE_PATTERN.test(uploadId)) return false
    if (this.inUse.has(uploadId)) {
      throw new AppError(
        'conflict',
        'This upload is being read by a dry run or an import: cancel it first, or wait for it to end.',
      )
    }
    this.open.delete(uploadId)
    const folder = this.folderOf(uploadId)
    let existed = true
    try {
      statSync(folder)
    } catch {
      existed = false
    }
    rmSync(folder, { recursive: true, force: true })
    return existed
  }

  /** Marks an upload as read by a run until the returned function is called. */
  hold(uploadId: string): () => void {
    this.inUse.set(uploadId, (this.inUse.get(uploadId) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.inUse.get(uploadId) ?? 1) - 1
      if (left > 0) this.inUse.set(uploadId, left)
      else this.inUse.delete(uploadId)
    }
  }

  /**
   * Deletes uploads begun more than `maxAgeMs` ago (by the backend's clock) that no run is reading:
   * abandoned ones, finished or not. Folders without readable metadata (an older version's uploads, a
   * crash half-way through `begin`) are aged by their modification time. Returns the ids deleted.
   */
  sweep(maxAgeMs: number): string[] {
    const now = this.clock()
    let ids: string[]
    try {
      ids = readdirSync(this.root)
    } catch {
      return []
    }
    const swept: string[] = []
    for (const id of ids) {
      if (this.inUse.has(id)) continue
      const began = this.readMeta(id)?.createdAt ?? this.modifiedAt(id)
      if (began === null || now - began <= maxAgeMs) continue
      this.open.delete(id)
      rmSync(join(this.root, id), { recursive: true, force: true })
      swept.push(id)
    }
    return swept
  }

  private folderOf(uploadId: string): string {
    return join(this.root, uploadId)
  }

  private readMeta(uploadId: string): UploadMeta | null {
    try {
      const parsed = JSON.parse(readFileSync(join(this.folderOf(uploadId), META_FILE), 'utf8')) as unknown
      const meta = parsed as Partial<UploadMeta> | null
      if (
        typeof meta?.name === 'string' &&
        typeof meta.bytes === 'number' &&
        typeof meta.createdAt === 'number' &&
        typeof meta.complete === 'boolean'
      ) {
        return { name: meta.name, bytes: meta.bytes, createdAt: meta.createdAt, complete: meta.complete }
      }
      return null
    } catch {
      return null
    }
  }

  private modifiedAt(id: string): number | null {
    try {
      return statSync(join(this.root, id)).mtimeMs
    } catch {
      return null
    }
  }
}
