// Wizard and SFTP imports share the backend's one ImportService: an SFTP file arriving while a wizard
// import runs waits its turn and then imports, instead of failing or running alongside it.
import { expect, it } from 'vitest'
import { ImportService } from '../../electron/backend/core/imports/import-service'
import { SpoolImporter } from '../../electron/backend/core/sftp/spool-import'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

function csv(prefix: string, rows: number): string {
  const lines = ['identity,Name']
  for (let i = 0; i < rows; i++) lines.push(`${prefix}${i},Name ${i}`)
  return lines.join('\n')
}

it('runs an SFTP file after the wizard import already running, then imports it', async () => {
  const ctx = h.backend.context
  const service = new ImportService(ctx)
  const spool = new SpoolImporter(ctx, service)
  const finishedOrder: string[] = []
  h.backend.on('job.finished', (e) => finishedOrder.push(e.jobId))

  const wizard = await service.start(
    { path: h.file('wizard.csv', csv('w', 2000)), kind: 'profiles', mapping: 'auto', encoding: 'auto' },
    'import',
  )
  expect(service.running?.runId).toBe(wizard.runId)
  const result = await spool.importFile(
    h.file('sftp.csv', csv('s', 50)),
    'profiles',
    'auto',
    new AbortController().signal,
    () => undefined,
  )

  expect(result.status).toBe('imported')
  expect(result.importRunId).toBeGreaterThan(wizard.runId)
  expect(finishedOrder[0]).toBe(wizard.jobId)
  expect(h.count('profiles')).toBe(2050)
})

it('gives up waiting when the SFTP run is cancelled behind a wizard import', async () => {
  const ctx = h.backend.context
  const service = new ImportService(ctx)
  const spool = new SpoolImporter(ctx, service)
  const wizard = await service.start(
    { path: h.file('wizard.csv', csv('w', 2000)), kind: 'profiles', mapping: 'auto', encoding: 'auto' },
    'import',
  )
  const abort = new AbortController()
  const pending = spool.importFile(
    h.file('sftp.csv', csv('s', 50)),
    'profiles',
    'auto',
    abort.signal,
    () => undefined,
  )
  abort.abort()
  const result = await pending
  expect(result.status).toBe('cancelled')
  expect(result.importRunId).toBeNull()
  await ctx.jobs.wait(wizard.jobId)
})
