// The relay to the backend's utility process, with `electron` mocked: calls go out with ids, replies
// come back to the right caller, events are forwarded, a call the backend never answers times out, and a
// crash answers every waiting call at once and restarts the process.
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { fakeElectron, type FakeUtilityProcess } from '../../test-support/fake-electron'

vi.mock('electron', async () => (await import('../../test-support/fake-electron')).fakeElectron.module)

const { BackendProcess } = await import('../../electron/main/backend-process')

interface RpcMessage {
  type: 'rpc'
  id: number
  channel: string
  request: unknown
}

/** Makes a fake child answer every rpc the way the backend would. */
function answerRpcs(child: FakeUtilityProcess, answer: (m: RpcMessage) => unknown): void {
  child.onPost = (message) => {
    const m = message as RpcMessage
    if (m.type === 'rpc') queueMicrotask(() => child.reply({ type: 'reply', id: m.id, envelope: answer(m) }))
  }
}

function makeProcess(onEvent = vi.fn()) {
  return new BackendProcess({
    modulePath: '/app/out/main/backend-process.js',
    dataDir: '/data/profile-desk',
    logger: silentLogger,
    onEvent,
    restartDelayMs: () => 0,
    stopTimeoutMs: 50,
  })
}

beforeEach(() => {
  fakeElectron.forks.length = 0
  fakeElectron.module.utilityProcess.fork.mockClear()
})

afterEach(() => {
  vi.useRealTimers()
})

/** Resolves to the envelope, or to 'waiting' if the promise has not settled yet. */
async function settled<T>(promise: Promise<T>): Promise<T | 'waiting'> {
  return Promise.race([promise, Promise.resolve('waiting' as const)])
}

describe('BackendProcess', () => {
  it('forks the built backend entry with the data folder', () => {
    makeProcess().start()
    expect(fakeElectron.module.utilityProcess.fork).toHaveBeenCalledWith(
      '/app/out/main/backend-process.js',
      ['--data-dir', '/data/profile-desk'],
      expect.objectContaining({ serviceName: 'Profile Desk backend' }),
    )
  })

  it('relays a call and returns the reply to the caller who asked, whatever the order', async () => {
    const backend = makeProcess()
    backend.start()
    const child = fakeElectron.forks[0]!
    const first = backend.call('profiles.get', { id: 'a' })
    const second = backend.call('profiles.get', { id: 'b' })
    const [m1, m2] = child.posted as RpcMessage[]
    expect(m1).toMatchObject({ type: 'rpc', channel: 'profiles.get', request: { id: 'a' } })
    expect(m2?.id).not.toBe(m1?.id)
    child.reply({ type: 'reply', id: m2!.id, envelope: { ok: true, value: 'B' } })
    child.reply({ type: 'reply', id: m1!.id, envelope: { ok: true, value: 'A' } })
    expect(await first).toEqual({ ok: true, value: 'A' })
    expect(await second).toEqual({ ok: true, value: 'B' })
  })

  it('forwards pushed events and ignores malformed messages', () => {
    const onEvent = vi.fn()
    const backend = makeProcess(onEvent)
    backend.start()
    const child = fakeElectron.forks[0]!
    child.reply({ type: 'event', name: 'job.progress', payload: { jobId: 'j', done: 1 } })
    child.reply('garbage')
    child.reply({ type: 'reply', id: 'x' })
    expect(onEvent).toHaveBeenCalledTimes(1)
    expect(onEvent).toHaveBeenCalledWith('job.progress', { jobId: 'j', done: 1 })
  })

  it('when the process dies, answers waiting calls with an internal "restarted" envelope and restarts it', async () => {
    const backend = makeProcess()
    backend.start()
    const first = fakeElectron.forks[0]!
    const waiting = backend.call('app.info', {})
    first.emit('exit', 9)
    const answer = await waiting
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(answer.ok ? '' : answer.error.message).toMatch(/restarted/)
    await vi.waitFor(() => expect(fakeElectron.forks).toHaveLength(2))
    const second = fakeElectron.forks[1]!
    answerRpcs(second, () => ({ ok: true, value: 'back' }))
    expect(await backend.call('app.info', {})).toEqual({ ok: true, value: 'back' })
  })

  it('queues calls made while restarting and sends them to the new process', async () => {
    const backend = new BackendProcess({
      modulePath: 'm',
      dataDir: 'd',
      logger: silentLogger,
      onEvent: () => {},
      restartDelayMs: () => 30,
    })
    backend.start()
    fakeElectron.forks[0]!.emit('exit', 1)
    const during = backend.call('app.info', {})
    expect(fakeElectron.forks).toHaveLength(1)
    await vi.waitFor(() => expect(fakeElectron.forks).toHaveLength(2))
    const second = fakeElectron.forks[1]!
    expect(second.posted).toEqual([expect.objectContaining({ type: 'rpc', channel: 'app.info' })])
    const id = (second.posted[0] as RpcMessage).id
    second.reply({ type: 'reply', id, envelope: { ok: true, value: 1 } })
    expect(await during).toEqual({ ok: true, value: 1 })
  })

  it('stops restarting a process that keeps crashing', async () => {
    const backend = new BackendProcess({
      modulePath: 'm',
      dataDir: 'd',
      logger: silentLogger,
      onEvent: () => {},
      restartDelayMs: () => 0,
      maxCrashes: 2,
    })
    // The restart timer is a fake one: after the last crash, running every timer there is proves that
    // no restart was ever scheduled (no real wait for one that might come).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    onTestFinished(() => {
      vi.useRealTimers()
    })
    backend.start()
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(fakeElectron.forks).toHaveLength(i + 1))
      fakeElectron.forks[i]!.emit('exit', 1)
    }
    await vi.runAllTimersAsync()
    expect(fakeElectron.forks).toHaveLength(3)
    const answer = await backend.call('app.info', {})
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('stop() asks the backend to shut down and resolves when it exits; no restart follows', async () => {
    const backend = makeProcess()
    backend.start()
    const child = fakeElectron.forks[0]!
    child.onPost = (m) => {
      if ((m as { type: string }).type === 'shutdown') queueMicrotask(() => child.emit('exit', 0))
    }
    const pending = backend.call('app.info', {})
    await backend.stop()
    expect(child.posted).toContainEqual({ type: 'shutdown' })
    expect(await pending).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(child.killed).toBe(false)
    expect(fakeElectron.forks).toHaveLength(1)
    expect(await backend.call('app.info', {})).toMatchObject({ ok: false })
  })

  it('stop() kills a backend that does not exit in time', async () => {
    const backend = makeProcess()
    backend.start()
    await backend.stop()
    expect(fakeElectron.forks[0]!.killed).toBe(true)
  })

  it('answers a call the backend never replies to with a timeout envelope after 30 s, and drops a late reply', async () => {
    vi.useFakeTimers()
    const backend = makeProcess()
    backend.start()
    const child = fakeElectron.forks[0]!
    const silent = backend.call('profiles.get', { id: 'a' })
    await vi.advanceTimersByTimeAsync(29_000)
    expect(await settled(silent)).toBe('waiting')
    await vi.advanceTimersByTimeAsync(1_000)
    const answer = await silent
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: expect.stringMatching(/did not answer "profiles\.get" within 30 s.*try again.*restart/s),
        details: { reason: 'backend_timeout', channel: 'profiles.get', timeoutMs: 30_000 },
      },
    })
    // The reply that finally comes is dropped; the process is not restarted for a slow call, and the
    // next call works as usual.
    const late = (child.posted[0] as RpcMessage).id
    child.reply({ type: 'reply', id: late, envelope: { ok: true, value: 'too late' } })
    answerRpcs(child, () => ({ ok: true, value: 'fine' }))
    expect(await backend.call('app.info', {})).toEqual({ ok: true, value: 'fine' })
    expect(fakeElectron.forks).toHaveLength(1)
  })

  it('gives connection tests and previews longer (3 min) than other calls', async () => {
    vi.useFakeTimers()
    const backend = makeProcess()
    backend.start()
    const child = fakeElectron.forks[0]!
    const short = backend.call('sync.status', {})
    const sftpTest = backend.call('sftp.sources.test', { id: 1 })
    const syncTest = backend.call('sync.testConnection', {})
    await vi.advanceTimersByTimeAsync(60_000)
    expect(await settled(short)).toMatchObject({
      ok: false,
      error: { details: { reason: 'backend_timeout' } },
    })
    expect(await settled(sftpTest)).toBe('waiting')
    expect(await settled(syncTest)).toBe('waiting')
    // A long call still gets its real answer when it comes in time...
    const sftpId = (child.posted as RpcMessage[]).find((m) => m.channel === 'sftp.sources.test')!.id
    child.reply({ type: 'reply', id: sftpId, envelope: { ok: true, value: 'connected' } })
    expect(await sftpTest).toEqual({ ok: true, value: 'connected' })
    // ...and times out too, later.
    await vi.advanceTimersByTimeAsync(120_000)
    expect(await syncTest).toMatchObject({
      ok: false,
      error: { details: { reason: 'backend_timeout', channel: 'sync.testConnection', timeoutMs: 180_000 } },
    })
  })

  it('times out a call queued while the process restarts, and never sends it afterwards', async () => {
    const backend = new BackendProcess({
      modulePath: 'm',
      dataDir: 'd',
      logger: silentLogger,
      onEvent: () => {},
      restartDelayMs: () => 200,
      callTimeoutMs: 20,
    })
    backend.start()
    fakeElectron.forks[0]!.emit('exit', 1)
    const queued = await backend.call('app.info', {})
    expect(queued).toMatchObject({ ok: false, error: { details: { reason: 'backend_timeout' } } })
    await vi.waitFor(() => expect(fakeElectron.forks).toHaveLength(2))
    expect(fakeElectron.forks[1]!.posted).toEqual([])
  })

  it('answers every waiting call at once when the process exits, naming the exit code', async () => {
    const backend = makeProcess()
    backend.start()
    const child = fakeElectron.forks[0]!
    const calls = [
      backend.call('profiles.search', { query: 'ana' }),
      backend.call('sftp.sources.test', { id: 1 }),
      backend.call('imports.preview', { path: '/x.csv' }),
    ]
    child.emit('exit', 134)
    // No timer has run: the answers are there straight away.
    const answers = await Promise.all(calls.map((c) => settled(c)))
    for (const answer of answers) {
      expect(answer).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message: expect.stringMatching(/stopped unexpectedly \(exit code 134\).*may not have been done/),
          details: { reason: 'backend_exited', exitCode: 134, restarting: true },
        },
      })
    }
  })
})
