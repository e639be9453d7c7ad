// The store is busy: another connection holds the write lock past the busy timeout (a bulk import is one
// transaction from its first row to its rebuilt indexes: imports/index-upkeep.ts). Channels and jobs say
// so in the same words instead of SQLite's "database is locked".

export const STORE_BUSY =
  'The profile store is busy writing (a large import is written in one piece and holds it until it ends).'

/** better-sqlite3's SqliteError for SQLITE_BUSY and its extended codes. */
export function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}
