// Prepared statements cached per database connection: preparing costs more than running most of ours.
import type Database from 'better-sqlite3'
import type { Db } from '../db/connection'

const caches = new WeakMap<Db, Map<string, Database.Statement>>()

export function prepared(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
  }
  let statement = cache.get(sql)
  if (!statement) {
    statement = db.prepare(sql)
    cache.set(sql, statement)
  }
  return statement
}

/** Epoch seconds from the context clock (milliseconds): every stored time is in seconds. */
export function nowSeconds(clock: () => number): number {
  return Math.floor(clock() / 1000)
}
