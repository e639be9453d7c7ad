// A file chosen in a browser has no path the backend can read: it is sent in chunks (File.slice, so it is
// never read into memory whole) to the upload channels, which write it into the data folder; the upload's
// handle then names that copy. Progress after every chunk; an AbortSignal stops between chunks.
import type { ChosenFile } from '$shared/ipc/file-handle'
import { api, ApiError, type ApiClient } from '../api/client'

/** Raw bytes per chunk (the channel takes at most 4 MiB): big enough to be quick, small enough to show progress. */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024

export interface UploadProgress {
  sent: number
  total: number
}

/** Base64 of a blob, read by the browser's own reader (no byte-by-byte string building). */
export function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'))
    reader.readAsDataURL(blob)
  })
}

export interface UploadOptions {
  /** Defaults to UPLOAD_CHUNK_BYTES. */
  chunkBytes?: number
  /** Defaults to the app's client. */
  client?: Pick<ApiClient, 'call'>
}

/** Uploads the file and returns its handle (the upload's id), name and size. */
export async function uploadFile(
  file: File,
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal,
  options: UploadOptions = {},
): Promise<ChosenFile> {
  const client = options.client ?? api
  const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES
  const { uploadId } = await client.call('imports.upload.begin', { fileName: file.name, bytes: file.size })
  let offset = 0
  onProgress({ sent: 0, total: file.size })
  while (offset < file.size) {
    if (signal.aborted) {
      // The part already copied is of no use: delete it now rather than in a day.
      await client.call('imports.upload.discard', { uploadId }).catch(() => undefined)
      throw new ApiError('cancelled', 'The upload was cancelled.')
    }
    let data: string
    try {
      data = await blobToBase64(file.slice(offset, offset + chunkBytes))
    } catch (error) {
      throw new ApiError(
        'validation',
        `${file.name} could not be read by the browser (${error instanceof Error ? error.message : String(error)}). ` +
          'Check that the file is still there and choose it again.',
      )
    }
    const { received } = await client.call('imports.upload.chunk', { uploadId, offset, data })
    // The backend counts what it stored; a reply that does not move forward would loop for ever.
    if (received <= offset)
      throw new ApiError('internal', `The upload stopped at byte ${offset} of ${file.size}.`)
    offset = received
    onProgress({ sent: offset, total: file.size })
  }
  return client.call('imports.upload.finish', { uploadId })
}
