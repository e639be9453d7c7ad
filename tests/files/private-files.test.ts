// Local files are private: the data folder is 0700 and everything the app keeps in it 0600 (database and
// its -wal/-shm, uploads, rejected-row CSVs, secrets), whatever the umask; a folder an older version or a
// copy left readable by others is tightened at start-up, and Electron's own profile folder is left alone.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { ensurePrivateDir, writePrivateFile } from '../../electron/backend/core/platform/private-files'

const modeOf = (path: string): number => statSync(path).mode & 0o777

let root: string
let umask: number

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-private-'))
  // With no umask at all, anything not created private on purpose would come out world-readable.
  umask = process.umask(0)
})

afterAll(() => {
  process.umask(umask)
  rmSync(root, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('private files', () => {
  it('creates the data folder 0700 and the database, its -wal and -shm, secrets, uploads and rejected rows 0600', async () => {
    const dataDir = join(root, 'fresh', 'profile-desk')
    const source = join(root, 'people.csv')
    writeFileSync(source, 'identity,Email\nok1,ok@example.com\nbad1,not-an-email\n')
    const backend = createBackend({ dataDir, host: 'test', logger: silentLogger })
    try {
      await backend.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Ann' }] })
      await backend.context.secrets.set('sync.passcode', 'hunter2')
      const { uploadId } = await backend.call('imports.upload.begin', { fileName: 'up.csv', bytes: 3 })
      await backend.call('imports.upload.chunk', {
        uploadId,
        offset: 0,
        data: Buffer.from('a,b').toString('base64'),
      })
      const { jobId } = await backend.call('imports.start', {
        file: backend.grantFile(source, 'dialog').handle,
      })
      await backend.context.jobs.wait(jobId)

      expect(modeOf(dataDir)).toBe(0o700)
      for (const file of ['profiles.db', 'profiles.db-wal', 'profiles.db-shm', 'secrets.json']) {
        expect({ file, mode: modeOf(join(dataDir, file)) }).toEqual({ file, mode: 0o600 })
      }
      const imports = join(dataDir, 'imports')
      expect(modeOf(imports)).toBe(0o700)
      const rejected = readdirSync(imports).filter((name) => name.endsWith('-rejected.csv'))
      expect(rejected).toHaveLength(1)
      expect(modeOf(join(imports, rejected[0]!))).toBe(0o600)
      const upload = join(imports, 'uploads', uploadId)
      expect(modeOf(join(imports, 'uploads'))).toBe(0o700)
      expect(modeOf(upload)).toBe(0o700)
      for (const name of readdirSync(upload)) expect(modeOf(join(upload, name))).toBe(0o600)
    } finally {
      await backend.close()
    }
  })

  it('tightens a data folder left readable by others at start-up, but not Electron’s own profile folder', async () => {
    const dataDir = join(root, 'loose')
    const spool = join(dataDir, 'sftp-spool', 'run-1')
    const upload = join(dataDir, 'imports', 'uploads', 'a1b2')
    const chromium = join(dataDir, 'electron')
    for (const folder of [spool, upload, chromium]) mkdirSync(folder, { recursive: true, mode: 0o755 })
    const files = [
      'profiles.db',
      'profiles.db-wal',
      'profiles.db-shm',
      'secrets.json',
      'imports/run-3-rejected.csv',
      'imports/uploads/a1b2/people.csv',
      'sftp-spool/run-1/drop.csv',
    ]
    // A database an older version left behind, with its companions, all world-readable.
    const first = createBackend({ dataDir, host: 'test', logger: silentLogger })
    // The spool folder belongs to a run a live process (this test's parent) is running: start-up sweeps the
    // folders of runs that are not running, and tightens this one.
    first.context.db
      .prepare(
        "INSERT INTO sftp_runs (id, source_name, trigger, status, started_at, pid) VALUES (1, 'drop', 'manual', 'running', 0, ?)",
      )
      .run(process.ppid)
    await first.close()
    mkdirSync(spool, { recursive: true, mode: 0o755 }) // the first start swept it: no run was running then
    for (const file of files) {
      const path = join(dataDir, file)
      if (!existsSync(path)) writeFileSync(path, file.startsWith('profiles.db-') ? '' : 'x')
      chmodSync(path, 0o644)
    }
    writeFileSync(join(chromium, 'Local State'), '{}')
    for (const folder of [dataDir, join(dataDir, 'imports'), upload, spool, chromium])
      chmodSync(folder, 0o755)
    chmodSync(join(chromium, 'Local State'), 0o644)

    const backend = createBackend({ dataDir, host: 'test', logger: silentLogger })
    try {
      expect(modeOf(dataDir)).toBe(0o700)
      for (const folder of ['imports', 'imports/uploads', 'imports/uploads/a1b2', 'sftp-spool/run-1']) {
        expect({ folder, mode: modeOf(join(dataDir, folder)) }).toEqual({ folder, mode: 0o700 })
      }
      for (const file of files) {
        expect({ file, mode: modeOf(join(dataDir, file)) }).toEqual({ file, mode: 0o600 })
      }
      expect(modeOf(chromium)).toBe(0o755)
      expect(modeOf(join(chromium, 'Local State'))).toBe(0o644)
    } finally {
      await backend.close()
    }
  })

  it('keeps helpers private whatever existed before: a wider folder or file is tightened when reused', () => {
    const folder = join(root, 'helpers', 'nested')
    mkdirSync(folder, { recursive: true, mode: 0o777 })
    ensurePrivateDir(folder)
    expect(modeOf(folder)).toBe(0o700)
    const file = join(folder, 'note.txt')
    writeFileSync(file, 'old', { mode: 0o666 })
    writePrivateFile(file, 'new')
    expect(modeOf(file)).toBe(0o600)
  })
})
