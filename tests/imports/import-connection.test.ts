// The import worker's connection setup (import-connection.ts): statement journals in memory, rarer
// checkpoints, the page cache it is given; the backend's own connection is left as it was.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../electron/backend/core/db/connection'
import {
  IMPORT_WAL_AUTOCHECKPOINT,
  tuneImportConnection,
} from '../../electron/backend/core/imports/import-connection'
import { MIGRATIONS } from '../../electron/backend/core/services'

describe('the import connection', () => {
  it('keeps temporary storage in memory, checkpoints every 10,000 frames and takes the given cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-desk-import-conn-'))
    const file = join(dir, 'profiles.db')
    const backend = openDatabase(file, { migrations: MIGRATIONS })
    const worker = openDatabase(file, {
      expectVersion: backend.pragma('user_version', { simple: true }) as number,
    })
    try {
      tuneImportConnection(worker, 16 * 1024)
      // temp_store 2 = MEMORY; SQLite's defaults on the backend's connection: 0 (file) and 1,000 frames.
      expect(worker.pragma('temp_store', { simple: true })).toBe(2)
      expect(worker.pragma('wal_autocheckpoint', { simple: true })).toBe(IMPORT_WAL_AUTOCHECKPOINT)
      expect(worker.pragma('cache_size', { simple: true })).toBe(-16 * 1024)
      expect(backend.pragma('temp_store', { simple: true })).toBe(0)
      expect(backend.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    } finally {
      worker.close()
      backend.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
