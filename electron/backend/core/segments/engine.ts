// The segment engine: counts, member pages and member ids of definitions, on its own read connection and
// snapshot. It runs in the count worker (count-worker.ts) or, where no worker can start, in the thread
// that asks (the command line, tests): the same code either way.
import { AppError } from '../../../../shared/ipc/envelope'
import type { SortField } from '../../../../shared/profile/search'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { Condition, DefinitionItem, SegmentDefinition } from '../../../../shared/segments/definition'
import type { ItemCount } from '../../../../shared/segments/types'
import { definitionProblems, describeProblems } from '../../../../shared/segments/validate'
import type { Db } from '../db/connection'
import { tallyAudience, type AudienceTally } from '../devices/segment-audience'
import { accountTimeZone } from './dates'
import { jsonPath, type ColumnSource } from './column-sources'
import type { PropsRef } from './event-props'
import { behaviourMask, planProperty, propertyCount, propertyMask, type EvalContext } from './evaluate'
import { combine, MaskPool, popcount } from './masks'
import { NameOrder } from './name-order'
import { Snapshot } from './snapshot'
import { evaluateBySql } from './sql-fallback'
import { Superseded } from './superseded'
import { countFromTables } from './table-counts'
import { Tallies } from './tallies'
import { keyedText } from './text-keys'

export { Superseded } from './superseded'

/** A question's mask (existing profiles only), its items' own counts, and whether SQL answered it. */
interface Evaluated {
  mask: Uint8Array
  items?: ItemCount[]
  bySql?: boolean
}

export interface CountResult {
  total: number
  profiles: number
  items?: ItemCount[]
}

const SORT_ORDER: Readonly<Record<Exclude<SortField, 'name'>, string>> = {
  created: 'created_at',
  updated: 'updated_at',
  lastSeen: 'last_seen',
}

export class SegmentEngine {
  readonly snapshot: Snapshot

  constructor(
    readonly db: Db,
    /** Below this many members a page sorts them directly instead of walking the sort's index. */
    private readonly smallSegment = 4000,
    /**
     * The worker's mode: the snapshot loads in chunks between requests (warmStep), and until what a
     * question needs is loaded it is answered by SQL (sql-fallback.ts), never by waiting for the load.
     */
    background = false,
  ) {
    this.snapshot = new Snapshot(db, background)
    this.nameOrder = new NameOrder(db)
    this.tallies = new Tallies(this.snapshot)
  }

  private readonly nameOrder: NameOrder
  private readonly pool = new MaskPool()
  private readonly tallies: Tallies

  /**
   * One chunk of background upkeep (the name order member pages walk); true while more is to do. The
   * worker runs it between requests, never in front of one.
   */
  warmStep(): boolean {
    // No refresh here: a commit is noticed by the next request (or announced), which moves the version.
    if (this.snapshot.background && this.snapshot.step()) return true
    return this.nameOrder.step(this.snapshot.profilesVersion)
  }

  /** Custom types and the account's zone, read again only when the database has changed. */
  private settings: {
    generation: number
    customTypes: Map<string, CustomPropertyType>
    zone: string
  } | null = null

  private context(nowMs: number): EvalContext {
    if (this.settings?.generation !== this.snapshot.generation) {
      const rows = this.db.prepare('SELECT key, type FROM custom_property_types').all() as {
        key: string
        type: CustomPropertyType
      }[]
      this.settings = {
        generation: this.snapshot.generation,
        customTypes: new Map(rows.map((r) => [r.key, r.type])),
        zone: accountTimeZone(this.db),
      }
    }
    const { customTypes, zone } = this.settings
    return {
      db: this.db,
      snapshot: this.snapshot,
      customTypes,
      nowMs,
      zone,
      pool: this.pool,
      tallies: this.tallies,
    }
  }

  private check(definitions: readonly SegmentDefinition[], ctx: EvalContext): void {
    for (const definition of definitions) {
      const problems = definitionProblems(definition, ctx.customTypes)
      if (problems.length > 0)
        throw new AppError('validation', `The segment cannot be counted: ${describeProblems(problems)}.`, {
          problems,
        })
    }
  }

  private conditionMask(condition: Condition, ctx: EvalContext): Uint8Array {
    return condition.type === 'behaviour' ? behaviourMask(condition, ctx) : propertyMask(condition, ctx)
  }

  private itemMask(
    item: DefinitionItem,
    ctx: EvalContext,
    perCondition: number[] | null,
    stale: () => boolean,
  ): Uint8Array {
    if (item.type !== 'group') return this.conditionMask(item, ctx)
    let mask: Uint8Array | null = null
    for (const condition of item.conditions) {
      if (stale()) throw new Superseded()
      const one = this.conditionMask(condition, ctx)
      perCondition?.push(popcount(one, this.snapshot.exists))
      if (mask === null) mask = one
      else {
        combine(mask, one, item.join)
        this.pool.give(one)
      }
    }
    return mask ?? this.pool.take(this.snapshot.capacity, false).fill(item.join === 'and' ? 1 : 0)
  }

  /** The mask of every definition ANDed, existing profiles only; items counted on their own when asked. */
  private evaluate(
    definitions: readonly SegmentDefinition[],
    nowMs: number,
    perItem: boolean,
    stale: () => boolean = () => false,
  ): Evaluated {
    this.snapshot.refresh()
    // The member list asks right after the count of the same definition: the mask is kept for it.
    const key = `${Math.floor(nowMs / 60_000)}:${JSON.stringify(definitions)}`
    const cached = this.last
    // A count always counts (each keystroke is a new question); pages and ids reuse the count's mask.
    if (!perItem && cached && cached.key === key && cached.generation === this.snapshot.generation)
      return cached.result
    const ctx = this.context(nowMs)
    this.check(definitions, ctx)
    let result: Evaluated
    if (this.snapshot.background && !this.loaded(definitions, ctx)) {
      // One statement cannot stop half-way: a newer question is looked for before it starts.
      if (stale()) throw new Superseded()
      result = { ...evaluateBySql(this.db, definitions, ctx, perItem, stale), bySql: true }
    } else result = this.compute(definitions, ctx, perItem, stale)
    // The mask it replaces is read by nobody now (callers use a mask before asking again).
    if (cached && cached.result.mask !== result.mask) this.pool.give(cached.result.mask)
    this.last = { key, generation: this.snapshot.generation, result }
    return result
  }

  /** While what it reads loads, a common one-condition shape counted from indexes and kept counts. */
  private countFromTables(
    definition: SegmentDefinition,
    nowMs: number,
    perItem: boolean,
  ): CountResult | null {
    if (!this.snapshot.background) return null
    this.snapshot.refresh()
    const ctx = this.context(nowMs)
    this.check([definition], ctx)
    return this.loaded([definition], ctx) ? null : countFromTables(this.db, definition, ctx, perItem)
  }

  /** Whether the snapshot holds everything the definitions read (what it lacks is queued to load). */
  private loaded(definitions: readonly SegmentDefinition[], ctx: EvalContext): boolean {
    const sources: ColumnSource[] = []
    const events: string[] = []
    const props: PropsRef[] = []
    for (const definition of definitions)
      for (const item of definition.conditions)
        for (const c of item.type === 'group' ? item.conditions : [item])
          if (c.type === 'behaviour') {
            events.push(c.event)
            if (c.where) props.push({ event: c.event, key: c.where.key, path: jsonPath(c.where.key) })
          } else if (!keyedText(c)) sources.push(planProperty(c, ctx).source)
    return this.snapshot.ready(sources, events, props)
  }

  private last: {
    key: string
    generation: number
    result: Evaluated
  } | null = null

  private compute(
    definitions: readonly SegmentDefinition[],
    ctx: EvalContext,
    perItem: boolean,
    stale: () => boolean,
  ): Evaluated {
    const { exists } = this.snapshot
    const items: ItemCount[] = []
    // Every item's mask is its own array, so the first one becomes the running result (no fill pass);
    // the others go back to the pool once combined.
    let mask: Uint8Array | null = null
    for (const definition of definitions) {
      let whole: Uint8Array | null = null
      for (const item of definition.conditions) {
        if (stale()) throw new Superseded()
        const conditions: number[] | null = perItem && item.type === 'group' ? [] : null
        const one = this.itemMask(item, ctx, conditions, stale)
        if (perItem) items.push({ count: popcount(one, exists), ...(conditions ? { conditions } : {}) })
        if (whole === null) whole = one
        else {
          combine(whole, one, definition.join)
          this.pool.give(one)
        }
      }
      if (whole === null) continue
      if (mask === null) mask = whole
      else {
        combine(mask, whole, 'and')
        this.pool.give(whole)
      }
    }
    if (mask === null) {
      mask = this.pool.take(exists.length, false)
      mask.set(exists)
    } else combine(mask, exists, 'and')
    return perItem ? { mask, items } : { mask }
  }

  count(definition: SegmentDefinition, nowMs: number, perItem: boolean, stale?: () => boolean): CountResult {
    // Loaded: the kept per-value tallies; still loading: the indexes and kept counts tables.
    const tallied = this.tallied(definition, nowMs)
    if (tallied !== null)
      return {
        total: tallied,
        profiles: this.snapshot.profileCount(),
        ...(perItem ? { items: [{ count: tallied }] } : {}),
      }
    const quick = this.countFromTables(definition, nowMs, perItem)
    if (quick) return quick
    const { mask, items, bySql } = this.evaluate([definition], nowMs, perItem, stale)
    // While the exists mask loads, the table says how many profiles there are.
    const profiles = bySql
      ? (this.db.prepare('SELECT count(*) FROM profiles').pluck().get() as number)
      : this.snapshot.profileCount()
    // One top-level condition keeps as many as the whole.
    const total =
      items?.length === 1 && definition.conditions[0]?.type !== 'group'
        ? items[0]!.count
        : popcount(mask, mask)
    return { total, profiles, ...(items ? { items } : {}) }
  }

  /**
   * The count of a definition of one property condition (the common shapes) from the kept tallies, with
   * no mask; null when it needs one (or the snapshot has not loaded its column yet: SQL answers).
   */
  private tallied(definition: SegmentDefinition, nowMs: number): number | null {
    const only = definition.conditions.length === 1 ? definition.conditions[0] : undefined
    if (only?.type !== 'property') return null
    this.snapshot.refresh()
    const ctx = this.context(nowMs)
    this.check([definition], ctx)
    if (this.snapshot.background && !this.loaded([definition], ctx)) return null
    return propertyCount(only, ctx)
  }

  /** Members' internal ids in id order. */
  memberIds(definitions: readonly SegmentDefinition[], nowMs: number): Int32Array {
    const { mask } = this.evaluate(definitions, nowMs, false)
    const ids = new Int32Array(popcount(mask, mask))
    let n = 0
    for (let id = 0; id < mask.length; id++) if (mask[id]) ids[n++] = id
    return ids
  }

  /**
   * The overview's numbers over the members, in one pass over the mask and the snapshot's columns
   * (devices/segment-audience.ts): nothing but the tally crosses to the caller.
   */
  audience(definitions: readonly SegmentDefinition[], nowMs: number): AudienceTally {
    const { mask } = this.evaluate(definitions, nowMs, false)
    const devicesOf = this.db.prepare(
      'SELECT platform, count(*) FROM devices WHERE profile_id = ? GROUP BY 1',
    )
    return tallyAudience(this.snapshot, mask, nowMs, (id) => devicesOf.raw().all(id) as [string, number][])
  }

  /**
   * A page of members in Find People's order: by name (named profiles by their folded name, then the
   * unnamed by id, in either direction) or by a date, walking the sort's own index and keeping members.
   */
  memberPage(
    definitions: readonly SegmentDefinition[],
    nowMs: number,
    page: { sort: SortField; direction: 'asc' | 'desc'; offset: number; limit: number },
  ): { ids: number[]; total: number } {
    const { mask } = this.evaluate(definitions, nowMs, false)
    const total = popcount(mask, mask)
    const order = page.sort === 'name' ? this.nameOrder.ready(this.snapshot.profilesVersion) : null
    if (order) return { ids: NameOrder.page(order, mask, page.direction, page.offset, page.limit), total }
    if (total <= this.smallSegment) return { ids: this.sortFew(mask, page), total }
    const dir = page.direction === 'desc' ? 'DESC' : 'ASC'
    const walks =
      page.sort === 'name'
        ? [
            `SELECT id FROM profiles WHERE name_key IS NOT NULL ORDER BY name_key ${dir}, id ${dir}`,
            `SELECT id FROM profiles WHERE name_key IS NULL ORDER BY id ${dir}`,
          ]
        : [`SELECT id FROM profiles ORDER BY ${SORT_ORDER[page.sort]} ${dir}, id ${dir}`]
    const ids: number[] = []
    let skip = page.offset
    for (const sql of walks) {
      if (ids.length >= page.limit) break
      for (const id of this.db.prepare(sql).pluck().iterate() as Iterable<number>) {
        if (id >= mask.length || !mask[id]) continue
        if (skip > 0) {
          skip--
          continue
        }
        ids.push(id)
        if (ids.length >= page.limit) break
      }
    }
    return { ids, total }
  }

  /** A small segment's page: its members' sort keys read by id and sorted here (no index walk). */
  private sortFew(
    mask: Uint8Array,
    page: { sort: SortField; direction: 'asc' | 'desc'; offset: number; limit: number },
  ): number[] {
    const ids: number[] = []
    for (let id = 0; id < mask.length; id++) if (mask[id]) ids.push(id)
    const column = page.sort === 'name' ? 'name_key' : SORT_ORDER[page.sort]
    const rows = this.db
      .prepare(`SELECT id, ${column} AS k FROM profiles WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as { id: number; k: string | number | null }[]
    const sign = page.direction === 'desc' ? -1 : 1
    // SQLite's order: by name the named first (then the unnamed by id) either way; by a date NULLs first ascending.
    rows.sort((a, b) => {
      if (a.k === b.k) return sign * (a.id - b.id)
      if (a.k === null) return page.sort === 'name' ? 1 : -sign
      if (b.k === null) return page.sort === 'name' ? -1 : sign
      return sign * (a.k < b.k ? -1 : 1)
    })
    return rows.slice(page.offset, page.offset + page.limit).map((r) => r.id)
  }

  close(): void {
    this.db.close()
  }
}
