// The store is busy: another connection (another process's bulk load, a backup) holds the write lock past
// the busy timeout. An import never does: it writes in short batches (imports/profile-import.ts). Channels
// and jobs say so in the same words instead of SQLite's "database is locked".

export const STORE_BUSY = 'The profile store is busy writing (another process holds it).'

/** better-sqlite3's SqliteError for SQLITE_BUSY and its extended codes. */
export function isStoreBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}
