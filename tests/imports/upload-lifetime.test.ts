// Uploaded copies of personal data do not pile up: an upload is deleted when its import ends (success,
// failure or cancel; a dry run keeps it for the import), when the page discards it, and an abandoned one
// a day after it began, at start-up and while the app runs (by the backend's clock, which the test moves).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { Uploads } from '../../electron/backend/core/imports/uploads'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

const HOUR = 60 * 60 * 1000
const START = Date.UTC(2026, 5, 15, 12, 0, 0)

let root: string
let big: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-upload-life-'))
  big = join(root, 'big.csv')
  await generateProfiles(40_000, 3, big)
}, 60_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Uploads `content` through the channels, as the page does, and returns its handle. */
async function upload(backend: Backend, name: string, content: Buffer, finish = true): Promise<string> {
  const { uploadId } = await backend.call('imports.upload.begin', { fileName: name, bytes: content.length })
  const chunk = 3 * 1024 * 1024
  for (let offset = 0; offset < content.length; offset += chunk) {
    const data = content.subarray(offset, offset + chunk).toString('base64')
    await backend.call('imports.upload.chunk', { uploadId, offset, data })
  }
  if (finish) await backend.call('imports.upload.finish', { uploadId })
  return uploadId
}

function folderOf(dataDir: string, uploadId: string): string {
  return join(dataDir, 'imports', 'uploads', uploadId)
}

describe('an upload and its import', () => {
  let h: ImportHarness
  beforeAll(() => {
    h = openImportHarness()
  })
  afterAll(async () => {
    await h.close()
  })

  it('is kept through a dry run and deleted when the import fails', async () => {
    // Valid rows past the first 256 KiB the preview reads, then a byte that is not UTF-8: the import fails.
    const rows = Array.from({ length: 30_000 }, (_, i) => `f${i},Name ${i}`).join('\n')
    const content = Buffer.concat([Buffer.from(`identity,Name\n${rows}\n`), Buffer.from([0x66, 0xff, 0x0a])])
    const handle = await upload(h.backend, 'broken.csv', content)
    const dry = await h.run('imports.validate', { file: handle, encoding: 'utf-8' })
    expect(dry.event.status).toBe('failed')
    expect(existsSync(folderOf(h.dataDir, handle))).toBe(true)
    const { event } = await h.run('imports.start', { file: handle, encoding: 'utf-8' })
    expect(event).toMatchObject({
      status: 'failed',
      error: { message: expect.stringContaining('not valid UTF-8') },
    })
    await expect.poll(() => existsSync(folderOf(h.dataDir, handle))).toBe(false)
    expect(await h.fail('imports.preview', { file: handle })).toMatchObject({ code: 'not_found' })
  })

  it('is deleted when the import is cancelled', async () => {
    const handle = await upload(h.backend, 'big.csv', readFileSync(big))
    const { jobId } = await h.call('imports.start', { file: handle })
    await new Promise<void>((done) => {
      const off = h.backend.on('job.progress', (e) => {
        if (e.jobId === jobId && e.done > 0) {
          off()
          done()
        }
      })
    })
    expect(await h.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
    expect((await h.backend.context.jobs.wait(jobId)).status).toBe('cancelled')
    await expect.poll(() => existsSync(folderOf(h.dataDir, handle))).toBe(false)
  })

  it('stays when the import is refused before it starts, and is deleted when the page discards it', async () => {
    const handle = await upload(h.backend, 'nokey.csv', Buffer.from('Name\nNo Key\n'))
    expect((await h.fail('imports.start', { file: handle })).message).toContain(
      'No column is mapped to Identity',
    )
    expect(existsSync(folderOf(h.dataDir, handle))).toBe(true)
    expect(await h.call('imports.upload.discard', { uploadId: handle })).toEqual({ discarded: true })
    expect(existsSync(folderOf(h.dataDir, handle))).toBe(false)
    expect(await h.call('imports.upload.discard', { uploadId: handle })).toEqual({ discarded: false })
  })
})

describe('an abandoned upload', () => {
  it('is swept at start-up once a day has passed since it began, finished or not', async () => {
    const dataDir = join(root, 'startup')
    let now = START
    const open = () => createBackend({ dataDir, host: 'test', logger: silentLogger, clock: () => now })
    let backend = open()
    const finished = await upload(backend, 'done.csv', Buffer.from('identity\na1\n'))
    const unfinished = await upload(backend, 'half.csv', Buffer.from('identity\na2\n'), false)
    await backend.close()

    now = START + 23 * HOUR
    backend = open()
    await backend.close()
    expect(existsSync(folderOf(dataDir, finished))).toBe(true)
    expect(existsSync(folderOf(dataDir, unfinished))).toBe(true)

    now = START + 25 * HOUR
    backend = open()
    try {
      expect(existsSync(folderOf(dataDir, finished))).toBe(false)
      expect(existsSync(folderOf(dataDir, unfinished))).toBe(false)
      expect(await backend.dispatch('imports.preview', { file: finished })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      })
    } finally {
      await backend.close()
    }
  })

  it('is swept while the app runs, when the clock passes a day', async () => {
    const dataDir = join(root, 'running')
    let now = START
    // The sweep's interval is a fake timer, moved with the backend's clock: five sweeps at 12 hours
    // (none deletes the upload), then one a day later (it does), without waiting for either.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const backend = createBackend({
      dataDir,
      host: 'test',
      logger: silentLogger,
      clock: () => now,
      uploads: { sweepEveryMs: 20 },
    })
    try {
      const handle = await upload(backend, 'later.csv', Buffer.from('identity\nb1\n'))
      now = START + 12 * HOUR
      vi.advanceTimersByTime(100)
      expect(existsSync(folderOf(dataDir, handle))).toBe(true)
      now = START + 24 * HOUR + 1
      vi.advanceTimersByTime(20)
      expect(existsSync(folderOf(dataDir, handle))).toBe(false)
    } finally {
      await backend.close()
      vi.useRealTimers()
    }
  })

  it('is not swept while a run reads it', () => {
    const dataDir = join(root, 'held')
    let now = START
    const uploads = new Uploads(dataDir, () => now)
    const { uploadId } = uploads.begin('held.csv', 0)
    uploads.finish(uploadId)
    const release = uploads.hold(uploadId)
    now = START + 48 * HOUR
    expect(uploads.sweep(24 * HOUR)).toEqual([])
    expect(() => uploads.discard(uploadId)).toThrow(/being read by a dry run or an import/)
    release()
    expect(uploads.sweep(24 * HOUR)).toEqual([uploadId])
    expect(uploads.find(uploadId)).toBeNull()
  })
})
