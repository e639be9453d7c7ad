// Filling the snapshot's columns from rows read out of SQLite: an empty column per kind, and one setter
// per column that takes its value(s) at an offset of a row, so one read of profiles can fill several.
import type { Db } from '../db/connection'
import type { ColumnKind, ColumnSource } from './column-sources'
import { Dictionary, multiItems, packedBirth, type Column } from './column-store'

export function emptyColumn(kind: ColumnKind, size: number): Column {
  if (kind === 'num') return { kind, values: new Float64Array(size).fill(NaN) }
  if (kind === 'text') return { kind, codes: new Int32Array(size).fill(-1), dict: new Dictionary() }
  if (kind === 'multi')
    return { kind, items: new Array<Int32Array | undefined>(size), dict: new Dictionary() }
  return {
    kind,
    birth: new Int32Array(size),
    explicit: new Float64Array(size).fill(NaN),
    zone: new Int32Array(size).fill(-1),
    zones: new Dictionary(),
  }
}

/** How many values of a row a column of this kind takes (Age: dob, birthday, age, tz). */
export function widthOf(kind: ColumnKind): number {
  return kind === 'age' ? 4 : 1
}

export type Setter = (id: number, row: readonly unknown[], at: number) => void

/** Stores a row's value(s), found from `row[at]` on, as profile `id`'s entry of the column. */
export function setterOf(column: Column): Setter {
  switch (column.kind) {
    case 'num': {
      const values = column.values
      return (id, row, at) => {
        const v = row[at]
        values[id] = typeof v === 'number' ? v : NaN
      }
    }
    case 'text': {
      const { codes, dict } = column
      return (id, row, at) => {
        const v = row[at]
        codes[id] = typeof v === 'string' && v !== '' ? dict.code(v) : -1
      }
    }
    case 'multi':
      return (id, row, at) => {
        column.items[id] = multiItems(row[at], column.dict)
      }
    case 'age':
      return (id, row, at) => {
        column.birth[id] = packedBirth(row[at], row[at + 1])
        const age = row[at + 2]
        column.explicit[id] = typeof age === 'number' ? age : NaN
        const tz = row[at + 3]
        column.zone[id] = typeof tz === 'string' && tz !== '' ? column.zones.code(tz) : -1
      }
  }
}

/** Rows as arrays (`id, v`; Age: `id, dob, birthday, age, tz`); ids past `capacity` are skipped. */
export function fillColumn(column: Column, rows: Iterable<unknown[]>, capacity: number): void {
  const set = setterOf(column)
  for (const row of rows) {
    const id = row[0] as number
    if (id < capacity) set(id, row, 1)
  }
}

/** Clears some profiles' entries (before they are read again after an edit). */
export function clearRows(column: Column, ids: readonly number[]): void {
  for (const id of ids) {
    if (column.kind === 'num') column.values[id] = NaN
    else if (column.kind === 'text') column.codes[id] = -1
    else if (column.kind === 'multi') column.items[id] = undefined
    else {
      column.birth[id] = 0
      column.explicit[id] = NaN
      column.zone[id] = -1
    }
  }
}

/**
 * Profiles with ids in (from, to], read once for several columns (each source's `select`, in order):
 * into `exists` (when given) and each load's column. Ids past the columns' length are skipped.
 */
export function readProfiles(
  db: Db,
  loads: readonly { source: ColumnSource; column: Column }[],
  exists: Uint8Array | null,
  range: { from: number; to: number; capacity: number },
): void {
  const { from, to, capacity } = range
  const setters = loads.map((load) => setterOf(load.column))
  const offsets: number[] = []
  let at = 1
  for (const load of loads) {
    offsets.push(at)
    at += widthOf(load.source.kind)
  }
  const selects = loads.map((load) => `, ${load.source.select}`).join('')
  const rows = db
    .prepare(`SELECT id${selects} FROM profiles WHERE id > ? AND id <= ?`)
    .raw()
    .iterate(...loads.flatMap((load) => load.source.params), from, to) as Iterable<unknown[]>
  for (const row of rows) {
    const id = row[0] as number
    if (id >= capacity) continue
    if (exists) exists[id] = 1
    for (let j = 0; j < setters.length; j++) setters[j]!(id, row, offsets[j]!)
  }
}
