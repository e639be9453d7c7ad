// JobRun, the job every page starts or follows (here as ReportedJob, the one that says in a sentence how
// its job ended): it follows the job's progress events, reads its typed summary when it finishes, cancels
// it, and picks up one that was already running before the page loaded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/ipc/envelope'
import type { SampleLoadSummary } from '../../shared/profile/types'
import { api } from '../../renderer/src/lib/api/client'
import { ReportedJob } from '../../renderer/src/lib/state/job-run.svelte'
import { jobs, kindIs } from '../../renderer/src/lib/state/jobs.svelte'
import { FakeTransport } from '../support/fake-transport'

const SUMMARY: SampleLoadSummary = {
  profiles: 1200,
  skipped: 0,
  scenario1: 3,
  scenario2: 2,
  bulk: false,
  cancelled: false,
  seconds: 1.5,
  indexingSeconds: 0.2,
}

let transport: FakeTransport
let disconnect: () => void
let nextJob = 0

beforeEach(() => {
  transport = new FakeTransport()
    .handle('jobs.list', () => ({ jobs: [] }))
    .handle('jobs.cancel', () => ({ cancelled: true }))
    .handle('sample.load', () => ({ jobId: `job-${++nextJob}` }))
  api.attach(transport)
  disconnect = jobs.connect()
})

afterEach(() => disconnect())

function sampleJob(): ReportedJob<'sample.load'> {
  return new ReportedJob({
    kind: 'sample.load',
    of: kindIs('sample.load'),
    launch: () => api.call('sample.load', { profiles: 1200 }),
    succeeded: (summary) => `Loaded ${summary?.profiles ?? 0} sample profiles.`,
    cancelled: 'Loading sample data was cancelled.',
    failed: 'Loading sample data failed.',
  })
}

/** Lets the pending replies and the awaits after them run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
}

describe('JobRun (ReportedJob)', () => {
  it('follows a started job through its progress to the summary it finished with', async () => {
    const run = sampleJob()
    const started = run.start()
    expect(run.starting).toBe(true)
    expect(run.active).toBe(true)
    await settle()
    const jobId = run.jobId
    expect(jobId).toMatch(/^job-/)
    expect(run.job).toMatchObject({ kind: 'sample.load', status: 'running', phase: 'starting' })

    transport.emit('job.progress', {
      jobId: jobId!,
      kind: 'sample.load',
      phase: 'profiles',
      done: 400,
      total: 1200,
    })
    expect(run.job).toMatchObject({ phase: 'profiles', done: 400, total: 1200 })
    expect(run.outcome).toBeNull()

    transport.emit('job.finished', {
      jobId: jobId!,
      kind: 'sample.load',
      status: 'succeeded',
      summary: SUMMARY,
    })
    await started
    expect(run.outcome).toBe('Loaded 1200 sample profiles.')
    expect(run.outcomeIsSuccess).toBe(true)
    expect(run.active).toBe(false)
    expect(run.job).toMatchObject({ status: 'succeeded', done: 400, summary: SUMMARY })
  })

  it('cancels the running job and says so once it has ended', async () => {
    const run = sampleJob()
    const started = run.start()
    await settle()
    const jobId = run.jobId!
    const cancelling = run.cancel()
    expect(run.cancelling).toBe(true)
    await settle()
    expect(transport.requestsOf('jobs.cancel')).toEqual([{ jobId }])
    transport.emit('job.finished', {
      jobId,
      kind: 'sample.load',
      status: 'cancelled',
      error: { code: 'cancelled', message: 'Cancelled.' },
    })
    await Promise.all([started, cancelling])
    expect(run.outcome).toBe('Loading sample data was cancelled.')
    expect(run.outcomeIsSuccess).toBe(false)
    expect(run.cancelling).toBe(false)
    expect(run.error).toBeNull()
  })

  it('shows why a job failed, in its own words or the fallback', async () => {
    const run = sampleJob()
    const started = run.start()
    await settle()
    transport.emit('job.finished', {
      jobId: run.jobId!,
      kind: 'sample.load',
      status: 'failed',
      error: { code: 'internal', message: 'The disk is full.' },
    })
    await started
    expect(run.outcome).toBeNull()
    expect(run.error).toMatchObject({ message: 'The disk is full.', details: { code: 'internal' } })
    run.dismiss()
    expect(run.error).toBeNull()
  })

  it('picks up a job of its kind that was running before the page loaded, and reads how it ended', async () => {
    const run = sampleJob()
    transport.emit('job.progress', {
      jobId: 'earlier',
      kind: 'sample.load',
      phase: 'events',
      done: 5,
      total: 10,
    })
    transport.emit('job.progress', { jobId: 'other', kind: 'sync.push', phase: 'sending', done: 1, total: 2 })
    expect(run.job).toMatchObject({ jobId: 'earlier', done: 5 })
    expect(run.active).toBe(true)

    const cancelling = run.cancel()
    await settle()
    expect(transport.requestsOf('jobs.cancel')).toEqual([{ jobId: 'earlier' }])
    transport.emit('job.finished', { jobId: 'earlier', kind: 'sample.load', status: 'cancelled' })
    await cancelling
    expect(run.outcome).toBe('Loading sample data was cancelled.')
  })

  it('keeps the refusal when the job cannot be started', async () => {
    transport.handle('sample.load', () => {
      throw new AppError('conflict', 'The database already holds profiles.')
    })
    const run = sampleJob()
    await run.start()
    expect(run.error).toMatchObject({ code: 'conflict', message: 'The database already holds profiles.' })
    expect(run.active).toBe(false)
    expect(run.jobId).toBeNull()
  })
})
