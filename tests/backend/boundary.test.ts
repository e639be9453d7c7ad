// The dispatch boundary every host uses: malformed requests and unknown channels get a validation
// envelope, never a crash; a database from a newer app version is refused with a clear message.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/ipc/envelope'
import { createBackend } from '../../electron/backend/adapters/ipc/create-backend'
import { DATABASE_FILE } from '../../electron/backend/core/platform/index'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { openHarness, type Harness } from '../../test-support/store-harness'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('the dispatch boundary', () => {
  it('answers malformed requests with a validation envelope and keeps serving', async () => {
    h = openHarness()
    const cases: [string, unknown][] = [
      ['profiles.get', {}],
      ['profiles.get', { id: 42 }],
      ['profiles.get', 'not an object'],
      ['profiles.update', { id: 'x', changes: [] }],
      ['profiles.update', { id: 'x', changes: [{ op: 'replace', key: 'Name', value: 'y' }] }],
      ['profiles.search', { query: 'a', limit: 100_000 }],
      ['profiles.search', { query: 'a', filters: { type: 'Robot' } }],
      ['profiles.create', { changes: [{ op: 'set', key: 'Name', value: { nested: true } }] }],
      ['events.record', { deviceId: '', name: 'x' }],
      ['profiles.list', { sort: 'shoe size' }],
      ['app.info', { extra: 1 }],
    ]
    for (const [channel, request] of cases) {
      const reply = await h.backend.dispatch(channel, request)
      expect(reply.ok, `${channel} ${JSON.stringify(request)}`).toBe(false)
      if (!reply.ok) {
        expect(reply.error.code).toBe('validation')
        expect(reply.error.message).toContain(channel)
      }
    }
    expect((await h.call('app.info', {})).profileCount).toBe(0)
  })

  it('answers an unknown channel with a validation envelope', async () => {
    h = openHarness()
    const reply = await h.backend.dispatch('profiles.teleport', {})
    expect(reply).toEqual({
      ok: false,
      error: { code: 'validation', message: 'Unknown channel "profiles.teleport".' },
    })
  })

  it('answers a write that finds the store locked by another writer with a conflict that says what to do', async () => {
    h = openHarness()
    const p = await h.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Before' }] })
    h.backend.context.db.pragma('busy_timeout = 50')
    // Another connection holds the write lock past the busy timeout (another process's long transaction).
    const other = new Database(join(h.dataDir, DATABASE_FILE))
    try {
      other.exec('BEGIN IMMEDIATE')
      const reply = await h.backend.dispatch('profiles.update', {
        id: p.id,
        changes: [{ op: 'set', key: 'Name', value: 'After' }],
      })
      expect(reply.ok).toBe(false)
      if (!reply.ok) {
        expect(reply.error.code).toBe('conflict')
        expect(reply.error.message).toMatch(/busy writing .* Nothing was changed: try again/)
      }
      other.exec('ROLLBACK')
    } finally {
      other.close()
    }
    // Once the lock is gone the same change goes through, and nothing half-written was left behind.
    expect((await h.call('profiles.get', { id: p.id })).system.Name).toBe('Before')
    await h.call('profiles.update', { id: p.id, changes: [{ op: 'set', key: 'Name', value: 'After' }] })
    expect((await h.call('profiles.get', { id: p.id })).system.Name).toBe('After')
  })

  it('refuses a database written by a newer version, with a message that says what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-newer-'))
    try {
      const db = new Database(join(dataDir, DATABASE_FILE))
      db.pragma('user_version = 99')
      db.close()
      let caught: unknown
      try {
        createBackend({ dataDir, host: 'test', logger: silentLogger })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(AppError)
      expect((caught as AppError).message).toMatch(/newer version of Profile Desk \(schema 99/)
      expect((caught as AppError).message).toMatch(/--data-dir/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('reopens its own database with the data kept and the schema at the current version', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-reopen-'))
    try {
      const first = openHarness({ dataDir })
      const p = await first.call('profiles.create', { changes: [{ op: 'set', key: 'Name', value: 'Kept' }] })
      await first.close()
      h = openHarness({ dataDir })
      expect((await h.call('profiles.get', { id: p.id })).system.Name).toBe('Kept')
      expect((await h.call('profiles.search', { query: 'kep' })).total).toBe(1)
    } finally {
      await h?.close()
      h = undefined
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
