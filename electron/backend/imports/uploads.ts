// Files chosen in a browser have no path the backend can read: the renderer uploads them in chunks into
// <data dir>/imports/uploads/, and the import then reads that copy like any other file.
import { randomUUID } from 'node:crypto'
import { appendFileSync, closeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { AppError } from '../../../shared/ipc/envelope'
import { ensurePrivateDir, openPrivateFile } from '../files/private-files'

interface Upload {
  path: string
  bytes: number
  received: number
}

export class Uploads {
  private readonly open = new Map<string, Upload>()

  constructor(private readonly dataDir: string) {}

  begin(fileName: string, bytes: number): { uploadId: string } {
    const uploadId = randomUUID()
    const safe =
      basename(fileName)
        .replace(/[^\p{L}\p{N}._ -]+/gu, '_')
        .slice(0, 120) || 'upload.csv'
    // A folder per upload keeps the file's own name (the import history shows it) without collisions.
    const folder = join(this.dataDir, 'imports', 'uploads', uploadId)
    ensurePrivateDir(folder)
    const path = join(folder, safe)
    closeSync(openPrivateFile(path, 'w'))
    this.open.set(uploadId, { path, bytes, received: 0 })
    return { uploadId }
  }

  chunk(uploadId: string, offset: number, base64: string): { received: number } {
    const upload = this.get(uploadId)
    if (offset !== upload.received) {
      throw new AppError(
        'validation',
        `Upload chunks must arrive in order: expected offset ${upload.received}, got ${offset}.`,
        {
          expected: upload.received,
        },
      )
    }
    const data = Buffer.from(base64, 'base64')
    if (upload.received + data.length > upload.bytes) {
      throw new AppError('validation', `The upload is larger than the ${upload.bytes} bytes announced.`)
    }
    appendFileSync(upload.path, data)
    upload.received += data.length
    return { received: upload.received }
  }

  finish(uploadId: string): { path: string } {
    const upload = this.get(uploadId)
    if (upload.received !== upload.bytes) {
      throw new AppError(
        'validation',
        `The upload is incomplete: ${upload.received} of ${upload.bytes} bytes arrived.`,
      )
    }
    this.open.delete(uploadId)
    return { path: upload.path }
  }

  private get(uploadId: string): Upload {
    const upload = this.open.get(uploadId)
    if (!upload)
      throw new AppError(
        'not_found',
        `No upload ${uploadId} in progress (it finished, or the app restarted).`,
      )
    return upload
  }
}
