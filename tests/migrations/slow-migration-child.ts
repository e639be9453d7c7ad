// Child process for the migration crash test: opens a backend whose migration list (through the
// composition root's `migrations` port) ends with a test-only migration 999 that writes rows and then,
// when asked, stops half-way (and says so in a marker file) so the parent can kill -9 it there.
import { writeFileSync } from 'node:fs'
import { createBackend } from '../../electron/backend/adapters/ipc/create-backend'
import { MIGRATIONS } from '../../electron/backend/core/index'
import { silentLogger } from '../../electron/backend/core/platform/logger'

const [dataDir, mode, marker] = process.argv.slice(2) as [string, 'hang' | 'finish', string]

const slow = {
  version: 999, // above every feature's range, so it is always the last
  description: 'test only: a slow migration',
  up(db: import('better-sqlite3').Database) {
    db.exec('CREATE TABLE slow_migration (n INTEGER)')
    const insert = db.prepare('INSERT INTO slow_migration (n) VALUES (?)')
    for (let n = 0; n < 50_000; n += 1) insert.run(n)
    db.exec("UPDATE profiles SET name = 'half-migrated'")
    if (mode === 'hang') {
      writeFileSync(marker, 'inside migration 999')
      // Busy forever inside the transaction: only a kill ends this.
      for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000)
    }
  },
}

const backend = createBackend({
  dataDir,
  host: 'test',
  logger: silentLogger,
  migrations: [...MIGRATIONS, slow],
})
const version = backend.context.db.pragma('user_version', { simple: true })
await backend.close()
writeFileSync(marker, `done at ${String(version)}`)
