// Long work as jobs: an id at once, throttled progress that still shows the latest state, exactly one
// job.finished, and cancel between batches. Time is vitest's fake clock (the throttle reads Date.now and
// sets a timer; the work's pauses are timers too), moved by the test, so nothing waits for real.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobFinishedEvent, JobProgressEvent } from '../../shared/ipc/events'
import { EventBus } from '../../electron/backend/core/platform/event-bus'
import { JobRegistry, throwIfCancelled } from '../../electron/backend/core/jobs/registry'
import type { SampleLoadSummary } from '../../shared/profile/types'
import type { SftpRunSummary } from '../../shared/sftp/types'

function setup() {
  const bus = new EventBus()
  const progress: JobProgressEvent[] = []
  const finished: JobFinishedEvent[] = []
  bus.on('job.progress', (e) => progress.push(e))
  bus.on('job.finished', (e) => finished.push(e))
  return { registry: new JobRegistry(bus, Date.now), progress, finished }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Moves the fake clock, running the timers (and the promise callbacks after them) that fall due. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A sample.load summary: the registry passes whatever its kind's work returns through to job.finished. */
const SAMPLE_SUMMARY: SampleLoadSummary = {
  profiles: 3,
  skipped: 0,
  scenario1: 1,
  scenario2: 1,
  bulk: false,
  cancelled: false,
  seconds: 0.1,
  indexingSeconds: 0,
}

describe('JobRegistry', () => {
  it('throttles progress but delivers the latest state even when the work then waits', async () => {
    const { registry, progress, finished } = setup()
    const { jobId, done } = registry.start('sample.load', async (control) => {
      for (let i = 1; i <= 1000; i++) control.progress('counting', i, 1000)
      control.progress('waiting for the server', 0, null)
      await sleep(400) // long pause after a throttled update
      return SAMPLE_SUMMARY
    })
    await advance(250)
    // Before the job ends, the trailing update has shown the new phase.
    expect(finished).toEqual([])
    expect(progress.at(-1)).toMatchObject({ jobId, phase: 'waiting for the server' })
    expect(progress.length).toBeLessThan(10) // 1001 calls, a handful of events
    await advance(400)
    await done
    expect(finished).toEqual([{ jobId, kind: 'sample.load', status: 'succeeded', summary: SAMPLE_SUMMARY }])
  })

  it('cancels between batches and reports exactly one cancelled finish', async () => {
    const { registry, finished } = setup()
    let batches = 0
    const { jobId, done } = registry.start('sample.load', async (control) => {
      for (;;) {
        throwIfCancelled(control.signal)
        batches++
        await sleep(5)
      }
    })
    await advance(30)
    expect(batches).toBeGreaterThan(1)
    expect(registry.cancel(jobId)).toBe(true)
    await advance(5) // the batch under way ends; the next one sees the cancel
    await done
    expect(finished).toHaveLength(1)
    expect(finished[0]).toMatchObject({ jobId, status: 'cancelled' })
    const at = batches
    await advance(30)
    expect(batches).toBe(at)
    expect(registry.cancel(jobId)).toBe(false)
  })

  it('reports a failure with its message', async () => {
    const { registry, finished } = setup()
    const { done } = registry.start('sample.load', async () => {
      throw new Error('disk full')
    })
    await advance(0) // the registry yields once (setImmediate) before it runs the work
    await done
    expect(finished[0]).toMatchObject({ status: 'failed', error: { code: 'internal', message: 'disk full' } })
  })

  it('reports a job whose work finished despite a late cancel as succeeded, not cancelled', async () => {
    const { registry, finished } = setup()
    // An SFTP run's summary, like an import's, says whether its work finished (`status`).
    const run = (status: SftpRunSummary['status']): SftpRunSummary => ({
      runId: 1,
      sourceId: 1,
      sourceName: 'Nightly',
      status,
      found: 0,
      imported: 0,
      skipped: 0,
      failed: 0,
      waiting: 0,
      error: null,
    })
    const { jobId, done } = registry.start('sftp.run', async (control) => {
      await sleep(50) // an uninterruptible last step: the cancel arrives while it runs
      return run(control.signal.aborted ? 'succeeded' : 'failed')
    })
    await advance(10)
    expect(registry.cancel(jobId)).toBe(true)
    await advance(50)
    await done
    expect(finished).toEqual([{ jobId, kind: 'sftp.run', status: 'succeeded', summary: run('succeeded') }])
  })
})
