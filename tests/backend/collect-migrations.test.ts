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

/** Wraps migrations so the versions that ran are listed in `ran`, in order. */
function recorder(): { ran: number[]; counted: (m: Migration) => Migration } {
  const ran: number[] = []
  const counted = (m: Migration): Migration => ({
    ...m,
    up: (db) => {
      ran.push(m.version)
      m.up(db)
    },
  })
  return { ran, counted }
}

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
    expect(tables).toEqual(['a', 'b', 'c', 'schema_migrations'])
    db.close()
  })

  it('runs a late migration on a database already past its version, once, and in order on a new one', () => {
    const { ran, counted } = recorder()
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

  it('runs a migration added later below the version a database has, with no flag, once it keeps the ledger', () => {
    const { ran, counted } = recorder()
    const db = new Database(':memory:')
    migrate(db, collectMigrations([step(1, 'a')], [step(50, 'c')]))
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([
      1, 50,
    ])
    // Imports' range lies under change sets': a new 13 still runs on this database at 50, once.
    const later = collectMigrations([step(1, 'a'), counted(step(13, 'imports_new'))], [step(50, 'c')])
    migrate(db, later)
    migrate(db, later)
    expect(ran).toEqual([13])
    expect(db.pragma('user_version', { simple: true })).toBe(50)
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([
      1, 13, 50,
    ])
    db.close()
  })

  it('takes a database from before the ledger as having run every version up to its user_version', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE a (id INTEGER); CREATE TABLE c (id INTEGER)')
    db.pragma('user_version = 50')
    // 1 and 50 ran (user_version says so) and are not run again; they enter the ledger.
    migrate(db, collectMigrations([step(1, 'a')], [step(50, 'c')]))
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([
      1, 50,
    ])
    db.close()
  })

  it('takes a late migration listed by a build from before the ledger as run, and does not run it again', () => {
    const db = new Database(':memory:')
    // What that build left: user_version 50, the late 34 run and listed in schema_late_migrations.
    db.exec('CREATE TABLE a (id INTEGER); CREATE TABLE late_table (id INTEGER); CREATE TABLE c (id INTEGER)')
    db.exec('CREATE TABLE schema_late_migrations (version INTEGER PRIMARY KEY) STRICT')
    db.exec('INSERT INTO schema_late_migrations VALUES (34)')
    db.pragma('user_version = 50')
    migrate(db, collectMigrations([step(1, 'a'), { ...step(34, 'late_table'), late: true }], [step(50, 'c')]))
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([
      1, 34, 50,
    ])
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
