// The backend's utility-process entry with a fake parentPort and a real backend on a temporary
// database: it announces itself, answers rpc messages by id, forwards events and shuts down cleanly.
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DATABASE_FILE } from '../../electron/backend/core/platform/index'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import {
  startUtilityBackend,
  type UtilityBackend,
} from '../../electron/backend/adapters/utility-process/entry'

class FakeParentPort extends EventEmitter {
  readonly posted: Record<string, unknown>[] = []
  postMessage(message: Record<string, unknown>): void {
    this.posted.push(message)
  }
  /** Main sends a message (Electron wraps it as a MessageEvent with `data`). */
  send(data: unknown): void {
    this.emit('message', { data })
  }
  async replyTo(id: number): Promise<Record<string, unknown>> {
    await vi.waitFor(() => expect(this.posted.some((m) => m.type === 'reply' && m.id === id)).toBe(true))
    return this.posted.find((m) => m.type === 'reply' && m.id === id)!
  }
}

let dir: string
let port: FakeParentPort
let started: UtilityBackend | null
const exit = vi.fn()

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-utility-'))
  port = new FakeParentPort()
  started = null
  exit.mockClear()
})

afterEach(async () => {
  await started?.backend?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the utility-process entry', () => {
  it('answers rpc messages with envelopes from the real backend', async () => {
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit })
    expect(port.posted[0]).toEqual({ type: 'ready' })
    port.send({ type: 'rpc', id: 1, channel: 'app.info', request: {} })
    port.send({ type: 'rpc', id: 2, channel: 'no.such.channel', request: {} })
    port.send({ type: 'rpc', id: 3, channel: 'profiles.get', request: { id: 42 } })
    expect((await port.replyTo(1)).envelope).toMatchObject({
      ok: true,
      value: { host: 'electron', dataDir: dir },
    })
    expect((await port.replyTo(2)).envelope).toMatchObject({ ok: false, error: { code: 'validation' } })
    expect((await port.replyTo(3)).envelope).toMatchObject({ ok: false, error: { code: 'validation' } })
  })

  it('registers a file main chose and answers with its handle, which the page then reads by', async () => {
    started = startUtilityBackend(port, { dataDir: join(dir, 'data'), logger: silentLogger, exit })
    const chosen = join(dir, 'chosen.csv')
    writeFileSync(chosen, 'identity,Name\nc1,Cleo\n')
    port.send({ type: 'grant-file', id: 11, path: chosen, source: 'dialog' })
    const granted = (await port.replyTo(11)).envelope as { ok: true; value: { handle: string } }
    expect(granted).toEqual({
      ok: true,
      value: { handle: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'chosen.csv', bytes: 22 },
    })
    port.send({ type: 'rpc', id: 12, channel: 'imports.preview', request: { file: granted.value.handle } })
    expect((await port.replyTo(12)).envelope).toMatchObject({ ok: true, value: { rows: [['c1', 'Cleo']] } })

    // The backend's own files are never granted, and the refusal is an envelope, not a crash.
    port.send({ type: 'grant-file', id: 13, path: join(dir, 'data', DATABASE_FILE), source: 'dialog' })
    expect((await port.replyTo(13)).envelope).toMatchObject({
      ok: false,
      error: { code: 'validation', message: expect.stringContaining('data folder') },
    })
    // A grant from an unknown source is malformed: ignored, never answered.
    port.send({ type: 'grant-file', id: 14, path: chosen, source: 'renderer' })
    port.send({ type: 'rpc', id: 15, channel: 'jobs.list', request: {} })
    await port.replyTo(15)
    expect(port.posted.some((m) => m.id === 14)).toBe(false)
  })

  it('ignores malformed messages and keeps answering', async () => {
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit })
    port.send('hello')
    port.send({ type: 'rpc', id: 'x' })
    port.send(null)
    port.send({ type: 'rpc', id: 7, channel: 'jobs.list', request: {} })
    expect((await port.replyTo(7)).envelope).toMatchObject({ ok: true })
  })

  it('forwards backend events to the main process', () => {
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit })
    started.backend!.context.events.emit('profiles.changed', { ids: ['p1'], all: false })
    expect(port.posted).toContainEqual({
      type: 'event',
      name: 'profiles.changed',
      payload: { ids: ['p1'], all: false },
    })
  })

  it('closes the backend on shutdown, says so and exits 0', async () => {
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit })
    port.send({ type: 'shutdown' })
    await started.closed
    expect(port.posted.at(-1)).toEqual({ type: 'closed' })
    expect(exit).toHaveBeenCalledWith(0)
    expect(started.backend!.context.db.open).toBe(false)
    port.send({ type: 'rpc', id: 9, channel: 'app.info', request: {} })
    expect((await port.replyTo(9)).envelope).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('answers every call with the reason when the database cannot be opened', async () => {
    const db = new Database(join(dir, DATABASE_FILE))
    db.pragma('user_version = 999')
    db.close()
    started = startUtilityBackend(port, { dataDir: dir, logger: silentLogger, exit })
    expect(started.backend).toBeNull()
    port.send({ type: 'rpc', id: 1, channel: 'app.info', request: {} })
    const reply = await port.replyTo(1)
    expect(reply.envelope).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(JSON.stringify(reply.envelope)).toMatch(/newer version/)
  })
})
