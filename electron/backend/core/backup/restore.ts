// Putting a backup in the database's place: what the remote already accepted is carried over (so nothing
// is sent twice), the current database is kept aside, and the swap is undone if the new file will not open.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs'
import type { Db } from '../db/connection'
import { openDatabase } from '../db/connection'
import type { Migration } from '../db/migrate'
import { tightenFile } from '../platform/private-files'
import { PULL_FIRST_KEY } from '../sync/settings'

/**
 * What the current database knows about delivery: the highest outbox id ever given, and the entries still
 * to send. Every other entry up to that id was accepted by the remote (or discarded by a person) since the
 * backup was made, whatever the backup says.
 */
export interface DeliveryState {
  lastOutboxId: number
  stillToSend: number[]
}

export function readDeliveryState(db: Db): DeliveryState {
  const seq = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get()
  const stillToSend = db
    .prepare<[], { id: number }>('SELECT id FROM outbox WHERE id NOT IN (SELECT id FROM outbox_done)')
    .all()
    .map((row) => row.id)
  return { lastOutboxId: seq?.seq ?? 0, stillToSend }
}

/**
 * Applies the current delivery state to the restored database: entries it holds that the remote has since
 * accepted leave its queue (events and $incr are not sent twice), new ids continue after every id ever
 * used (idempotency keys stay unique), and the next sync pulls first, so what the remote took since the
 * backup comes down before anything goes up.
 */
export function carryDeliveryState(db: Db, state: DeliveryState): number {
  return db.transaction(() => {
    const accepted = db
      .prepare(
        `INSERT OR IGNORE INTO outbox_done (id)
         SELECT id FROM outbox WHERE id <= ? AND id NOT IN (SELECT value FROM json_each(?))`,
      )
      .run(state.lastOutboxId, JSON.stringify(state.stillToSend)).changes
    const updated = db
      .prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'")
      .run(state.lastOutboxId).changes
    if (updated === 0 && state.lastOutboxId > 0) {
      db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(state.lastOutboxId)
    }
    db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(PULL_FIRST_KEY)
    return Number(accepted)
  })()
}

const COMPANIONS = ['-wal', '-shm']

/**
 * Moves the (closed) database to `aside`, copies `backup` in its place, brings it to the current schema
 * and applies `delivery`. On any failure the database that was there is put back.
 */
export function swapInBackup(options: {
  databaseFile: string
  backup: string
  aside: string
  migrations: readonly Migration[]
  delivery: DeliveryState | null
}): { acceptedSince: number } {
  const { databaseFile, backup, aside, migrations, delivery } = options
  const moved: [string, string][] = []
  const putBack = () => {
    rmSync(databaseFile, { force: true })
    for (const suffix of COMPANIONS) rmSync(`${databaseFile}${suffix}`, { force: true })
    for (const [from, to] of moved.reverse()) renameSync(to, from)
  }
  for (const suffix of ['', ...COMPANIONS]) {
    const from = `${databaseFile}${suffix}`
    if (!existsSync(from)) continue
    renameSync(from, `${aside}${suffix}`)
    moved.push([from, `${aside}${suffix}`])
  }
  try {
    const incoming = `${databaseFile}.restoring`
    copyFileSync(backup, incoming)
    tightenFile(incoming)
    renameSync(incoming, databaseFile)
    const db = openDatabase(databaseFile, { migrations })
    try {
      // Unknown delivery (the current database could not be read): nothing is marked, the pull still comes first.
      return { acceptedSince: carryDeliveryState(db, delivery ?? { lastOutboxId: 0, stillToSend: [] }) }
    } finally {
      db.close()
    }
  } catch (error) {
    putBack()
    throw error
  }
}
