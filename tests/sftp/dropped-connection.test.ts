// A lying network: the connection drops in the middle of a large download. When the server is still
// there, the run reconnects and downloads again; when sshd is killed, the run tries again with backoff,
// then records the file failed with the reason. Nothing of a file that was not downloaded whole is ever
// imported, and files already done stay done.
import { utimesSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSftpHarness, profilesCsv, type SftpHarness } from '../../test-support/sftp-harness'
import { startSshd, type Sshd } from '../../test-support/sshd-fixture'

let sshd: Sshd
let h: SftpHarness

/** About 80 MB: 4,000 rows with a 20 KB cell in an unnamed (ignored) column, so importing it stays cheap. */
function largeCsv(prefix: string): Buffer {
  const pad = 'x'.repeat(20_000)
  const rows = ['identity,Name,']
  for (let i = 1; i <= 4000; i++) rows.push(`${prefix}-${i},Large ${i},${pad}`)
  return Buffer.from(`${rows.join('\n')}\n`)
}

/** Calls `act` once, on the first progress event of a download of `name` that has started but not finished. */
function midDownload(name: string, act: () => void): () => void {
  let done = false
  return h.backend.on('job.progress', (event) => {
    if (done || event.kind !== 'sftp.run' || !event.phase.startsWith(`downloading ${name}`)) return
    if (event.total !== null && event.done > 0 && event.done < event.total) {
      done = true
      act()
    }
  })
}

beforeAll(async () => {
  sshd = await startSshd()
  h = openSftpHarness(sshd)
})

afterAll(async () => {
  await h?.close()
  await sshd?.stop()
})

describe('the connection drops during a download', () => {
  it('reconnects and downloads the file again while the server is still there', async () => {
    sshd.mkdir('/flaky')
    sshd.put('/flaky/big.csv', largeCsv('flaky'))
    const id = await h.addSource({ name: 'Flaky', folder: sshd.local('/flaky') })
    const off = midDownload('big.csv', () => sshd.dropConnections())
    const { run } = await h.run(id)
    off()
    expect(run.status).toBe('succeeded')
    expect(run.files[0]).toMatchObject({ name: 'big.csv', status: 'imported', attempts: 2 })
    expect(run.files[0]?.counts).toMatchObject({ rows: 4000, new: 4000 })
  }, 120_000)

  it('sshd killed mid-download: retried with backoff, then reported; no partial import; done files stay done', async () => {
    sshd.mkdir('/dying')
    sshd.put('/dying/a-small.csv', profilesCsv('small', 3))
    sshd.put('/dying/b-large.csv', largeCsv('large'))
    // The small file was put there first: it is taken first.
    const earlier = new Date(Date.now() - 3_600_000)
    utimesSync(sshd.local('/dying/a-small.csv'), earlier, earlier)
    const id = await h.addSource({ name: 'Dying', folder: sshd.local('/dying'), after: 'move' })
    const importRunsBefore = h.count('import_runs')
    const off = midDownload('b-large.csv', () => sshd.kill())
    const { run } = await h.run(id)
    off()
    expect(run.status).toBe('partial')
    const small = run.files.find((f) => f.name === 'a-small.csv')
    const large = run.files.find((f) => f.name === 'b-large.csv')
    expect(small).toMatchObject({ status: 'imported', attempts: 1 })
    expect(large).toMatchObject({ status: 'failed', attempts: 3, importRunId: null, counts: null })
    expect(large?.error).toMatch(/^Not imported: the download failed after 3 attempts\./)
    expect(large?.error).toMatch(/connection (dropped|was lost)/)
    expect(large?.error).toContain('refused the connection')
    // Only the small file reached the pipeline; not one row of the large file is in the database.
    expect(h.count('import_runs')).toBe(importRunsBefore + 1)
    expect((await h.fail('profiles.lookup', { key: 'large-1' })).code).toBe('not_found')
    expect((await h.call('profiles.lookup', { key: 'small-3' })).system['Name']).toBe('Person small 3')
    // The imported file could not be moved (the server is gone): said so, and left for the next run.
    expect(small?.afterError).toMatch(/^Imported, but not moved to processed\//)
  }, 120_000)
})
