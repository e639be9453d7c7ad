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

  it('runs a late migration on a database already past its version, once, and in order on a new one', () => {
    const ran: number[] = []
    const counted = (m: Migration): Migration => ({
      ...m,
      up: (db) => {
        ran.push(m.version)
        m.up(db)
      },
    })
    const before = collectMigrations([step(1, 'a')], [step(50, 'c')])
    const after = collectMigrations(
      [step(1, 'a'), counted({ ...step(34, 'late_table'), late: true })],
      [step(50, 'c')].map(counted),
    )
    // A database made before the late migration existed: at 50, it still gets 34, and keeps 50.
    const old = new Database(':memory:')
    migrate(old, before)
    migrate(old, after)
    expect(ran).toEqual([34])
    expect(old.pragma('user_version', { simple: true })).toBe(50)
    expect(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'late_table'").pluck().get()).toBe(1)
    migrate(old, after)
    expect(ran).toEqual([34])
    old.close()
    // A new database runs everything in version order, the late one once.
    ran.length = 0
    const fresh = new Database(':memory:')
    migrate(fresh, after)
    migrate(fresh, after)
    expect(ran).toEqual([34, 50])
    expect(fresh.pragma('user_version', { simple: true })).toBe(50)
    fresh.close()
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
