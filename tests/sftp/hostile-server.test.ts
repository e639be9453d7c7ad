// Runs against an SFTP server that lies (lying-sftp-server.ts): names that are paths (`../../x.csv`,
// `a/b.csv`, `..`, a NUL) are skipped with a per-file error and nothing lands outside the run's spool or
// is touched outside the source's folder on the server; sizes are counted as the bytes arrive, so a file
// or a manifest bigger than it claims is stopped at the limit; spool files are private to the user.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openSftpHarness, profilesCsv, type SftpHarness } from '../../test-support/sftp-harness'
import { startLyingSftpServer, type LyingSftpServer } from '../../test-support/lying-sftp-server'

vi.setConfig({ testTimeout: 60_000 })

let liar: LyingSftpServer
/** A private folder holding only the data folder: anything else that appears in it escaped. */
let root: string
let dataDir: string
let h: SftpHarness
/** A backend with a lower per-file limit than CleverTap's. */
let capped: SftpHarness
const CAP = 64 * 1024
const watchers: FSWatcher[] = []
/** Names created or removed in `root` and in the data folder while the tests ran. */
const appeared: string[] = []

beforeAll(async () => {
  liar = await startLyingSftpServer()
  root = mkdtempSync(join(tmpdir(), 'profile-desk-hostile-'))
  dataDir = join(root, 'data')
  mkdirSync(dataDir)
  h = openSftpHarness(liar, { dataDir })
  capped = openSftpHarness(liar, { sftp: { maxFileBytes: CAP } })
  for (const folder of [root, dataDir]) {
    watchers.push(watch(folder, (_event, name) => appeared.push(String(name))))
  }
})

afterAll(async () => {
  for (const watcher of watchers) watcher.close()
  await h?.close()
  await capped?.close()
  await liar?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
})

/** The paths the client asked the server to open, move or delete (listing the folder is not one). */
function touched(): string[] {
  return liar.requests.filter((r) => /^(OPEN|RENAME|REMOVE|MKDIR) /.test(r))
}

describe('names from the server are untrusted', () => {
  it('skips names that are paths with a per-file error; the good file beside them imports', async () => {
    const hostile = ['../../x.csv', '../../../escaped.csv', 'a/b.csv', '..', '.', 'x\\y.csv', 'nul\0.csv', '']
    for (const [index, name] of hostile.entries()) liar.put('/in', name, profilesCsv(`hostile-${index}`, 2))
    liar.put('/in', 'good.csv', profilesCsv('good', 3))
    const id = await h.addSource({ name: 'Liar', folder: '/in', after: 'delete' })

    const { run } = await h.run(id)

    expect(run).toMatchObject({ status: 'partial', found: 7, imported: 1, failed: 6 })
    const good = run.files.find((f) => f.name === 'good.csv')
    expect(good).toMatchObject({ status: 'imported', after: 'deleted' })
    expect(good?.counts).toMatchObject({ rows: 3, new: 3 })
    const refused = run.files.filter((f) => f.name !== 'good.csv')
    // One failed row per hostile name, shown so that a NUL is visible. (ssh2 itself drops `.` and `..`
    // from listings; names.test.ts covers them.)
    expect(refused.map((f) => f.name).sort()).toEqual(
      ['../../x.csv', '../../../escaped.csv', 'a/b.csv', 'x\\y.csv', 'nul\\u0000.csv', '(no name)'].sort(),
    )
    for (const file of refused) {
      expect(file.status).toBe('failed')
      expect(file.error).toMatch(/^Skipped: the server listed .* which is not a plain file name/)
      expect(file.error).toContain('Nothing was downloaded')
      expect(file.sha256).toBeNull()
      expect(file.after).toBeNull()
    }
    expect(refused.find((f) => f.name === 'a/b.csv')?.error).toContain('it holds "/"')
    expect(refused.find((f) => f.name === 'x\\y.csv')?.error).toContain('it holds "\\"')
    expect(refused.find((f) => f.name === 'nul\\u0000.csv')?.error).toContain('a NUL character')

    // No row of a hostile file reached the database.
    for (const index of hostile.keys()) {
      expect((await h.fail('profiles.lookup', { key: `hostile-${index}-1` })).code).toBe('not_found')
    }
    // On the server, only the good file was opened and deleted.
    expect(touched()).toEqual(['OPEN /in/good.csv', 'REMOVE /in/good.csv'])
    // Locally, nothing appeared next to the data folder or in it under a hostile name, and the spool is empty.
    expect(appeared.filter((name) => /x\.csv|escaped|b\.csv|y\.csv|nul/.test(name))).toEqual([])
    expect(readdirSync(root)).toEqual(['data'])
    expect(readdirSync(join(dataDir, 'sftp-spool'))).toEqual([])
  })
})

describe('the spool is private', () => {
  it('creates the spool folders 0700 and a download 0600 while it is on disk', async () => {
    liar.mkdir('/private')
    const content = profilesCsv('private', 2000)
    liar.put('/private', 'people.csv', content)
    const hold = liar.hold('/private/people.csv', 32 * 1024)
    const id = await h.addSource({ name: 'Private', folder: '/private' })
    const running = h.run(id)
    await hold.reached
    try {
      const spool = join(dataDir, 'sftp-spool')
      const downloads = readdirSync(spool, { recursive: true, withFileTypes: true })
      const file = downloads.find((entry) => entry.isFile() && entry.name === 'people.csv')
      expect(file).toBeDefined()
      const folders = downloads.filter((entry) => entry.isDirectory())
      expect(folders.length).toBeGreaterThan(0)
      expect(statSync(spool).mode & 0o777).toBe(0o700)
      for (const folder of folders) {
        expect(statSync(join(folder.parentPath, folder.name)).mode & 0o777).toBe(0o700)
      }
      expect(statSync(join(file?.parentPath ?? '', 'people.csv')).mode & 0o777).toBe(0o600)
    } finally {
      hold.release()
    }
    const { run } = await running
    expect(run.files[0]).toMatchObject({ name: 'people.csv', status: 'imported' })
  })
})

/** Every file name in the spool folder of a harness, at any depth. */
function spoolFiles(harness: SftpHarness): string[] {
  return readdirSync(join(harness.dataDir, 'sftp-spool'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
}

describe('sizes are counted as the bytes arrive', () => {
  it('stops a file that sends more than the limit although it claims less; the next file still imports', async () => {
    // 20,000 rows: about 1 MB, listed and stat-ed as 100 bytes.
    const content = profilesCsv('liar', 20_000)
    liar.put('/sizes', 'liar.csv', content, { claimedSize: 100 })
    liar.put('/sizes', 'small.csv', profilesCsv('honest', 3))
    const id = await capped.addSource({ name: 'Sizes', folder: '/sizes', after: 'delete' })
    // While the next file downloads, the stopped one's partial download is already gone.
    const hold = liar.hold('/sizes/small.csv', 0)
    let leftWhileNext: string[] | null = null
    void hold.reached.then(() => {
      leftWhileNext = spoolFiles(capped)
      hold.release()
    })

    const { run } = await capped.run(id)

    expect(run.status).toBe('partial')
    const stopped = run.files.find((f) => f.name === 'liar.csv')
    expect(stopped).toMatchObject({ status: 'failed', attempts: 1, importRunId: null, after: null })
    expect(stopped?.error).toBe(
      'Not imported: liar.csv is larger than the limit of 65,536 bytes per file set for SFTP imports: ' +
        `the download was stopped after ${stopped?.error?.match(/after ([\d,]+) bytes/)?.[1]} bytes arrived, and nothing of it was kept.`,
    )
    const counted = Number(stopped?.error?.match(/after ([\d,]+) bytes/)?.[1]?.replace(/,/g, ''))
    expect(counted).toBeGreaterThan(CAP)
    // Stopped mid-download: far less than the file was sent, and it was not asked for again.
    expect(liar.served.get('/sizes/liar.csv')).toBeLessThan(content.length / 4)
    expect(liar.requests.filter((r) => r === 'OPEN /sizes/liar.csv')).toHaveLength(1)
    expect(leftWhileNext).toEqual(['small.csv'])
    expect(run.files.find((f) => f.name === 'small.csv')).toMatchObject({
      status: 'imported',
      after: 'deleted',
    })
    expect(liar.requests).not.toContain('REMOVE /sizes/liar.csv')
    expect((await capped.fail('profiles.lookup', { key: 'liar-1' })).code).toBe('not_found')
    expect(spoolFiles(capped)).toEqual([])
  })

  it('refuses a file listed above CleverTap’s 5 GB without downloading it', async () => {
    liar.put('/huge', 'huge.csv', profilesCsv('huge', 2), { claimedSize: 5_000_000_001 })
    const id = await h.addSource({ name: 'Huge', folder: '/huge' })
    const { run } = await h.run(id)
    expect(run.files[0]).toMatchObject({ name: 'huge.csv', status: 'failed' })
    expect(run.files[0]?.error).toBe(
      'Not imported: huge.csv is 5,000,000,001 bytes as the server lists it, more than CleverTap’s SFTP limit ' +
        'of 5 GB (5,000,000,000 bytes) per file: it was not downloaded.',
    )
    expect(liar.requests).not.toContain('OPEN /huge/huge.csv')
  })

  it('stops a manifest past 1 MiB although its size is listed small; its CSV waits', async () => {
    const padding = ' '.repeat(2 * 1024 * 1024)
    const manifest = `{"fileName": "members.csv", "type": "profile"${padding}}`
    liar.put('/manifests', 'members.csv', profilesCsv('manifested', 2))
    liar.put('/manifests', 'members.manifest', manifest, { claimedSize: 200 })
    const id = await h.addSource({ name: 'Manifests', folder: '/manifests', completion: 'manifest' })
    const { run } = await h.run(id)
    expect(run.waiting).toEqual(['members.csv'])
    const refused = run.files.find((f) => f.name === 'members.manifest')
    expect(refused?.status).toBe('failed')
    expect(refused?.error).toMatch(
      /^Incorrect details in manifest file members\.manifest: members\.manifest is larger than 1 MiB \(1,048,576 bytes\), the most a manifest may be: the download was stopped after [\d,]+ bytes arrived/,
    )
    expect(liar.served.get('/manifests/members.manifest')).toBeLessThan(manifest.length * 0.75)
    expect((await h.fail('profiles.lookup', { key: 'manifested-1' })).code).toBe('not_found')
  })
})
