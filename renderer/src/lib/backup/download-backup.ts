// "Download" of a backup in a browser: its bytes come over the API in slices and are handed to the browser
// as one Blob download (the same path in a browser tab and in the Electron window).
import { BACKUP_SLICE_BYTES } from '$shared/backup/types'
import { api, ApiError, type ApiClient } from '../api/client'
import { saveBlob } from '../files/save-file'

/** The file's bytes, slice by slice (bounded: a file cannot answer more slices than its size allows). */
export async function readBackup(
  name: string,
  client: Pick<ApiClient, 'call'> = api,
): Promise<Uint8Array<ArrayBuffer>[]> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  let offset = 0
  for (let guard = 0; guard < 1_000_000; guard += 1) {
    const slice = await client.call('backup.read', { backup: name, offset })
    const bytes = Uint8Array.from(atob(slice.data), (c) => c.charCodeAt(0))
    parts.push(bytes)
    offset += bytes.length
    if (slice.done) return parts
    if (bytes.length === 0 || bytes.length > BACKUP_SLICE_BYTES) break
  }
  throw new ApiError('internal', `Reading ${name} stopped at byte ${offset}.`)
}

export async function downloadBackup(name: string): Promise<void> {
  saveBlob(new Blob(await readBackup(name), { type: 'application/vnd.sqlite3' }), name)
}
