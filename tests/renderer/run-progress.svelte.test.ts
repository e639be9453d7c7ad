// The wizard's progress of an import (issue 11): every phase shows its speed and time left (bytes per
// second while the file is read, rows per second while rows are imported), and says what a person can
// do meanwhile (Find People keeps answering, edits are applied between batches).
import { cleanup, render, screen } from '@testing-library/svelte'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { api } from '../../renderer/src/lib/api/client'
import { ImportRun } from '../../renderer/src/lib/state/import-run.svelte'
import { jobs } from '../../renderer/src/lib/state/jobs.svelte'
import RunProgress from '../../renderer/src/components/import/RunProgress.svelte'
import { FakeTransport } from '../../test-support/fake-transport'

let transport: FakeTransport
let disconnect: () => void

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] })
  transport = new FakeTransport()
    .handle('jobs.list', () => ({ jobs: [] }))
    .handle('imports.start', () => ({ jobId: 'job-1', runId: 7 }))
  api.attach(transport)
  disconnect = jobs.connect()
})
afterEach(() => {
  cleanup()
  disconnect()
  vi.useRealTimers()
})

const MB = 1024 * 1024

function progress(phase: string, done: number, total: number): void {
  transport.emit('job.progress', { jobId: 'job-1', kind: 'import.profiles', phase, done, total })
}

async function settle(): Promise<void> {
  for (let turn = 0; turn < 10; turn++) await Promise.resolve()
}

it('shows bytes per second and time left while reading, rows per second and time left while importing', async () => {
  const run = new ImportRun('import')
  void run.start('imports.start', { file: 'h1' })
  await settle()
  render(RunProgress, { run })
  const detail = () => document.querySelector('.detail')?.textContent ?? ''

  // Pass 1: 10 MB of 40 MB in 2 s.
  progress('reading', 0, 40 * MB)
  vi.advanceTimersByTime(2000)
  progress('reading', 10 * MB, 40 * MB)
  await settle()
  expect(detail()).toContain('10 MB of 40 MB')
  expect(detail()).toContain('5 MB/s')
  expect(detail()).toContain('about 10 s left')

  // Pass 2: 20,000 of 200,000 rows in 2 s.
  progress('importing', 0, 200_000)
  vi.advanceTimersByTime(2000)
  progress('importing', 20_000, 200_000)
  await settle()
  expect(detail()).toContain('20,000 of 200,000 rows')
  expect(detail()).toContain('10,000 rows/s')
  expect(detail()).toContain('about 20 s left')
  expect(screen.getByText(/Find People keeps answering/).textContent).toContain(
    'edits (here, from the CLI or a sync) are applied between batches',
  )
})
