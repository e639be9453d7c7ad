// The migration list: features own version ranges, so gaps are allowed, but a version claimed twice or a
// version that is not a positive whole number is refused before any database sees the list.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { collectMigrations, migrate, type Migration } from '../../electron/backend/core/db/migrate'

const step = (version: number, table: string): Migration => ({
  version,
  description: `create ${table}`,
  up: (db) => db.exec(`CREATE TABLE ${table} (id INTEGER)`),
})

describe('collectMigrations', () => {
  it('orders the features’ lists by version and allows gaps between ranges', () => {
    const all = collectMigrations([step(1, 'a'), step(5, 'b')], [step(10, 'c')])
    expect(all.map((m) => m.version)).toEqual([1, 5, 10])
    const db = new Database(':memory:')
    migrate(db, all)
    expect(db.pragma('user_version', { simple: true })).toBe(10)
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all()
    expect(tables).toEqual(['a', 'b', 'c'])
    db.close()
  })

  it('refuses a version claimed twice', () => {
    expect(() => collectMigrations([step(1, 'a'), step(10, 'b')], [step(10, 'c')])).toThrow(
      /Two migrations claim schema version 10/,
    )
  })

  it('refuses a version that is not a positive whole number', () => {
    expect(() => collectMigrations([step(0, 'a')])).toThrow(/not a positive whole number/)
    expect(() => collectMigrations([step(2.5, 'a')])).toThrow(/not a positive whole number/)
  })
})
