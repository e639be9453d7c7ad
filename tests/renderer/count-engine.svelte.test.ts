// The builder says when counts are warming up: while the count engine loads its columns after the app
// started, a note with how far it is (asked again every second), then that counts are instant once it is
// ready; nothing when it was ready from the start or cannot be asked.
import { cleanup, render } from '@testing-library/svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SegmentEngineStatus } from '../../shared/segments/types'
import { api } from '../../renderer/src/lib/api/client'
import { CountEngine, ENGINE_POLL_MS, SLOW_COUNT_MS } from '../../renderer/src/lib/state/count-engine.svelte'
import { LiveCount } from '../../renderer/src/lib/state/segment-count.svelte'
import LiveCountStatus from '../../renderer/src/components/segments/LiveCountStatus.svelte'
import { AppError } from '../../shared/ipc/envelope'
import { FakeTransport } from '../../test-support/fake-transport'

let transport: FakeTransport
let answers: (SegmentEngineStatus | Error)[]

beforeEach(() => {
  vi.useFakeTimers()
  answers = []
  transport = new FakeTransport().handle('segments.engineStatus', () => {
    const next = answers.shift()
    if (!next) throw new Error('no status left to answer')
    if (next instanceof Error) throw next
    return next
  })
  api.attach(transport)
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const note = () => document.querySelector('.engine-note')?.textContent?.replace(/\s+/g, ' ').trim() ?? null
const marker = () => document.querySelector('.live-count')?.getAttribute('data-engine')

describe('the warming-up note', () => {
  it('shows the load’s progress while it loads, asks again each second, then says counts are instant', async () => {
    answers.push(
      { state: 'loading', progress: 0.25, loadedColumns: 0 },
      { state: 'loading', progress: 0.6, loadedColumns: 0 },
      { state: 'ready', progress: 1, loadedColumns: 4 },
    )
    const engine = new CountEngine()
    render(LiveCountStatus, { live: new LiveCount(), engine })
    await engine.watch()
    await vi.advanceTimersByTimeAsync(0)
    expect(note()).toBe(
      'Warming up: the count engine is loading profiles (25%), so a count may take a second.',
    )
    expect(marker()).toBe('loading')
    await vi.advanceTimersByTimeAsync(ENGINE_POLL_MS)
    expect(note()).toContain('(60%)')
    await vi.advanceTimersByTimeAsync(ENGINE_POLL_MS)
    expect(note()).toBe('Warmed up: counts are instant now.')
    expect(marker()).toBe('ready')
    // Ready: no more asking.
    await vi.advanceTimersByTimeAsync(ENGINE_POLL_MS * 3)
    expect(transport.requestsOf('segments.engineStatus')).toHaveLength(3)
    engine.stop()
  })

  it('says nothing when the engine was ready from the start, or cannot be asked', async () => {
    answers.push({ state: 'ready', progress: 1, loadedColumns: 4 })
    const engine = new CountEngine()
    render(LiveCountStatus, { live: new LiveCount(), engine })
    await engine.watch()
    await vi.advanceTimersByTimeAsync(0)
    expect(marker()).toBe('ready')
    expect(note()).toBeNull()
    cleanup()

    answers.push(new AppError('internal', 'The segment engine stopped.'))
    const failing = new CountEngine()
    render(LiveCountStatus, { live: new LiveCount(), engine: failing })
    await failing.watch()
    await vi.advanceTimersByTimeAsync(0)
    expect(marker()).toBe('unknown')
    expect(note()).toBeNull()
  })

  it('stops asking once the page is left', async () => {
    answers.push({ state: 'loading', progress: 0.1, loadedColumns: 0 })
    const engine = new CountEngine()
    await engine.watch()
    engine.stop()
    await vi.advanceTimersByTimeAsync(ENGINE_POLL_MS * 3)
    expect(transport.requestsOf('segments.engineStatus')).toHaveLength(1)
  })

  it('asks again after a slow count, and shows the note while a newly asked property loads', async () => {
    answers.push(
      { state: 'ready', progress: 1, loadedColumns: 4 },
      { state: 'loading', progress: 0.5, loadedColumns: 4 },
      { state: 'ready', progress: 1, loadedColumns: 5 },
    )
    const engine = new CountEngine()
    render(LiveCountStatus, { live: new LiveCount(), engine })
    await engine.watch()
    // A quick count: nothing asked.
    engine.slowCount(SLOW_COUNT_MS - 1)
    await vi.advanceTimersByTimeAsync(0)
    expect(transport.requestsOf('segments.engineStatus')).toHaveLength(1)
    engine.slowCount(SLOW_COUNT_MS + 400)
    await vi.advanceTimersByTimeAsync(0)
    expect(note()).toContain('(50%)')
    await vi.advanceTimersByTimeAsync(ENGINE_POLL_MS)
    expect(note()).toBe('Warmed up: counts are instant now.')
    expect(transport.requestsOf('segments.engineStatus')).toHaveLength(3)
    engine.stop()
  })
})
