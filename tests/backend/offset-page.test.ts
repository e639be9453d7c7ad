// offsetPage, the LIMIT/OFFSET page every run and sync list reads: the rows of one page in order, and the
// total of the whole list (grouped lists counted by group), with the parameters used by both statements.
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { offsetPage } from '../../electron/backend/core/db/offset-page'

let db: Database.Database
beforeEach(() => {
  db = new Database(':memory:')
  db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, source INTEGER NOT NULL)')
  const insert = db.prepare('INSERT INTO runs (id, source) VALUES (?, ?)')
  for (let id = 1; id <= 7; id++) insert.run(id, id % 2)
})
afterEach(() => db.close())

describe('offsetPage', () => {
  it('reads one page in the order asked, with the unpaged total', () => {
    const query = { rows: 'SELECT id FROM runs ORDER BY id DESC', count: 'SELECT 1 FROM runs' }
    expect(offsetPage<{ id: number }>(db, query, 0, 3)).toEqual({
      rows: [{ id: 7 }, { id: 6 }, { id: 5 }],
      total: 7,
    })
    expect(offsetPage<{ id: number }>(db, query, 6, 3)).toEqual({ rows: [{ id: 1 }], total: 7 })
    expect(offsetPage<{ id: number }>(db, query, 9, 3)).toEqual({ rows: [], total: 7 })
  })

  it('passes the parameters to both statements, and counts a grouped list by its groups', () => {
    const filtered = offsetPage<{ id: number }>(
      db,
      {
        rows: 'SELECT id FROM runs WHERE source = ? ORDER BY id',
        count: 'SELECT 1 FROM runs WHERE source = ?',
        params: [1],
      },
      1,
      2,
    )
    expect(filtered).toEqual({ rows: [{ id: 3 }, { id: 5 }], total: 4 })
    const grouped = offsetPage<{ source: number; n: number }>(
      db,
      {
        rows: 'SELECT source, count(*) AS n FROM runs GROUP BY source ORDER BY source',
        count: 'SELECT 1 FROM runs GROUP BY source',
      },
      0,
      1,
    )
    expect(grouped).toEqual({ rows: [{ source: 0, n: 3 }], total: 2 })
  })
})
