// The import worker's connection setup (import-connection.ts): statement journals in memory, rarer
// the page cache it is given; the backend's own connection is left as it was.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../electron/backend/core/db/connection'
import { tuneImportConnection } from '../../electron/backend/core/imports/import-connection'
import { MIGRATIONS } from '../../electron/backend/core/services'

describe('the import connection', () => {
  it('keeps temporary storage in memory and takes the given cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-desk-import-conn-'))
    const file = join(dir, 'profiles.db')
    const backend = openDatabase(file, { migrations: MIGRATIONS })
    const worker = openDatabase(file, {
      expectVersion: backend.pragma('user_version', { simple: true }) as number,
    })
    try {
      tuneImportConnection(worker, 16 * 1024)
      // temp_store 2 = MEMORY; SQLite's default on the backend's connection: 0 (file).
      expect(worker.pragma('temp_store', { simple: true })).toBe(2)
      expect(worker.pragma('cache_size', { simple: true })).toBe(-16 * 1024)
      expect(backend.pragma('temp_store', { simple: true })).toBe(0)
    } finally {
      worker.close()
      backend.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
