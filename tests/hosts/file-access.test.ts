// A page holding the web host's token still cannot read files by path: over real HTTP, /etc/passwd, a
// ~/.ssh key and the data folder's own secrets are refused by every file channel, while a file the page
// uploaded is read by its handle (the upload's id) and deleted once imported.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { startWebHost, type WebHost } from '../../electron/backend/adapters/web-host/index'
import { raw } from '../../test-support/raw-http'

let root: string
let dataDir: string
let backend: Backend
let host: WebHost

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-file-access-'))
  const rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Profile Desk</title>')
  dataDir = join(root, 'data')
  backend = createBackend({ dataDir, host: 'web', logger: silentLogger })
  await backend.context.secrets.set('sync.passcode', 'top-secret-passcode')
  host = await startWebHost({ backend, port: 0, rendererDir, logger: silentLogger })
})

afterAll(async () => {
  await host?.close()
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
})

async function rpc(channel: string, request: unknown): Promise<{ status: number; body: string }> {
  const res = await raw(host.port, {
    method: 'POST',
    path: `/rpc/${channel}`,
    headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  })
  return { status: res.status, body: res.body }
}

describe('file channels over HTTP', () => {
  const paths = [
    '/etc/passwd',
    join(homedir(), '.ssh', 'id_ed25519'),
    '~/.ssh/id_rsa',
    () => join(dataDir, 'secrets.json'),
    () => join(dataDir, 'profiles.db'),
  ]

  for (const channel of ['imports.preview', 'imports.validate', 'imports.start']) {
    it(`refuses a path sent to ${channel}, whichever field carries it`, async () => {
      for (const entry of paths) {
        const path = typeof entry === 'function' ? entry() : entry
        for (const request of [{ path }, { file: path }]) {
          const { status, body } = await rpc(channel, request)
          expect(status).toBe(200)
          const envelope = JSON.parse(body) as { ok: boolean; error?: { code: string; message: string } }
          expect(envelope).toMatchObject({ ok: false, error: { code: 'validation' } })
          expect(envelope.error?.message).toMatch(/does not open files by path|must be a file handle/)
          expect(body).not.toContain('root:')
          expect(body).not.toContain('top-secret-passcode')
          expect(body).not.toContain('SQLite format')
        }
      }
    })
  }

  it('reads an uploaded file by its handle, and deletes the copy once it is imported', async () => {
    const content = Buffer.from('identity,Name\nweb1,Wendy\n')
    const begin = JSON.parse(
      (await rpc('imports.upload.begin', { fileName: 'web.csv', bytes: content.length })).body,
    ) as { value: { uploadId: string } }
    const { uploadId } = begin.value
    await rpc('imports.upload.chunk', { uploadId, offset: 0, data: content.toString('base64') })
    const finished = JSON.parse((await rpc('imports.upload.finish', { uploadId })).body) as {
      value: { handle: string }
    }
    expect(finished.value.handle).toBe(uploadId)
    const preview = JSON.parse((await rpc('imports.preview', { file: uploadId })).body) as {
      value: { rows: string[][] }
    }
    expect(preview.value.rows).toEqual([['web1', 'Wendy']])
    const started = JSON.parse((await rpc('imports.start', { file: uploadId })).body) as {
      value: { jobId: string }
    }
    await backend.context.jobs.wait(started.value.jobId)
    await expect.poll(() => existsSync(join(dataDir, 'imports', 'uploads', uploadId))).toBe(false)
  })
})
