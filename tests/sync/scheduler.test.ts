// Auto-sync with injected timers: a push shortly after changes stop arriving, waits that grow while the
// server is out of reach, a probe when nothing waits, a stop when credentials are refused; and end to end,
// the status going from "1 change waiting" to "Up to date", to "Offline" and back when the server returns.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Timers } from '../../electron/backend/core/sync/options'
import {
  SyncScheduler,
  type RunOutcome,
  type SchedulerHooks,
} from '../../electron/backend/core/sync/scheduler'
import { openApp, startSandbox, type App, type Sandbox } from '../../test-support/sync-harness'

/** Timers that run only when the test moves time. */
class ManualTimers implements Timers {
  now = 0
  private nextId = 1
  private readonly due = new Map<number, { at: number; callback: () => void }>()

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++
    this.due.set(id, { at: this.now + ms, callback })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number)
  }

  /** Delays (from now) of the timers waiting. */
  waiting(): number[] {
    return [...this.due.values()].map((t) => t.at - this.now).sort((a, b) => a - b)
  }

  /** Moves time forward, firing what falls due in order; returns how many fired. */
  advance(ms: number): number {
    const end = this.now + ms
    let fired = 0
    for (let guard = 0; guard < 1000; guard += 1) {
      const next = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0]
      if (!next || next[1].at > end) break
      this.due.delete(next[0])
      this.now = next[1].at
      next[1].callback()
      fired += 1
    }
    this.now = end
    return fired
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

function fakeHooks(overrides: Partial<SchedulerHooks> = {}) {
  const calls: string[] = []
  const planned: (number | null)[] = []
  let outcome: RunOutcome = 'ok'
  let pending = true
  const hooks: SchedulerHooks = {
    enabled: () => true,
    hasPending: () => pending,
    push: (trigger) => {
      calls.push(`push:${trigger}`)
      return Promise.resolve(outcome)
    },
    pull: (trigger) => {
      calls.push(`pull:${trigger}`)
      return Promise.resolve(outcome)
    },
    probe: () => {
      calls.push('probe')
      return Promise.resolve(outcome)
    },
    pushIntervalMs: () => 300_000,
    pullIntervalMs: () => 0,
    onRetryPlanned: (at) => planned.push(at),
    ...overrides,
  }
  return {
    hooks,
    calls,
    planned,
    setOutcome: (next: RunOutcome) => (outcome = next),
    setPending: (next: boolean) => (pending = next),
  }
}

function scheduler(hooks: SchedulerHooks, timers: ManualTimers) {
  return new SyncScheduler(hooks, timers, () => timers.now, {
    debounceMs: 2_000,
    reconnectMinMs: 5_000,
    reconnectMaxMs: 60_000,
  })
}

describe('the auto-sync scheduler', () => {
  it('does nothing until a remote is configured', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks({ enabled: () => false })
    const s = scheduler(fake.hooks, timers)
    s.start()
    s.changed()
    expect(timers.waiting()).toEqual([])
    timers.advance(3_600_000)
    await flush()
    expect(fake.calls).toEqual([])
  })

  it('pushes once changes stop arriving, then on the timer', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks()
    const s = scheduler(fake.hooks, timers)
    s.start()
    expect(timers.waiting()).toEqual([2_000])
    timers.advance(1_500)
    s.changed()
    timers.advance(1_500)
    s.changed()
    // Each change restarts the quiet period: nothing yet.
    expect(fake.calls).toEqual([])
    timers.advance(2_000)
    await flush()
    expect(fake.calls).toEqual(['push:auto'])
    expect(timers.waiting()).toEqual([300_000])
    fake.setPending(false)
    timers.advance(300_000)
    await flush()
    // Nothing waiting: a probe keeps online/offline honest.
    expect(fake.calls).toEqual(['push:auto', 'probe'])
  })

  it('while offline waits longer each time (capped), ignores changes, and goes back to normal on reconnect', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks()
    const s = scheduler(fake.hooks, timers)
    fake.setOutcome('offline')
    s.start()
    const waits: number[] = []
    for (let i = 0; i < 6; i += 1) {
      timers.advance(timers.waiting()[0] ?? 0)
      await flush()
      waits.push(timers.waiting()[0] ?? -1)
    }
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000])
    expect(fake.planned.at(-1)).toBe(timers.now + 60_000)
    s.changed()
    expect(timers.waiting()).toEqual([60_000])
    fake.setOutcome('ok')
    timers.advance(60_000)
    await flush()
    expect(fake.calls.at(-1)).toBe('push:reconnect')
    expect(fake.planned.at(-1)).toBeNull()
    expect(timers.waiting()).toEqual([300_000])
  })

  it('stops when the credentials are refused, until the settings change', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks()
    const s = scheduler(fake.hooks, timers)
    fake.setOutcome('unauthorized')
    s.start()
    timers.advance(2_000)
    await flush()
    expect(fake.calls).toEqual(['push:auto'])
    s.changed()
    expect(timers.waiting()).toEqual([])
    fake.setOutcome('ok')
    s.start()
    timers.advance(2_000)
    await flush()
    expect(fake.calls).toEqual(['push:auto', 'push:auto'])
  })

  it('drops the reconnect wait and its planned retry when a manual run reaches the server', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks()
    const s = scheduler(fake.hooks, timers)
    fake.setOutcome('offline')
    s.start()
    for (let i = 0; i < 3; i += 1) {
      timers.advance(timers.waiting()[0] ?? 0)
      await flush()
    }
    expect(timers.waiting()).toEqual([20_000])
    expect(fake.planned.at(-1)).toBe(timers.now + 20_000)

    fake.setOutcome('ok')
    fake.setPending(false)
    s.reachedServer()
    expect(fake.planned.at(-1)).toBeNull()
    expect(timers.waiting()).toEqual([300_000])
    // Changes go out after the quiet period again, not after the next reconnect wait.
    s.changed()
    expect(timers.waiting()).toEqual([2_000])
    fake.setPending(true)
    timers.advance(2_000)
    await flush()
    expect(fake.calls.at(-1)).toBe('push:auto')
  })

  it('pulls on its own timer when asked to', async () => {
    const timers = new ManualTimers()
    const fake = fakeHooks({ pullIntervalMs: () => 3_600_000 })
    const s = scheduler(fake.hooks, timers)
    s.start()
    timers.advance(3_600_000)
    await flush()
    expect(fake.calls).toContain('pull:timer')
    s.stop()
    expect(timers.waiting()).toEqual([])
  })
})

describe('auto-sync in the app', () => {
  let app: App | null = null
  let sandbox: Sandbox | null = null
  afterEach(async () => {
    await app?.close()
    await sandbox?.stop()
  })

  it('shows "1 change waiting", then "Up to date"; "Offline" while the server is down; "Up to date" when it is back', async () => {
    sandbox = await startSandbox()
    const timers = new ManualTimers()
    app = openApp({ sync: { autoSync: true, timers, debounceMs: 2_000, reconnectMinMs: 5_000 } })
    const headlines: string[] = []
    app.backend.on('sync.status', (status) => headlines.push(status.headline))
    expect((await app.call('sync.status', {})).headline).toBe('Sync is not set up')
    await app.configure(sandbox)

    const profile = await app.call('profiles.create', {
      identifiers: [{ kind: 'identity', value: 'auto-1' }],
      changes: [{ op: 'set', key: 'Name', value: 'First' }],
    })
    expect((await app.call('sync.status', {})).headline).toBe('1 change waiting')
    timers.advance(2_000)
    await vi.waitFor(async () => expect((await app!.call('sync.status', {})).headline).toBe('Up to date'))
    expect(headlines).toContain('Syncing… · 1 change waiting')
    expect((await sandbox.profiles())[0]?.name).toBe('First')

    // The server goes away; the change waits and the status says why.
    const port = sandbox.server.port
    const dataDir = sandbox.dataDir
    await sandbox.server.close()
    await app.call('profiles.update', {
      id: profile.id,
      changes: [{ op: 'set', key: 'Name', value: 'Second' }],
    })
    timers.advance(2_000)
    await vi.waitFor(async () =>
      expect((await app!.call('sync.status', {})).headline).toBe('Offline · 1 change waiting'),
    )
    const offline = await app.call('sync.status', {})
    expect(offline.nextAttemptAt).toBeGreaterThan(Date.now())

    // It comes back on the same address: the next reconnect attempt pushes the change.
    sandbox = await startSandbox({ port, dataDir })
    timers.advance(5_000)
    await vi.waitFor(async () => expect((await app!.call('sync.status', {})).headline).toBe('Up to date'))
    expect((await app.call('sync.status', {})).nextAttemptAt).toBeNull()
    expect((await sandbox.profiles())[0]?.name).toBe('Second')
    const runs = await app.call('sync.runs.list', {})
    expect(runs.items.map((r) => r.trigger)).toEqual(['reconnect', 'auto', 'auto'])
  })

  it('forgets the planned retry after a manual push succeeds, and pushes the next change on time', async () => {
    sandbox = await startSandbox()
    const timers = new ManualTimers()
    app = openApp({ sync: { autoSync: true, timers, debounceMs: 2_000, reconnectMinMs: 5_000 } })
    await app.configure(sandbox)
    const port = sandbox.server.port
    const dataDir = sandbox.dataDir
    await sandbox.server.close()
    const profile = await app.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'One' }] })
    timers.advance(2_000)
    await vi.waitFor(async () => expect((await app!.call('sync.status', {})).state).toBe('offline'))
    expect((await app.call('sync.status', {})).nextAttemptAt).not.toBeNull()

    // Back, and the person presses Sync before the retry is due.
    sandbox = await startSandbox({ port, dataDir })
    expect((await app.run('sync.push')).status).toBe('succeeded')
    const after = await app.call('sync.status', {})
    expect(after).toMatchObject({ state: 'up-to-date', nextAttemptAt: null, lastError: null })

    // The next change goes out after the usual quiet period, as a normal auto push.
    await app.call('profiles.update', { id: profile.id, changes: [{ op: 'set', key: 'Name', value: 'Two' }] })
    timers.advance(2_000)
    await vi.waitFor(async () => expect((await app!.call('sync.status', {})).headline).toBe('Up to date'))
    expect((await sandbox.profiles())[0]?.name).toBe('Two')
    const runs = await app.call('sync.runs.list', {})
    expect(runs.items.map((r) => r.trigger)).toEqual(['auto', 'manual', 'auto'])
  })
})
