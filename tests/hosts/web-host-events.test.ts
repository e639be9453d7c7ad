// The web host's event streams over real HTTP with a real backend: a cap on open streams, and a client
// that stops reading costs the server a bounded amount of memory (measured as the response's
// writableLength, what Node holds for the socket) before its stream is closed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createBackend, type Backend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { startWebHost, type WebHost } from '../../electron/backend/adapters/web-host/index'
import type { EventStreamLimits } from '../../electron/backend/adapters/web-host/event-streams'
import { countingSubscriptions, openSse, raw, type SseStream } from '../../test-support/raw-http'

const FILLER_BYTES = 64 * 1024
const KiB = 1024
const MiB = 1024 * KiB

let root: string
let rendererDir: string
let backend: Backend
const cleanups: (() => unknown)[] = []

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'profile-desk-web-events-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Profile Desk</title>')
  backend = createBackend({ dataDir: join(root, 'data'), host: 'web', logger: silentLogger })
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

afterAll(async () => {
  await backend?.close()
  rmSync(root, { recursive: true, force: true })
})

async function startHost(limits: Partial<EventStreamLimits>) {
  const counting = countingSubscriptions(backend)
  const host = await startWebHost({
    backend: counting.backend,
    rendererDir,
    logger: silentLogger,
    eventStreams: limits,
  })
  cleanups.push(() => host.close())
  return { host, subscribed: counting.subscribed }
}

async function stream(host: WebHost, options: { paused?: boolean } = {}): Promise<SseStream> {
  const opened = await openSse(host.port, `/events?token=${host.token}`, {}, options)
  cleanups.push(() => opened.close())
  return opened
}

/**
 * Watches every write to an /events response: how many there were, how many the socket refused
 * (write() returned false), and the most bytes Node ever held for one of them.
 */
function watchEventWrites() {
  const proto = ServerResponse.prototype
  const own = Object.hasOwn(proto, 'write')
  const original = proto.write
  const stats = { writes: 0, refused: 0, maxBuffered: 0, writesAtLastRefusal: 0 }
  proto.write = function (this: ServerResponse, ...args: unknown[]) {
    const accepted = (original as (...a: unknown[]) => boolean).apply(this, args)
    if (this.req?.url?.startsWith('/events')) {
      stats.writes++
      if (!accepted) {
        stats.refused++
        stats.writesAtLastRefusal = stats.writes
      }
      stats.maxBuffered = Math.max(stats.maxBuffered, this.writableLength)
    }
    return accepted
  } as typeof proto.write
  cleanups.push(() => {
    if (own) proto.write = original
    else delete (proto as { write?: unknown }).write
  })
  return stats
}

const filler = (i: number) => ({ ids: [`${i}:`.padEnd(FILLER_BYTES, 'x')] })

/** Emits 64 KiB events, yielding now and then, until the stream's socket refuses a write (or `max`). */
async function fillUntilRefused(stats: { refused: number }, max = 400): Promise<number> {
  let sent = 0
  while (stats.refused === 0 && sent < max) {
    backend.context.events.emit('profiles.changed', filler(sent++))
    if (sent % 8 === 0) await yieldToLoop()
  }
  expect(stats.refused, `the socket never filled after ${sent} events`).toBeGreaterThan(0)
  return sent
}

describe('event stream limits', () => {
  it('refuses a stream past the limit with 503 and a message saying what to do', async () => {
    const { host, subscribed } = await startHost({ maxStreams: 2 })
    const a = await stream(host)
    const b = await stream(host)
    expect([a.status, b.status]).toEqual([200, 200])

    const third = await raw(host.port, { path: `/events?token=${host.token}` })
    expect(third.status).toBe(503)
    expect(third.headers['retry-after']).toBe('10')
    expect(JSON.parse(third.body)).toEqual({
      ok: false,
      error: { code: 'limit', message: expect.stringMatching(/2 open pages.*Close a Profile Desk tab/) },
    })
    // Without the token it is still a 401: only authorised streams count, and they are checked first.
    expect((await raw(host.port, { path: '/events?token=wrong' })).status).toBe(401)

    // A page that goes away makes room for another.
    a.close()
    await vi.waitFor(() => expect(subscribed()).toBe(1))
    const c = await stream(host)
    expect(c.status).toBe(200)
    backend.context.events.emit('profiles.changed', { ids: ['after-room'] })
    await c.waitFor((e) => e.event === 'profiles.changed' && e.data.includes('after-room'))
  })
})

describe('a client that stops reading', () => {
  it('costs a bounded amount of memory, and its stream is closed once it falls too far behind', async () => {
    const stats = watchEventWrites()
    const { host, subscribed } = await startHost({ maxPendingBytes: 256 * KiB, maxBlockedMs: 60_000 })
    await stream(host, { paused: true })
    await vi.waitFor(() => expect(stats.writes).toBeGreaterThan(0))
    expect(subscribed()).toBe(1)

    // 25 MiB of events for a client that reads none of them.
    for (let i = 0; i < 400; i++) {
      backend.context.events.emit('profiles.changed', filler(i))
      if (i % 8 === 0) await yieldToLoop()
    }
    expect(stats.refused).toBeGreaterThan(0)
    // Node never held more than its high-water mark plus one event for the socket (not 25 MiB).
    expect(stats.maxBuffered).toBeLessThan(256 * KiB)
    // Held events passed 256 KiB, so the stream was closed and unsubscribed.
    await vi.waitFor(() => expect(subscribed()).toBe(0))
  })

  it('is closed when its socket stays full past the time bound, with no heartbeats piling up', async () => {
    const stats = watchEventWrites()
    const { host, subscribed } = await startHost({
      maxPendingBytes: 64 * MiB,
      maxBlockedMs: 300,
      heartbeatMs: 20,
    })
    await stream(host, { paused: true })
    await vi.waitFor(() => expect(stats.writes).toBeGreaterThan(0))
    // Events keep coming (one every 10 ms) until the kernel's buffers are full and stay full; the byte
    // limit is far away, so only the time bound can close the stream.
    let sent = 0
    while (subscribed() > 0 && sent < 500) {
      backend.context.events.emit('profiles.changed', filler(sent++))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(subscribed(), `still open after ${sent} events`).toBe(0)
    expect(stats.refused).toBeGreaterThan(0)
    // Nothing was written to the socket after it last refused a write, heartbeats included.
    expect(stats.writes).toBe(stats.writesAtLastRefusal)
  })

  it('catches up once it reads again: every event in order, progress coalesced to the newest', async () => {
    const stats = watchEventWrites()
    const { host, subscribed } = await startHost({ maxPendingBytes: 8 * MiB, maxBlockedMs: 60_000 })
    const slow = await stream(host, { paused: true })
    await vi.waitFor(() => expect(stats.writes).toBeGreaterThan(0))
    const fillers = await fillUntilRefused(stats)

    const jobId = 'job-slow-reader'
    for (let done = 1; done <= 50; done++) {
      backend.context.events.emit('job.progress', {
        jobId,
        kind: 'import.profiles',
        phase: 'rows',
        done,
        total: 50,
      })
    }
    backend.context.events.emit('profiles.changed', { ids: ['after-progress'] })
    backend.context.events.emit('job.finished', { jobId, kind: 'import.profiles', status: 'succeeded' })
    expect(stats.maxBuffered).toBeLessThan(256 * KiB)

    slow.resume()
    await slow.waitFor((e) => e.event === 'job.finished', 20_000)
    const names = slow.events.map((e) => e.event)
    const progress = slow.events.filter((e) => e.event === 'job.progress').map((e) => JSON.parse(e.data))
    expect(slow.events.filter((e) => e.event === 'profiles.changed')).toHaveLength(fillers + 1)
    expect(progress.length).toBeLessThan(50)
    expect(progress.at(-1)).toMatchObject({ jobId, done: 50 })
    expect(names.lastIndexOf('job.progress')).toBeLessThan(names.indexOf('job.finished'))
    expect(names.at(-1)).toBe('job.finished')
    expect(subscribed()).toBe(1)
  })
})
