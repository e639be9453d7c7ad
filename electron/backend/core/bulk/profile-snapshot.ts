// A deleted profile as one JSON snapshot (the 'profile.delete' audit row's old value): its row and every
// row that hangs off it (identifiers, devices, events with their ids, event summaries, anonymous links),
// so an undo puts it back exactly. Tables are read by column name, so a column a feature adds later
// travels too (generated columns are left out: SQLite computes them).
import type { Db } from '../db/connection'

export interface ProfileSnapshotJson {
  version: 1
  /** Table name → its rows (column → value); `profiles` holds the one profile row. */
  tables: Record<string, Record<string, unknown>[]>
}

/** The tables a profile's rows live in, and the column that points at the profile. */
const CHILDREN: readonly { table: string; column: string }[] = [
  { table: 'identifiers', column: 'profile_id' },
  { table: 'devices', column: 'profile_id' },
  { table: 'events', column: 'profile_id' },
  { table: 'event_summaries', column: 'profile_id' },
  { table: 'anonymous_links', column: 'anonymous_profile_id' },
  { table: 'anonymous_links', column: 'identified_profile_id' },
]

const columnCache = new WeakMap<Db, Map<string, string[]>>()

/** A table's stored (not generated) columns, read once per connection. */
function storedColumns(db: Db, table: string): string[] {
  let byTable = columnCache.get(db)
  if (!byTable) columnCache.set(db, (byTable = new Map()))
  let columns = byTable.get(table)
  if (!columns) {
    const info = db.prepare(`SELECT name, hidden FROM pragma_table_xinfo(?)`).all(table) as {
      name: string
      hidden: number
    }[]
    columns = info.filter((c) => c.hidden === 0).map((c) => c.name)
    byTable.set(table, columns)
  }
  return columns
}

function selectRows(db: Db, table: string, column: string, id: number): Record<string, unknown>[] {
  const columns = storedColumns(db, table)
  return db
    .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table} WHERE ${column} = ?`)
    .all(id) as Record<string, unknown>[]
}

/** The profile (internal id) and everything that hangs off it. */
export function snapshotProfile(db: Db, profileId: number): ProfileSnapshotJson {
  const tables: Record<string, Record<string, unknown>[]> = {
    profiles: selectRows(db, 'profiles', 'id', profileId),
  }
  for (const { table, column } of CHILDREN) {
    const rows = selectRows(db, table, column, profileId)
    if (rows.length > 0) (tables[table] ??= []).push(...rows)
  }
  return { version: 1, tables }
}

function insertRow(db: Db, table: string, row: Record<string, unknown>): void {
  const names = Object.keys(row)
  db.prepare(
    `INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  ).run(...names.map((n) => row[n]))
}

function rowidTaken(db: Db, table: string, id: unknown): boolean {
  return db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined
}

/**
 * Puts a deleted profile back. Its row id, its events' and devices' ids come back as they were unless
 * another row took them since (then new ids are used, and the children follow the profile's new id).
 * Returns null, writing nothing, when the profile cannot come back: its CleverTap ID, one of its
 * identifier values or a device id belongs to another profile now (the reason says which).
 */
export function restoreSnapshot(db: Db, snapshot: ProfileSnapshotJson): { id: number } | { refused: string } {
  const profile = snapshot.tables.profiles?.[0]
  if (!profile) return { refused: 'the deletion kept no snapshot of the profile' }
  if (db.prepare('SELECT 1 FROM profiles WHERE object_id = ?').get(profile.object_id) !== undefined)
    return { refused: `a profile with id ${String(profile.object_id)} exists again` }
  for (const identifier of snapshot.tables.identifiers ?? []) {
    const held = db
      .prepare('SELECT 1 FROM identifiers WHERE value_key = ? AND kind = ? AND name = ?')
      .get(identifier.value_key, identifier.kind, identifier.name)
    if (held !== undefined)
      return {
        refused: `its ${String(identifier.kind)} "${String(identifier.value)}" belongs to another profile now`,
      }
  }
  for (const device of snapshot.tables.devices ?? []) {
    if (db.prepare('SELECT 1 FROM devices WHERE device_id = ?').get(device.device_id) !== undefined)
      return { refused: `its device ${String(device.device_id)} belongs to another profile now` }
  }
  const row = { ...profile }
  if (rowidTaken(db, 'profiles', row.id)) delete row.id
  insertRow(db, 'profiles', row)
  const id =
    row.id === undefined
      ? (db.prepare('SELECT id FROM profiles WHERE object_id = ?').get(profile.object_id) as { id: number })
          .id
      : (row.id as number)
  const oldId = profile.id
  const follow = (value: unknown) => (value === oldId ? id : value)
  for (const [table, rows] of Object.entries(snapshot.tables)) {
    if (table === 'profiles') continue
    for (const child of rows) {
      const copy: Record<string, unknown> = { ...child }
      for (const key of ['profile_id', 'anonymous_profile_id', 'identified_profile_id'])
        if (key in copy) copy[key] = follow(copy[key])
      if ('id' in copy && (table === 'events' || table === 'devices') && rowidTaken(db, table, copy.id))
        delete copy.id
      if (table === 'anonymous_links') {
        // The other side of a link may be gone too (deleted in the same change set, restored later).
        const other =
          copy.anonymous_profile_id === id ? copy.identified_profile_id : copy.anonymous_profile_id
        if (db.prepare('SELECT 1 FROM profiles WHERE id = ?').get(other) === undefined) continue
        const exists = db
          .prepare(
            'SELECT 1 FROM anonymous_links WHERE anonymous_profile_id = ? AND identified_profile_id = ?',
          )
          .get(copy.anonymous_profile_id, copy.identified_profile_id)
        if (exists !== undefined) continue
      }
      insertRow(db, table, copy)
    }
  }
  return { id }
}
