// Only files the person chose can be read: the import channels take a handle, never a path, so a page
// holding the token cannot read /etc/passwd, ~/.ssh or the app's own secrets; a handle that leads into the
// data folder (directly or through a symbolic link) is refused; a granted handle works.
import { homedir } from 'node:os'
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/ipc/envelope'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness

beforeAll(async () => {
  h = openImportHarness()
  // A secret on disk, as the web host and the CLI keep one.
  await h.backend.context.secrets.set('sync.passcode', 'top-secret-passcode')
})

afterAll(async () => {
  await h.close()
})

const FILE_CHANNELS = ['imports.preview', 'imports.validate', 'imports.start'] as const
const OUTSIDE_PATHS = [
  '/etc/passwd',
  '~/.ssh/id_ed25519',
  join(homedir(), '.ssh', 'id_rsa'),
  '../../etc/shadow',
]

/** What `grantFile` refused with, as main's dialog would pass it on to the page. */
function grantRefusal(path: string): { code: string; message: string } {
  try {
    h.backend.grantFile(path, 'dialog')
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error(`${path} was granted but should have been refused`)
}

const DATA_FOLDER = /inside Profile Desk's own data folder.*Copy the file somewhere else/

describe('a path in place of a handle', () => {
  for (const channel of FILE_CHANNELS) {
    it(`is refused by ${channel}, as the old path field or as the handle`, async () => {
      for (const path of OUTSIDE_PATHS) {
        const asPath = await h.fail(channel, { path })
        expect(asPath.code).toBe('validation')
        expect(asPath.message).toContain('Profile Desk does not open files by path here')
        const asHandle = await h.fail(channel, { file: path })
        expect(asHandle.code).toBe('validation')
        expect(asHandle.message).toContain(`Invalid request for ${channel}: file: must be a file handle`)
        expect(JSON.stringify([asPath, asHandle])).not.toContain('root:')
      }
    })
  }

  it('is refused by the upload channels too, whose ids are handles', async () => {
    expect(await h.fail('imports.upload.finish', { uploadId: '/etc/passwd' })).toMatchObject({
      code: 'validation',
    })
    expect(await h.fail('imports.upload.discard', { uploadId: '../../profiles.db' })).toMatchObject({
      code: 'validation',
    })
  })

  it('names nothing when the handle is well formed but was never given out', async () => {
    const unknown = '0b4e7c1e-9a53-4d5e-8f7a-2b6c9d0e1f23'
    expect(await h.fail('imports.preview', { file: unknown })).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('Choose the file again'),
    })
  })
})

describe('a file in the data folder', () => {
  it('is never granted: the database, the secrets, an upload, the folder itself', async () => {
    const { uploadId } = await h.call('imports.upload.begin', { fileName: 'x.csv', bytes: 0 })
    for (const path of [
      join(h.dataDir, 'profiles.db'),
      join(h.dataDir, 'profiles.db-wal'),
      join(h.dataDir, 'secrets.json'),
      join(h.dataDir, 'imports', 'uploads', uploadId, 'x.csv'),
      join(h.dataDir, 'imports', '..', 'secrets.json'),
    ]) {
      expect(grantRefusal(path)).toMatchObject({
        code: 'validation',
        message: expect.stringMatching(DATA_FOLDER),
      })
    }
    expect(grantRefusal(h.dataDir)).toMatchObject({
      code: 'validation',
      message: expect.stringContaining('is not a file'),
    })
    expect(grantRefusal('relative/people.csv')).toMatchObject({ code: 'validation' })
  })

  it('is refused through a symbolic link, to the file or to a folder above it', async () => {
    const link = join(h.filesDir, 'innocent.csv')
    symlinkSync(join(h.dataDir, 'secrets.json'), link)
    expect(grantRefusal(link).message).toMatch(DATA_FOLDER)
    const folderLink = join(h.filesDir, 'exports')
    symlinkSync(h.dataDir, folderLink)
    expect(grantRefusal(join(folderLink, 'profiles.db')).message).toMatch(DATA_FOLDER)
  })

  it('is refused at use when a granted file is later swapped for a link into the data folder', async () => {
    const path = h.file('swap.csv', 'identity,Name\ns1,Sam\n')
    const file = h.grant(path)
    expect((await h.call('imports.preview', { file })).rows).toEqual([['s1', 'Sam']])
    rmSync(path)
    symlinkSync(join(h.dataDir, 'secrets.json'), path)
    for (const channel of FILE_CHANNELS) {
      const refused = await h.fail(channel, { file })
      expect(refused.message).toMatch(DATA_FOLDER)
      expect(JSON.stringify(refused)).not.toContain('top-secret-passcode')
    }
  })

  it('is refused when an upload is made to lead anywhere but to its own copy', async () => {
    const content = Buffer.from('identity\nu1\n')
    const { uploadId } = await h.call('imports.upload.begin', { fileName: 'mine.csv', bytes: content.length })
    await h.call('imports.upload.chunk', { uploadId, offset: 0, data: content.toString('base64') })
    const { handle } = await h.call('imports.upload.finish', { uploadId })
    expect((await h.call('imports.preview', { file: handle })).rows).toEqual([['u1']])
    const copy = join(h.dataDir, 'imports', 'uploads', uploadId, 'mine.csv')
    renameSync(copy, `${copy}.moved`)
    symlinkSync(join(h.dataDir, 'secrets.json'), copy)
    const refused = await h.fail('imports.preview', { file: handle })
    expect(refused).toMatchObject({
      code: 'validation',
      message: 'The upload mine.csv does not lead to its own copy.',
    })
    expect(JSON.stringify(refused)).not.toContain('top-secret-passcode')
  })
})

describe('a granted handle', () => {
  it('previews, checks and imports the file the person chose, and names it by its handle in the run', async () => {
    const folder = join(h.filesDir, 'Documents')
    mkdirSync(folder)
    const path = join(folder, 'crm.csv')
    writeFileSync(path, 'identity,Name\ng1,Gail\n')
    const chosen = h.backend.grantFile(path, 'dialog')
    expect(chosen).toEqual({ handle: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'crm.csv', bytes: 22 })
    expect((await h.call('imports.preview', { file: chosen.handle })).headers).toEqual(['identity', 'Name'])
    const dry = await h.run('imports.validate', { file: chosen.handle })
    expect(dry.summary.counts).toMatchObject({ rows: 1, rejected: 0 })
    const { summary } = await h.run('imports.start', { file: chosen.handle })
    expect(summary.file).toMatchObject({ name: 'crm.csv', handle: chosen.handle })
    expect((await h.call('profiles.lookup', { key: 'g1' })).system.Name).toBe('Gail')
    // A file chosen in the dialog stays chosen after its import: it can be imported again.
    expect((await h.call('imports.preview', { file: chosen.handle })).rows).toEqual([['g1', 'Gail']])
  })
})
