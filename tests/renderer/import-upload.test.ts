// A file chosen in a browser reaches the backend in chunks: through the real web host and a real backend
// on a temporary folder, a 2.5 MB file arrives byte for byte in 1 MiB chunks with progress after each,
// is readable by the import preview by its handle, and an aborted upload stops between chunks and is deleted.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { startWebHost, type WebHost } from '../../electron/backend/adapters/web-host/index'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { ApiClient, ApiError } from '../../renderer/src/lib/api/client'
import { createHttpTransport } from '../../renderer/src/lib/api/http-transport'
import { uploadFile, type UploadProgress } from '../../renderer/src/lib/import/upload-file'

/** Node has File and Blob but not the browser's FileReader; this reads a blob the way readAsDataURL does. */
class NodeFileReader {
  result: string | null = null
  error: Error | null = null
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  readAsDataURL(blob: Blob): void {
    void blob.arrayBuffer().then(
      (buffer) => {
        this.result = `data:${blob.type || 'application/octet-stream'};base64,${Buffer.from(buffer).toString('base64')}`
        this.onload?.()
      },
      (error: Error) => {
        this.error = error
        this.onerror?.()
      },
    )
  }
}

let root: string
let backend: Backend
let host: WebHost
let client: ApiClient

beforeAll(async () => {
  ;(globalThis as { FileReader?: unknown }).FileReader = NodeFileReader
  root = mkdtempSync(join(tmpdir(), 'profile-desk-upload-'))
  const rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Profile Desk</title>')
  backend = createBackend({ dataDir: join(root, 'data'), host: 'web', logger: silentLogger })
  host = await startWebHost({ backend, port: 0, rendererDir, logger: silentLogger })
  client = new ApiClient()
  client.attach(createHttpTransport({ token: host.token, baseUrl: host.origin }))
})

afterAll(async () => {
  await host?.close()
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
  delete (globalThis as { FileReader?: unknown }).FileReader
})

/** Where the backend keeps an upload's copy. */
function copyOf(handle: string, name: string): string {
  return join(root, 'data', 'imports', 'uploads', handle, name)
}

function csvOfBytes(minBytes: number): string {
  const lines = ['identity,Name,Email,city']
  let size = lines[0]!.length + 1
  for (let i = 0; size < minBytes; i++) {
    // Accents so that a chunk boundary falls inside a multi-byte character at least once.
    const line = `u-${i},Zoë Müller ${i},zoe.${i}@example.com,Málaga`
    lines.push(line)
    size += Buffer.byteLength(line) + 1
  }
  return lines.join('\n') + '\n'
}

describe('uploadFile', () => {
  it('sends a file in chunks with progress, and the import preview reads the copy', async () => {
    const text = csvOfBytes(2.5 * 1024 * 1024)
    const bytes = Buffer.from(text)
    const file = new File([bytes], 'customers.csv', { type: 'text/csv' })
    const progress: UploadProgress[] = []
    const chosen = await uploadFile(file, (p) => progress.push(p), new AbortController().signal, {
      client,
      chunkBytes: 1024 * 1024,
    })

    expect(chosen).toMatchObject({ name: 'customers.csv', bytes: bytes.length })
    expect(readFileSync(copyOf(chosen.handle, 'customers.csv')).equals(bytes)).toBe(true)
    expect(progress.map((p) => p.sent)).toEqual([0, 1024 * 1024, 2 * 1024 * 1024, bytes.length])
    expect(progress.every((p) => p.total === bytes.length)).toBe(true)

    const preview = await client.call('imports.preview', { file: chosen.handle })
    expect(preview.headers).toEqual(['identity', 'Name', 'Email', 'city'])
    expect(preview.rows[1]).toEqual(['u-1', 'Zoë Müller 1', 'zoe.1@example.com', 'Málaga'])
  })

  it('stops between chunks when aborted, and an empty file still arrives (for the preview to refuse)', async () => {
    const file = new File([csvOfBytes(300_000)], 'big.csv')
    const uploads = join(root, 'data', 'imports', 'uploads')
    const before = readdirSync(uploads).length
    const abort = new AbortController()
    let chunks = 0
    const failure = await uploadFile(
      file,
      (p) => {
        if (p.sent > 0 && ++chunks === 1) abort.abort()
      },
      abort.signal,
      { client, chunkBytes: 100_000 },
    ).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect((failure as ApiError).code).toBe('cancelled')
    expect(chunks).toBe(1)
    // The part already copied is deleted at once, not left for the day-old sweep.
    expect(readdirSync(uploads)).toHaveLength(before)

    const empty = await uploadFile(new File([], 'empty.csv'), () => {}, new AbortController().signal, {
      client,
    })
    expect(readFileSync(copyOf(empty.handle, 'empty.csv')).length).toBe(0)
    const refused = await client
      .call('imports.preview', { file: empty.handle })
      .catch((error: unknown) => error)
    expect((refused as ApiError).message).toContain('empty')
  })
})
