// The columnar snapshot the segment engine counts on (docs/memo: a typed array per property, loaded
// lazily by one query, indexed by the profile's internal id). It is a derived cache: edits re-read their
// rows, a bulk change drops it, and PRAGMA data_version catches a commit nobody announced.
import { foldText } from '../../../../shared/profile/search-keys'
import { packDate } from '../../../../shared/profile/identity'
import { utcDateOf } from '../../../../shared/profile/validators-dates'
import type { Db } from '../db/connection'
import type { ColumnSource } from './column-sources'
import { alignedSize } from './masks'

/** Dictionary-coded strings: one code per distinct value, compared folded over the distinct values. */
export class Dictionary {
  readonly values: string[] = []
  readonly folded: string[] = []
  private readonly codes = new Map<string, number>()
  code(value: string): number {
    let code = this.codes.get(value)
    if (code === undefined) {
      code = this.values.length
      this.codes.set(value, code)
      this.values.push(value)
      this.folded.push(foldText(value))
    }
    return code
  }
}

export type Column =
  | { kind: 'num'; values: Float64Array }
  | { kind: 'text'; codes: Int32Array; dict: Dictionary }
  | { kind: 'multi'; items: (Int32Array | undefined)[]; dict: Dictionary }
  /** Age inputs: birth date packed (0: none), explicit Age (NaN: none), the profile's zone code (-1: none). */
  | { kind: 'age'; birth: Int32Array; explicit: Float64Array; zone: Int32Array; zones: Dictionary }

/** One event name's events: owner (internal profile id) and time, in id order; more are appended. */
export interface EventColumn {
  profile: Int32Array
  ts: Float64Array
  length: number
  lastId: number
  /** Event-property values by key, parallel to the events (loaded on first use). */
  props: Map<string, unknown[]>
}

function grownInt32(old: Int32Array, size: number, fill: number): Int32Array {
  const next = new Int32Array(size).fill(fill)
  next.set(old)
  return next
}

function grownFloat64(old: Float64Array, size: number): Float64Array {
  const next = new Float64Array(size).fill(NaN)
  next.set(old)
  return next
}

function multiItems(raw: unknown, dict: Dictionary): Int32Array | undefined {
  if (typeof raw !== 'string') return undefined
  const parsed: unknown = raw.startsWith('[') ? JSON.parse(raw) : [raw]
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined
  return Int32Array.from(parsed.filter((v) => typeof v === 'string').map((v) => dict.code(v)))
}

export class Snapshot {
  /** 1 where a profile with this internal id exists. */
  exists = new Uint8Array(0)
  /** Goes up whenever what the snapshot holds may have changed (results cached for it are then stale). */
  generation = 0
  /** Goes up whenever a profile may have changed (orders built from the table are then stale). */
  profilesVersion = 0
  private existing = -1
  /** Array length of every column: the largest id + 1 (grown on demand). */
  capacity = 0
  readonly columns = new Map<string, Column>()
  readonly events = new Map<string, EventColumn>()
  private seenVersion = -1
  private announced = false
  /** Loaded event names that may have new events (appended on their next use). */
  private staleEvents = new Set<string>()

  constructor(private readonly db: Db) {}

  /**
   * Before each request: a commit we were not told of drops the profile columns, unless it left the
   * profiles as they were (a setting, a job record, a sync run: a count must not wait for a reload of
   * everything after those); new events load.
   */
  refresh(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number
    if (this.seenVersion !== -1 && version !== this.seenVersion) {
      this.generation++
      const print = this.fingerprint()
      if (!this.announced && print !== this.print) this.dropProfiles()
      this.print = print
      this.staleEvents = new Set(this.events.keys())
    }
    this.seenVersion = version
    this.announced = false
    if (this.capacity === 0) this.loadExists()
  }

  private print = ''

  /**
   * What any change to profiles moves, read from indexes (about a millisecond): how many there are, the
   * highest id, the latest update (every write to a profile stamps updated_at) and its trigger-kept counts.
   * A device change stamps no profile: the highest device id and the devices' kept counts (per platform,
   * and the reachability codes a token change moves) catch it for the columns that read devices.
   */
  private fingerprint(): string {
    return JSON.stringify(
      this.db
        .prepare(
          `SELECT (SELECT max(id) FROM profiles), (SELECT max(updated_at) FROM profiles),
                  (SELECT group_concat(n) FROM profile_counts), (SELECT max(id) FROM devices),
                  (SELECT group_concat(n) FROM platform_counts), (SELECT group_concat(n) FROM reach_counts)`,
        )
        .raw()
        .get(),
    )
  }

  /** profiles.changed from the backend: re-read those profiles' rows, or drop everything after a bulk change. */
  changed(objectIds: readonly string[], all: boolean): void {
    this.announced = true
    this.generation++
    this.staleEvents = new Set(this.events.keys())
    if (all) return this.dropAll()
    if (objectIds.length > 0) this.profilesVersion++
    if (this.capacity === 0 || objectIds.length === 0) return
    const rows = this.db
      .prepare(`SELECT id FROM profiles WHERE object_id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(objectIds)) as number[]
    // A deleted profile is no longer found by its CleverTap ID: the exists mask is read again whole.
    if (rows.length < objectIds.length) this.loadExists()
    const top = Math.max(0, ...rows)
    if (top >= this.capacity) this.grow(top + 1)
    for (const id of rows) this.exists[id] = 1
    for (const [key, column] of this.columns) this.reload(key, column, rows)
  }

  dropAll(): void {
    this.dropProfiles()
    this.events.clear()
  }

  private dropProfiles(): void {
    this.profilesVersion++
    this.columns.clear()
    this.sources.clear()
    this.capacity = 0
    this.exists = new Uint8Array(0)
  }

  private loadExists(): void {
    this.print = this.fingerprint()
    const max = (this.db.prepare('SELECT max(id) FROM profiles').pluck().get() as number | null) ?? 0
    const exists = new Uint8Array(alignedSize(Math.max(this.capacity, max + 1)))
    for (const id of this.db.prepare('SELECT id FROM profiles').pluck().iterate() as Iterable<number>)
      exists[id] = 1
    if (exists.length > this.capacity) this.grow(exists.length)
    this.exists = exists
  }

  private grow(wanted: number): void {
    const size = alignedSize(wanted)
    const exists = new Uint8Array(size)
    exists.set(this.exists)
    this.exists = exists
    for (const column of this.columns.values()) {
      if (column.kind === 'num') column.values = grownFloat64(column.values, size)
      else if (column.kind === 'text') column.codes = grownInt32(column.codes, size, -1)
      else if (column.kind === 'age') {
        column.birth = grownInt32(column.birth, size, 0)
        column.explicit = grownFloat64(column.explicit, size)
        column.zone = grownInt32(column.zone, size, -1)
      } else column.items.length = size
    }
    this.capacity = size
  }

  private readonly sources = new Map<string, ColumnSource>()
  private existingAt = -1

  /** How many profiles exist (counted once per generation). */
  profileCount(): number {
    if (this.existingAt !== this.generation || this.existing < 0) {
      let n = 0
      for (let i = 0; i < this.exists.length; i++) n += this.exists[i]!
      this.existing = n
      this.existingAt = this.generation
    }
    return this.existing
  }

  column(source: ColumnSource): Column {
    const cached = this.columns.get(source.id)
    if (cached) return cached
    const column = this.empty(source.kind)
    this.sources.set(source.id, source)
    this.fill(
      column,
      this.db
        .prepare(source.sql)
        .raw()
        .iterate(...source.params) as Iterable<unknown[]>,
    )
    this.columns.set(source.id, column)
    return column
  }

  private empty(kind: ColumnSource['kind']): Column {
    const size = this.capacity
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

  /** Rows as arrays (`id, v`; Age: `id, dob, birthday, age, tz`), one loop per kind (no row objects). */
  private fill(column: Column, rows: Iterable<unknown[]>): void {
    const capacity = this.capacity
    switch (column.kind) {
      case 'num': {
        const values = column.values
        for (const [id, v] of rows as Iterable<[number, unknown]>)
          if (id < capacity) values[id] = typeof v === 'number' ? v : NaN
        return
      }
      case 'text': {
        const { codes, dict } = column
        for (const [id, v] of rows as Iterable<[number, unknown]>)
          if (id < capacity) codes[id] = typeof v === 'string' && v !== '' ? dict.code(v) : -1
        return
      }
      case 'multi':
        for (const [id, v] of rows as Iterable<[number, unknown]>)
          if (id < capacity) column.items[id] = multiItems(v, column.dict)
        return
      case 'age':
        for (const [id, dob, birthday, age, tz] of rows as Iterable<[number, ...unknown[]]>) {
          if (id >= capacity) continue
          const birth = typeof dob === 'number' ? dob : birthday
          column.birth[id] = typeof birth === 'number' ? packDate(utcDateOf(birth)) : 0
          column.explicit[id] = typeof age === 'number' ? age : NaN
          column.zone[id] = typeof tz === 'string' && tz !== '' ? column.zones.code(tz) : -1
        }
    }
  }

  private reload(key: string, column: Column, ids: number[]): void {
    const source = this.sources.get(key)
    if (!source) return
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
    this.fill(
      column,
      this.db
        .prepare(source.subsetSql)
        .raw()
        .iterate(...source.params, JSON.stringify(ids)) as Iterable<unknown[]>,
    )
  }

  /** The events of one name, loaded on first use; new ones (ids only grow) appended when stale. */
  eventColumn(name: string): EventColumn {
    let column = this.events.get(name)
    if (column && !this.staleEvents.has(name)) return column
    this.staleEvents.delete(name)
    column?.props.clear()
    column ??= {
      profile: new Int32Array(1024),
      ts: new Float64Array(1024),
      length: 0,
      lastId: 0,
      props: new Map(),
    }
    const rows = this.db
      .prepare('SELECT id, profile_id, ts FROM events WHERE name = ? AND id > ? ORDER BY id')
      .raw()
      .iterate(name, column.lastId) as Iterable<[number, number, number]>
    for (const [id, profile, ts] of rows) {
      if (column.length === column.profile.length) {
        const profiles = new Int32Array(column.length * 2)
        profiles.set(column.profile)
        const times = new Float64Array(column.length * 2)
        times.set(column.ts)
        column.profile = profiles
        column.ts = times
      }
      column.profile[column.length] = profile
      column.ts[column.length] = ts
      column.length++
      column.lastId = id
    }
    this.events.set(name, column)
    return column
  }

  /** One event property's values, parallel to the event column's events. */
  eventProps(name: string, column: EventColumn, key: string, path: string): unknown[] {
    const cached = column.props.get(key)
    if (cached && cached.length === column.length) return cached
    const values = this.db
      .prepare('SELECT json_extract(props, ?) FROM events WHERE name = ? AND id <= ? ORDER BY id')
      .pluck()
      .all(path, name, column.lastId)
    column.props.set(key, values)
    return values
  }
}
