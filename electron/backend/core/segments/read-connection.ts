// The segment engine's own connection: read-only (WAL readers never block the writer), not memory-mapped,
// with a small page cache: its loads walk whole tables, which no cache holds anyway.
import Database from 'better-sqlite3'
import type { Db } from '../db/connection'

/**
 * No memory map (issue 11): a mapped file counts in the process's resident memory page by page as it is
 * read, so the warm-up's walks put the whole database there (a 200k-profile database: 344 MiB, over the
 * 300 MB the app may take during an import; a million profiles map gigabytes). Measured on that database:
 * the warm-up took the same CPU without it (1.1-1.7 s either way, loaded machine), a bare row scan about
 * twice (35 -> 60-85 ms), and resident memory 438 -> ~150 MiB.
 */
const MMAP_BYTES = 0
/** 4 MiB instead of SQLite's 16 MiB default: without the map the cache is private memory. */
const CACHE_KIB = 4 * 1024

export function openReadConnection(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.pragma(`mmap_size = ${MMAP_BYTES}`)
  db.pragma(`cache_size = -${CACHE_KIB}`)
  return db
}
