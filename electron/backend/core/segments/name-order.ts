// Every profile id in Find People's name order (named by folded name then id, then the unnamed by id),
// so a page of members sorted by name is a walk over an array against the segment's mask (about a
// millisecond at 1M) instead of a walk over the name index fetching rows. Built off the request path in
// keyset chunks of the name index, so a count never waits for it; until it is complete pages walk the index.
import type { Db } from '../db/connection'

const CHUNK = 25_000

export class NameOrder {
  /** The complete order for `version`, or null while (re)building. */
  private ids: Int32Array | null = null
  private named = 0
  private version = -1
  private build: { version: number; ids: number[]; key: string | null; id: number; named: boolean } | null =
    null

  constructor(private readonly db: Db) {}

  /** The order when it is complete for the profiles' `version`. */
  ready(version: number): { ids: Int32Array; named: number } | null {
    return this.ids !== null && this.version === version ? { ids: this.ids, named: this.named } : null
  }

  /** Builds one chunk for `version`; true while more chunks are needed. */
  step(version: number): boolean {
    if (this.ready(version)) return false
    if (this.build?.version !== version) this.build = { version, ids: [], key: null, id: -1, named: true }
    const b = this.build
    const rows = (
      b.named
        ? b.key === null
          ? this.db
              .prepare(
                'SELECT name_key, id FROM profiles WHERE name_key IS NOT NULL ORDER BY name_key, id LIMIT ?',
              )
              .raw()
              .all(CHUNK)
          : this.db
              .prepare(
                'SELECT name_key, id FROM profiles WHERE name_key IS NOT NULL AND (name_key, id) > (?, ?) ORDER BY name_key, id LIMIT ?',
              )
              .raw()
              .all(b.key, b.id, CHUNK)
        : this.db
            .prepare('SELECT NULL, id FROM profiles WHERE name_key IS NULL AND id > ? ORDER BY id LIMIT ?')
            .raw()
            .all(b.id, CHUNK)
    ) as [string | null, number][]
    for (const [, id] of rows) b.ids.push(id)
    const last = rows[rows.length - 1]
    if (last) {
      b.key = last[0]
      b.id = last[1]
    }
    if (rows.length < CHUNK) {
      if (b.named) {
        this.named = b.ids.length
        b.named = false
        b.id = -1
        return true
      }
      this.ids = Int32Array.from(b.ids)
      this.version = version
      this.build = null
      return false
    }
    return true
  }

  /** A page of the members (`mask`) in name order, either direction. */
  static page(
    order: { ids: Int32Array; named: number },
    mask: Uint8Array,
    direction: 'asc' | 'desc',
    offset: number,
    limit: number,
  ): number[] {
    const { ids, named } = order
    const out: number[] = []
    let skip = offset
    const take = (id: number): boolean => {
      if (id >= mask.length || !mask[id]) return false
      if (skip > 0) skip--
      else out.push(id)
      return out.length >= limit
    }
    if (direction === 'asc') {
      for (let i = 0; i < ids.length; i++) if (take(ids[i] as number)) break
    } else {
      // Descending: the named backwards, then the unnamed backwards (SQLite's order for DESC, DESC).
      let done = false
      for (let i = named - 1; i >= 0 && !done; i--) done = take(ids[i] as number)
      for (let i = ids.length - 1; i >= named && !done; i--) done = take(ids[i] as number)
    }
    return out
  }
}
