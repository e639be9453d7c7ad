// The import's multi-row INSERTs (imports/insert-buffer.ts): whatever the number of queued rows, every
// row is written once, with its own values, in the order it was queued (chunks of 64, 8 and 1 rows).
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { InsertBuffer } from '../../electron/backend/core/imports/insert-buffer'

describe('InsertBuffer', () => {
  it.each([0, 1, 7, 8, 9, 63, 64, 65, 75, 130, 200])('writes %i queued rows in order', (count) => {
    const db = new Database(':memory:')
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c TEXT) STRICT')
      const buffer = new InsertBuffer(db, 't', ['a', 'b', 'c'])
      for (let i = 0; i < count; i++) buffer.add(i, `row ${i}`, i % 3 === 0 ? null : `"${i}"`)
      buffer.flush()
      // A second flush with nothing queued writes nothing.
      buffer.flush()
      const rows = db.prepare('SELECT a, b, c FROM t ORDER BY id').all()
      expect(rows).toEqual(
        Array.from({ length: count }, (_, i) => ({ a: i, b: `row ${i}`, c: i % 3 === 0 ? null : `"${i}"` })),
      )
    } finally {
      db.close()
    }
  })

  it('writes a full chunk as soon as it is queued, before the flush', () => {
    const db = new Database(':memory:')
    try {
      db.exec('CREATE TABLE t (a INTEGER) STRICT')
      const buffer = new InsertBuffer(db, 't', ['a'])
      for (let i = 0; i < 70; i++) buffer.add(i)
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 64 })
      buffer.flush()
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 70 })
    } finally {
      db.close()
    }
  })
})
