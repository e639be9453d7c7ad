// Runs against a real OpenSSH server: files downloaded, checked and imported through the CSV pipeline with
// counts and rejected rows; the host key pinned (a changed key imports nothing); a missing folder said
// plainly; completeness by manifest or by size stability (a file still being written is left); the same
// file never imported twice; post-actions verified on the server's disk; a file above the size limit
// (CleverTap's 5 GB, or a lower one given to the backend) is refused and left on the server.
import { appendFileSync, existsSync, readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { resolveSftpOptions } from '../../electron/backend/core/sftp/options'
import { openSftpHarness, profilesCsv, FAST, type SftpHarness } from '../../test-support/sftp-harness'
import { startSshd, type Sshd } from '../../test-support/sshd-fixture'

// Real sshd, real imports and (for the CLI) a child process per command: slow on a loaded machine.
vi.setConfig({ testTimeout: 120_000 })

let sshd: Sshd
let h: SftpHarness
/** Runs during the stability wait of the next run (a writer still appending to a file). */
let duringStabilityWait: (() => void) | null = null

beforeAll(async () => {
  sshd = await startSshd()
  h = openSftpHarness(sshd, {
    sftp: {
      sleep: async (ms, signal) => {
        if (ms === FAST.stabilityDelayMs && duringStabilityWait) {
          const hook = duringStabilityWait
          duringStabilityWait = null
          hook()
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms)
          signal?.addEventListener('abort', () => {
            clearTimeout(timer)
            resolve()
          })
        })
      },
    },
  })
})

afterAll(async () => {
  await h?.close()
  await sshd?.stop()
})

function profileCount(): number {
  return h.count('profiles')
}

describe('a run imports through the CSV pipeline', () => {
  it('password login: counts per file, the rejected rows as CSV, the file left in place', async () => {
    sshd.mkdir('/basic')
    sshd.put('/basic/customers.csv', profilesCsv('basic', 5, 1))
    sshd.put('/basic/readme.txt', 'not matched by the pattern')
    const id = await h.addSource({ name: 'Basic', folder: sshd.local('/basic') })
    const { run, finished } = await h.run(id)
    expect(finished.status).toBe('succeeded')
    expect(run).toMatchObject({ status: 'succeeded', found: 1, imported: 1, failed: 0, trigger: 'manual' })
    const [file] = run.files
    expect(file).toMatchObject({
      name: 'customers.csv',
      status: 'imported',
      attempts: 1,
      rejectedRows: 1,
      after: 'left',
    })
    expect(file?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(file?.counts).toMatchObject({ rows: 5, new: 4, rejected: 1 })
    const profile = await h.call('profiles.lookup', { key: 'basic-2' })
    expect(profile.system['Email']).toBe('basic-2@example.com')
    const errors = await h.call('imports.errors', { runId: file?.importRunId as number })
    expect(errors.content).toContain('Failure Description')
    expect(errors.content).toContain('not-an-email-1')
    // Download progress was reported in bytes of the file's size.
    expect(
      h.progress.some((p) => p.kind === 'sftp.run' && p.phase.startsWith('downloading customers.csv')),
    ).toBe(true)
    expect(existsSync(sshd.local('/basic/customers.csv'))).toBe(true)
    // The spool is emptied once the file is imported.
    expect(readdirSync(`${h.dataDir}/sftp-spool`)).toEqual([])
    const view = await h.call('sftp.sources.get', { id })
    expect(view.lastRun?.id).toBe(run.id)
    expect(view.running).toBeNull()
  })

  it('key login, then the file is moved to processed/ on the server', async () => {
    sshd.mkdir('/moved')
    sshd.put('/moved/orders.csv', profilesCsv('moved', 3))
    const id = await h.addSource(
      { name: 'Moved', auth: 'key', folder: sshd.local('/moved'), after: 'move' },
      { privateKey: sshd.clientKey },
    )
    const { run } = await h.run(id)
    expect(run.status).toBe('succeeded')
    expect(run.files[0]).toMatchObject({ status: 'imported', after: 'moved', afterError: null })
    expect(existsSync(sshd.local('/moved/orders.csv'))).toBe(false)
    expect(existsSync(sshd.local('/moved/processed/orders.csv'))).toBe(true)
    // A second file of the same name later does not overwrite the first in processed/.
    sshd.put('/moved/orders.csv', profilesCsv('moved-again', 2))
    const second = await h.run(id)
    expect(second.run.files[0]).toMatchObject({ status: 'imported', after: 'moved' })
    expect(readdirSync(sshd.local('/moved/processed')).sort()).toEqual([
      'orders.csv',
      `orders.run-${second.run.id}.csv`,
    ])
  })

  it('delete after import removes the file from the server’s disk', async () => {
    sshd.mkdir('/deleted')
    sshd.put('/deleted/daily.csv', profilesCsv('deleted', 2))
    const id = await h.addSource({ name: 'Deleted', folder: sshd.local('/deleted'), after: 'delete' })
    const { run } = await h.run(id)
    expect(run.files[0]).toMatchObject({ status: 'imported', after: 'deleted' })
    expect(existsSync(sshd.local('/deleted/daily.csv'))).toBe(false)
  })

  it('a file that fails to import is recorded failed with the reason and left on the server', async () => {
    sshd.mkdir('/broken')
    sshd.put('/broken/no-identity.csv', 'Name,City\nAda,London\n')
    const id = await h.addSource({ name: 'Broken', folder: sshd.local('/broken'), after: 'delete' })
    const { run } = await h.run(id)
    expect(run.status).toBe('failed')
    expect(run.files[0]?.status).toBe('failed')
    expect(run.files[0]?.error).toMatch(/identity/)
    expect(run.files[0]?.after).toBeNull()
    expect(existsSync(sshd.local('/broken/no-identity.csv'))).toBe(true)
  })
})

describe('cancel', () => {
  it('stops a run; nothing is imported and the run says cancelled', async () => {
    sshd.mkdir('/cancel')
    sshd.put('/cancel/later.csv', profilesCsv('cancelled', 2))
    const id = await h.addSource({ name: 'Cancelled', folder: sshd.local('/cancel') })
    // Cancelled while it waits to see that the file is complete (as a person would press Cancel).
    let cancelled = false
    duringStabilityWait = () => {
      for (const job of h.backend.context.jobs.list()) {
        if (job.kind === 'sftp.run' && job.status === 'running')
          cancelled = h.backend.context.jobs.cancel(job.jobId)
      }
    }
    const { jobId, runId } = await h.call('sftp.sources.run', { id })
    await h.backend.context.jobs.wait(jobId)
    expect(cancelled).toBe(true)
    const run = await h.call('sftp.runs.get', { runId })
    expect(run).toMatchObject({ status: 'cancelled', imported: 0, files: [] })
    expect((await h.fail('profiles.lookup', { key: 'cancelled-1' })).code).toBe('not_found')
    expect((await h.call('sftp.sources.get', { id })).running).toBeNull()
  })
})

describe('the same file is never imported twice', () => {
  it('skips a file with the same name, size, time and content; takes it again once it changed', async () => {
    sshd.mkdir('/dedupe')
    sshd.put('/dedupe/weekly.csv', profilesCsv('dedupe', 4))
    const id = await h.addSource({ name: 'Dedupe', folder: sshd.local('/dedupe') })
    const first = await h.run(id)
    expect(first.run.files[0]?.status).toBe('imported')
    const importRuns = h.count('import_runs')
    const second = await h.run(id)
    expect(second.run).toMatchObject({ status: 'succeeded', imported: 0, skipped: 1 })
    expect(second.run.files[0]?.error).toContain(`Already imported by run #${first.run.id}`)
    expect(h.count('import_runs')).toBe(importRuns)
    // New content under the same name is a new file.
    sshd.put('/dedupe/weekly.csv', profilesCsv('dedupe', 6))
    const third = await h.run(id)
    expect(third.run.files[0]?.status).toBe('imported')
    expect(third.run.files[0]?.counts).toMatchObject({ new: 2, unchanged: 4 })
  })
})

describe('the host key is pinned', () => {
  it('a different host key refuses the run and imports nothing', async () => {
    sshd.mkdir('/mitm')
    sshd.put('/mitm/people.csv', profilesCsv('mitm', 3))
    const id = await h.addSource({
      name: 'Intercepted',
      folder: sshd.local('/mitm'),
      hostKey: sshd.wrongFingerprint,
    })
    const before = profileCount()
    const { run } = await h.run(id)
    expect(run.status).toBe('failed')
    expect(run.error).toContain('man-in-the-middle')
    expect(run.files).toEqual([])
    expect(profileCount()).toBe(before)
    expect(existsSync(sshd.local('/mitm/people.csv'))).toBe(true)
  })

  it('a source whose key was never trusted cannot run', async () => {
    const id = await h.addSource({ name: 'Untrusted', folder: sshd.local('/mitm'), hostKey: null })
    const error = await h.fail('sftp.sources.run', { id })
    expect(error.code).toBe('validation')
    expect(error.message).toContain('no trusted host key')
  })

  it('a missing folder fails the run with the folder named', async () => {
    const id = await h.addSource({ name: 'Nowhere', folder: sshd.local('/not-there') })
    const { run } = await h.run(id)
    expect(run.status).toBe('failed')
    expect(run.error).toContain(`The folder "${sshd.local('/not-there')}" does not exist`)
  })
})

describe('a file is taken only when complete', () => {
  it('size stability: a file still being written is left for a later run', async () => {
    sshd.mkdir('/growing')
    sshd.put('/growing/export.csv', profilesCsv('growing', 3))
    const id = await h.addSource({ name: 'Growing', folder: sshd.local('/growing') })
    duringStabilityWait = () =>
      appendFileSync(sshd.local('/growing/export.csv'), 'growing-4,Late row,late@example.com\n')
    const before = profileCount()
    const first = await h.run(id)
    expect(first.run).toMatchObject({ status: 'succeeded', found: 1, imported: 0, waiting: ['export.csv'] })
    expect(first.run.files).toEqual([])
    expect(profileCount()).toBe(before)
    // The writer is done: the next run takes the whole file.
    const second = await h.run(id)
    expect(second.run.files[0]).toMatchObject({ name: 'export.csv', status: 'imported' })
    expect(second.run.files[0]?.counts).toMatchObject({ rows: 4, new: 4 })
  })

  it('manifest: a CSV waits for its manifest; the manifest’s columns map the file; both are moved', async () => {
    sshd.mkdir('/drop')
    sshd.put('/drop/members.csv', 'cust_id,Full Name,points\nm-1,Mia,10\nm-2,Noah,25\n')
    const id = await h.addSource({
      name: 'Drop',
      folder: sshd.local('/drop'),
      completion: 'manifest',
      after: 'move',
    })
    const waiting = await h.run(id)
    expect(waiting.run).toMatchObject({ status: 'succeeded', imported: 0, waiting: ['members.csv'] })

    sshd.put(
      '/drop/members-001.manifest',
      JSON.stringify({
        fileName: 'members.csv',
        type: 'profile',
        clientEmail: 'ops@example.com',
        columns: {
          cust_id: { ctName: 'identity' },
          points: { ctName: 'Loyalty Points', dataType: 'INTEGER' },
        },
      }),
    )
    sshd.put('/drop/garbled.manifest', '{ this is not json')
    const { run } = await h.run(id)
    expect(run.status).toBe('partial')
    const members = run.files.find((f) => f.name === 'members.csv')
    expect(members).toMatchObject({ status: 'imported', after: 'moved' })
    expect(members?.counts).toMatchObject({ new: 2, rejected: 0 })
    const garbled = run.files.find((f) => f.name === 'garbled.manifest')
    expect(garbled?.status).toBe('failed')
    expect(garbled?.error).toMatch(
      /^Incorrect details in manifest file garbled\.manifest: it is not valid JSON/,
    )
    const profile = await h.call('profiles.lookup', { key: 'm-2' })
    expect(profile.custom).toContainEqual(
      expect.objectContaining({ key: 'Loyalty Points', type: 'number', value: 25 }),
    )
    expect(readdirSync(sshd.local('/drop/processed')).sort()).toEqual(['members-001.manifest', 'members.csv'])
    expect(existsSync(sshd.local('/drop/garbled.manifest'))).toBe(true)
  })

  it('a manifest whose CSV is missing says so', async () => {
    sshd.mkdir('/orphan')
    sshd.put('/orphan/x.manifest', JSON.stringify({ fileName: 'data.csv', type: 'profile' }))
    const id = await h.addSource({ name: 'Orphan', folder: sshd.local('/orphan'), completion: 'manifest' })
    const { run } = await h.run(id)
    expect(run.files[0]?.error).toBe(
      `No data file found: x.manifest names data.csv, which is not in ${sshd.local('/orphan')}.`,
    )
  })
})

describe('a lower size limit than CleverTap’s', () => {
  it('a file above the configured limit fails naming it, stays on the server; the others import', async () => {
    const limited = openSftpHarness(sshd, { sftp: { maxFileBytes: 2_000 } })
    try {
      sshd.mkdir('/limited')
      const big = profilesCsv('limited-big', 100)
      expect(big.length).toBeGreaterThan(2_000)
      sshd.put('/limited/big.csv', big)
      sshd.put('/limited/small.csv', profilesCsv('limited-small', 3))
      const id = await limited.addSource({ name: 'Limited', folder: sshd.local('/limited'), after: 'delete' })
      const { run } = await limited.run(id)
      expect(run.status).toBe('partial')
      const refused = run.files.find((f) => f.name === 'big.csv')
      expect(refused).toMatchObject({ status: 'failed', importRunId: null, after: null })
      expect(refused?.error).toBe(
        `Not imported: big.csv is ${big.length.toLocaleString('en-US')} bytes as the server lists it, more than ` +
          'the limit of 2,000 bytes per file set for SFTP imports: it was not downloaded.',
      )
      expect(run.files.find((f) => f.name === 'small.csv')).toMatchObject({
        status: 'imported',
        after: 'deleted',
      })
      expect(existsSync(sshd.local('/limited/big.csv'))).toBe(true)
      expect(existsSync(sshd.local('/limited/small.csv'))).toBe(false)
      expect((await limited.fail('profiles.lookup', { key: 'limited-big-1' })).code).toBe('not_found')
    } finally {
      await limited.close()
    }
  })

  it('CleverTap’s 5 GB applies by default and above any configured limit; a limit must be a number of bytes', () => {
    expect(resolveSftpOptions({}, 'test').maxFileBytes).toBe(5_000_000_000)
    expect(resolveSftpOptions({ maxFileBytes: 10_000_000_000 }, 'test').maxFileBytes).toBe(5_000_000_000)
    expect(resolveSftpOptions({ maxFileBytes: 1024 }, 'test').maxFileBytes).toBe(1024)
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => resolveSftpOptions({ maxFileBytes: bad }, 'test')).toThrow(/sftp\.maxFileBytes must be/)
    }
  })
})
