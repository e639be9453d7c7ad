// The columnar snapshot the segment engine counts on (docs/memo: a typed array per property, loaded
// lazily by one query, indexed by the profile's internal id). It is a derived cache: edits re-read their
// rows, a bulk change drops it, and PRAGMA data_version catches a commit nobody announced.
import type { Db } from '../db/connection'
import type { ColumnSource } from './column-sources'
import { appendEvents, emptyEvents, type EventColumn } from './event-columns'
import { EventProps, type PropsRef } from './event-props'
import { alignedSize } from './masks'
import { clearRows, emptyColumn, fillColumn, readProfiles } from './column-fill'
import { grownFloat64, grownInt32, type Column } from './column-store'

export type { EventColumn } from './event-columns'
export { Dictionary, listItems, packedBirth, type Column } from './column-store'

/**
 * How long one chunk of a background load of profiles should take: a request arriving meanwhile waits
 * for it, so it is kept well inside the live count's budget (the chunk's size follows the measured rate).
 */
const CHUNK_MS = 20
const CHUNK_ROWS = { first: 10_000, min: 1_000, max: 200_000 }
/** Event ids per chunk of a background load of one event name. */
const EVENT_CHUNK = 200_000

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

  /**
   * Background mode (the worker): the snapshot is (re)loaded in chunks by `step()` between requests and
   * `ready()` says whether a question can be answered from it; without it (the command line) columns
   * load whole when first asked for.
   */
  constructor(
    private readonly db: Db,
    readonly background = false,
  ) {}

  /** Columns and event names asked for since the start: a dropped snapshot loads them again. */
  private readonly wanted = new Map<string, ColumnSource>()
  private readonly wantedEvents = new Set<string>()
  private readonly props = new EventProps()
  /** Background loads under way: the exists mask, columns and event names, each up to its cursor. */
  private existsCursor: number | null = null
  private readonly pending = new Map<
    string,
    /** `solo`: read on its own (a read it joined failed, so it is kept from failing the others). */
    { source: ColumnSource; column: Column; cursor: number; solo?: boolean }
  >()
  private readonly pendingEvents = new Map<string, { column: EventColumn; cursor: number; upTo: number }>()

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

  /**
   * Whether every column and event name listed is loaded and the exists mask whole (background mode);
   * what is missing is queued for `step()`.
   */
  ready(
    sources: readonly ColumnSource[],
    events: readonly string[],
    props: readonly PropsRef[] = [],
  ): boolean {
    let ready = this.capacity > 0 && this.existsCursor === null
    for (const source of sources) {
      this.wanted.set(source.id, source)
      if (this.columns.has(source.id)) continue
      ready = false
      if (this.capacity > 0 && !this.pending.has(source.id))
        this.pending.set(source.id, { source, column: this.empty(source.kind), cursor: 0 })
    }
    for (const name of events) {
      this.wantedEvents.add(name)
      if (this.events.has(name)) continue
      ready = false
      if (!this.pendingEvents.has(name)) this.queueEvents(name)
    }
    for (const ref of props) if (!this.props.ready(this.events.get(ref.event), ref)) ready = false
    return ready
  }

  private queueEvents(name: string): void {
    const upTo = (this.db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0
    this.pendingEvents.set(name, { column: emptyEvents(), cursor: 0, upTo })
  }

  /** One chunk of a background load (ids or events by id range); true while more is to do. */
  step(): boolean {
    if (this.capacity === 0) this.loadExists()
    if (this.profilesPass()) return true
    const [name, events] = this.pendingEvents.entries().next().value ?? []
    if (name === undefined || !events) return this.props.step(this.db, this.events)
    const to = Math.min(events.cursor + EVENT_CHUNK, events.upTo)
    try {
      appendEvents(events.column, this.db, 'AND id <= ? AND name = ?', [events.cursor, to, name])
    } catch (error) {
      this.pendingEvents.delete(name)
      this.wantedEvents.delete(name)
      throw error
    }
    events.cursor = to
    if (to >= events.upTo) {
      this.pendingEvents.delete(name)
      this.events.set(name, events.column)
      // Events stored while it loaded are appended on its first use.
      this.staleEvents.add(name)
    }
    return true
  }

  private chunkRows = CHUNK_ROWS.first

  /**
   * One chunk of the profile loads at the lowest cursor, all in one read of profiles (the exists mask
   * and every column with a `select`); a load queued later catches up alone to the next cursor, then
   * joins the others. False when no profile load is under way.
   */
  private profilesPass(): boolean {
    const loads = [...this.pending.entries()]
    const cursors = loads.map(([, load]) => load.cursor)
    if (this.existsCursor !== null) cursors.push(this.existsCursor)
    if (cursors.length === 0) return false
    const from = Math.min(...cursors)
    const to = Math.min(from + this.chunkRows, ...cursors.filter((c) => c > from))
    const withExists = this.existsCursor === from
    const here = loads.filter(([, load]) => load.cursor === from)
    const joined = here.filter(([, load]) => load.source.select !== undefined && !load.solo)
    const started = performance.now()
    try {
      const range = { from, to, capacity: this.capacity }
      const loads = joined.map(([, load]) => load)
      if (withExists || joined.length > 0)
        readProfiles(this.db, loads, withExists ? this.exists : null, range)
    } catch (error) {
      // Each is read on its own from now on, so a column that cannot be read fails alone.
      for (const [, load] of joined) load.solo = true
      throw error
    }
    for (const [key, load] of here) {
      if (joined.some(([joinedKey]) => joinedKey === key)) continue
      try {
        const rows = this.db.prepare(load.source.rangeSql).raw()
        fillColumn(
          load.column,
          rows.iterate(...load.source.params, from, to) as Iterable<unknown[]>,
          this.capacity,
        )
      } catch (error) {
        // A load that fails is forgotten (the next question asks again), so it never holds up the rest.
        this.pending.delete(key)
        this.wanted.delete(key)
        throw error
      }
    }
    const took = Math.max(performance.now() - started, 1)
    this.chunkRows = Math.round(
      Math.min(CHUNK_ROWS.max, Math.max(CHUNK_ROWS.min, ((to - from) * CHUNK_MS) / took)),
    )
    const done = to >= this.capacity
    if (withExists) this.existsCursor = done ? null : to
    for (const [key, load] of here) {
      if (!this.pending.has(key)) continue
      load.cursor = to
      if (!done) continue
      this.pending.delete(key)
      this.columns.set(key, load.column)
      this.sources.set(key, load.source)
    }
    return true
  }

  /**
   * Starts loading these columns in the background before any question asks for them (the app's start:
   * the columns the common shapes read), in one read of profiles with the exists mask.
   */
  warmUp(sources: readonly ColumnSource[]): void {
    this.refresh()
    for (const source of sources) {
      this.wanted.set(source.id, source)
      if (!this.columns.has(source.id) && !this.pending.has(source.id))
        this.pending.set(source.id, { source, column: this.empty(source.kind), cursor: 0 })
    }
  }

  /**
   * How far the background load is: columns loaded, loads under way (the exists mask, columns, event
   * names) and the fraction of profiles the slowest profile load has read.
   */
  loading(): { loaded: number; pending: number; progress: number } {
    const cursors = [...this.pending.values()].map((load) => load.cursor)
    if (this.existsCursor !== null) cursors.push(this.existsCursor)
    const pending = cursors.length + this.pendingEvents.size + (this.capacity === 0 ? 1 : 0)
    const progress = cursors.length === 0 || this.capacity === 0 ? 1 : Math.min(...cursors) / this.capacity
    return { loaded: this.columns.size, pending, progress: this.capacity === 0 ? 0 : progress }
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
    if (rows.length < objectIds.length) this.loadExists(true)
    const top = Math.max(0, ...rows)
    if (top >= this.capacity) this.grow(top + 1)
    for (const id of rows) this.exists[id] = 1
    for (const [key, column] of this.columns) this.reload(this.sources.get(key), column, rows)
    // Columns half loaded: the rows below their cursor were read already; the rest will be.
    for (const load of this.pending.values())
      this.reload(
        load.source,
        load.column,
        rows.filter((id) => id <= load.cursor),
      )
  }

  dropAll(): void {
    this.dropProfiles()
    this.events.clear()
    this.props.clear()
  }

  private dropProfiles(): void {
    this.profilesVersion++
    this.columns.clear()
    this.sources.clear()
    this.pending.clear()
    this.pendingEvents.clear()
    this.existsCursor = null
    this.capacity = 0
    this.exists = new Uint8Array(0)
  }

  /**
   * The exists mask read again: whole here, or (background mode) from an empty mask in chunks by
   * `step()`, with every column and event name asked for since the start queued behind it.
   */
  private loadExists(again = false): void {
    this.print = this.fingerprint()
    const max = (this.db.prepare('SELECT max(id) FROM profiles').pluck().get() as number | null) ?? 0
    const exists = new Uint8Array(alignedSize(Math.max(this.capacity, max + 1)))
    if (!this.background)
      for (const id of this.db.prepare('SELECT id FROM profiles').pluck().iterate() as Iterable<number>)
        exists[id] = 1
    if (exists.length > this.capacity) this.grow(exists.length)
    this.exists = exists
    if (!this.background) return
    this.existsCursor = 0
    if (again) return
    for (const [id, source] of this.wanted)
      if (!this.columns.has(id) && !this.pending.has(id))
        this.pending.set(id, { source, column: this.empty(source.kind), cursor: 0 })
    for (const name of this.wantedEvents)
      if (!this.events.has(name) && !this.pendingEvents.has(name)) this.queueEvents(name)
  }

  private grow(wanted: number): void {
    const size = alignedSize(wanted)
    const exists = new Uint8Array(size)
    exists.set(this.exists)
    this.exists = exists
    for (const column of [...this.columns.values(), ...[...this.pending.values()].map((l) => l.column)]) {
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
    return emptyColumn(kind, this.capacity)
  }

  private fill(column: Column, rows: Iterable<unknown[]>): void {
    fillColumn(column, rows, this.capacity)
  }

  private reload(source: ColumnSource | undefined, column: Column, ids: number[]): void {
    if (!source || ids.length === 0) return
    clearRows(column, ids)
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
    column ??= emptyEvents()
    appendEvents(column, this.db, 'AND name = ?', [column.lastId, name])
    this.events.set(name, column)
    return column
  }

  /** One event property's values, parallel to the event column's events (event-props.ts). */
  eventProps(name: string, column: EventColumn, key: string, path: string): unknown[] {
    return this.props.values(this.db, column, { event: name, key, path })
  }
}
