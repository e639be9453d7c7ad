// Find People and the profile list. Search ranks exact identifier/id matches first, then prefix matches
// (B-tree range scans on the *_key indexes, merged in key order), then substring matches (trigram FTS,
// queries of 3+ characters). Totals are counted up to a cap so a one-letter query stays fast.
import type { ProfileFilters, SearchResult, SortField } from '../../../../shared/ipc/contract'
import { foldText, phoneDigits } from '../../../../shared/profile/search-keys'
import { codeMatches, codesFor, type ReachFilter } from '../../../../shared/reachability/filter'
import { CHANNELS } from '../../../../shared/reachability/rules'
import { REACH_BITS, unpackCodes } from '../devices/schema'
import type { Db } from '../db/connection'
import { CHECKPOINT_STRIDE, checkpointsFor, seekAfter, seekParams } from './page-checkpoints'
import { SUMMARY_COLUMNS, toSummary, type SummaryRow } from './profile-rows'
import { prepared } from './statements'

/** Matches are counted up to this many; beyond it the total is reported as "at least". */
export const SEARCH_TOTAL_CAP = 1000
/** The smallest substring the trigram index can answer. */
const MIN_SUBSTRING = 3
const PHONE_LIKE = /^\+?[\d\s().-]+$/
/** Profile-id prefixes only for id-looking queries, so "ab" does not list hex ids before Abby. */
const ID_LIKE = /^(?=.*\d)[-_0-9a-z]{4,}$/i

interface FilterSql {
  sql: string
  params: number[]
}

/**
 * Filter terms; `prefix` '+' keeps SQLite from driving the scan by a filter's own index. `packed` reads a
 * channel's code from the packed `reach` key (reach_counts has no generated columns).
 */
export function filterSql(filters: ProfileFilters, prefix = '', packed = false): FilterSql {
  const clauses: string[] = []
  const params: number[] = []
  if (filters.type !== undefined) {
    clauses.push(`${prefix}identified = ?`)
    params.push(filters.type === 'Identified' ? 1 : 0)
  }
  if (filters.test !== undefined) {
    clauses.push(`${prefix}is_test = ?`)
    params.push(filters.test ? 1 : 0)
  }
  if (filters.reach !== undefined) {
    const codes = codesFor(filters.reach.answer)
    clauses.push(`${prefix}${reachColumn(filters.reach, packed)} IN (${codes.map(() => '?').join(', ')})`)
    params.push(...codes)
  }
  return { sql: clauses.map((c) => ` AND ${c}`).join(''), params }
}

/** The channel's code: the generated reach_<channel> column (devices/migrations.ts) or the packed bits. */
function reachColumn(filter: ReachFilter, packed: boolean): string {
  const index = CHANNELS.indexOf(filter.channel)
  // The name goes into SQL: checked, not trusted.
  if (index < 0) throw new Error(`unknown reachability channel ${filter.channel}`)
  return packed ? `((reach >> ${REACH_BITS * index}) & 7)` : `reach_${filter.channel}`
}

type FilterRow = SummaryRow & { reach: number | null }

function passesFilters(row: FilterRow, filters: ProfileFilters): boolean {
  if (filters.type !== undefined && (row.identified === 1) !== (filters.type === 'Identified')) return false
  if (filters.test !== undefined && (row.is_test === 1) !== filters.test) return false
  if (filters.reach !== undefined) {
    const channel = CHANNELS.indexOf(filters.reach.channel)
    if (row.reach === null || !codeMatches(unpackCodes(row.reach)[channel] ?? -1, filters.reach.answer)) {
      return false
    }
  }
  return true
}

/** Summaries for internal ids, in the given order. */
function summariesFor(db: Db, ids: number[]): SearchResult['items'] {
  if (ids.length === 0) return []
  const rows = prepared(
    db,
    `SELECT ${SUMMARY_COLUMNS} FROM profiles WHERE id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as SummaryRow[]
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.flatMap((id) => {
    const row = byId.get(id)
    return row ? [toSummary(row)] : []
  })
}

/** The FTS5 query for a substring: a quoted phrase (trigrams), plus the digits of a phone-like query. */
function ftsQuery(folded: string, digits: string | null): string | null {
  const phrases: string[] = []
  if (folded.length >= MIN_SUBSTRING) phrases.push(`"${folded.replaceAll('"', '""')}"`)
  if (digits !== null && digits.length >= MIN_SUBSTRING && digits !== folded)
    phrases.push(`phone_key : "${digits}"`)
  return phrases.length === 0 ? null : phrases.join(' OR ')
}

const PREFIX_COLUMNS = ['identity_key', 'email_key', 'name_key', 'phone_key', 'object_id'] as const

/**
 * Ranked search. The page is exact matches, then the prefix matches of every key merged in key order
 * (only the page's worth is read from each index range), then substring matches from the trigram
 * index. The total is counted up to `cap` without reading rows: the trigram index matches every
 * name/email/identity/phone prefix match too, so total = its count + the few exact and profile-id
 * matches outside it. Queries too short for trigrams count their (small) prefix ranges instead.
 */
export function searchProfiles(
  db: Db,
  request: { query: string; filters: ProfileFilters; offset: number; limit: number },
): SearchResult {
  const query = request.query.trim()
  const { filters, offset, limit } = request
  if (query === '') return listProfiles(db, { sort: 'name', direction: 'asc', filters, offset, limit })

  const folded = foldText(query)
  const digits = PHONE_LIKE.test(query) ? phoneDigits(query) : null
  const pageEnd = offset + limit
  // Matches are counted up to `cap`; past it the total is "at least cap".
  const cap = Math.max(SEARCH_TOTAL_CAP, pageEnd)
  const filter = filterSql(filters, '+')

  // 1. Exact: the profile id, any identifier value (emails case-insensitively), a phone's digits.
  const exact = prepared(
    db,
    `SELECT ${SUMMARY_COLUMNS}, reach FROM profiles WHERE id IN (
       SELECT id FROM profiles WHERE object_id = @raw
       UNION SELECT profile_id FROM identifiers WHERE value_key IN (@raw, @lower)
       UNION SELECT id FROM profiles WHERE phone_key = @digits)`,
  ).all({ raw: query, lower: query.toLowerCase(), digits: digits ?? '' }) as FilterRow[]
  const exactIds = exact
    .filter((row) => passesFilters(row, filters))
    .map((row) => row.id)
    .sort((a, b) => a - b)

  // 2. Prefix ranges, each counted inside its index first (up to cap + 1).
  const match = ftsQuery(folded, digits)
  // The trigram index holds every prefix match when the query (and its digits) have a trigram.
  const ftsCoversPrefixes = match !== null && (digits === null || digits.length >= MIN_SUBSTRING)
  const ranges: { column: (typeof PREFIX_COLUMNS)[number]; prefix: string; n: number }[] = []
  let capped = false
  for (const column of PREFIX_COLUMNS) {
    const prefix =
      column === 'phone_key' ? digits : column === 'object_id' ? (ID_LIKE.test(query) ? query : null) : folded
    if (!prefix) continue
    const { n } = prepared(
      db,
      `SELECT count(*) AS n FROM (SELECT 1 FROM profiles
       WHERE ${column} >= ? AND ${column} < ? || char(1114111)${filter.sql} LIMIT ?)`,
    ).get(prefix, prefix, ...filter.params, cap + 1) as { n: number }
    if (n > cap) capped = true
    if (n > 0) ranges.push({ column, prefix, n })
  }
  const rangeIds = (column: string, prefix: string, max: number) =>
    prepared(
      db,
      `SELECT id, ${column} AS key FROM profiles
       WHERE ${column} >= ? AND ${column} < ? || char(1114111)${filter.sql}
       ORDER BY ${column}, id LIMIT ?`,
    ).all(prefix, prefix, ...filter.params, max) as { id: number; key: string }[]
  // Every row of every range when they are the whole count; else only what the page can show.
  const completeRanges = !capped && !ftsCoversPrefixes
  const candidates = ranges.flatMap((r) =>
    rangeIds(r.column, r.prefix, completeRanges || r.column === 'object_id' ? cap + 1 : pageEnd).map(
      (row) => ({
        ...row,
        column: r.column,
      }),
    ),
  )
  const byKey = [...candidates].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id))
  const ranked = new Set<number>([...exactIds, ...byKey.map((c) => c.id)])

  // 3. Substring matches (and the total).
  let total: number
  if (capped) {
    total = cap
  } else if (match !== null) {
    const joined = filterSql(filters, 'p.')
    const { n: substringCount } = (
      joined.params.length === 0
        ? prepared(
            db,
            'SELECT count(*) AS n FROM (SELECT 1 FROM profiles_fts WHERE profiles_fts MATCH ? LIMIT ?)',
          ).get(match, cap + 1)
        : prepared(
            db,
            `SELECT count(*) AS n FROM (SELECT 1 FROM profiles_fts f JOIN profiles p ON p.id = f.rowid
             WHERE profiles_fts MATCH ?${joined.sql} LIMIT ?)`,
          ).get(match, ...joined.params, cap + 1)
    ) as { n: number }
    // Matches the trigram index cannot see: profile ids, other identifiers, short phone prefixes.
    const maybeOutside = ftsCoversPrefixes
      ? [...exactIds, ...candidates.filter((c) => c.column === 'object_id').map((c) => c.id)]
      : [...ranked]
    const inside = new Set(
      (
        prepared(
          db,
          'SELECT rowid AS id FROM profiles_fts WHERE profiles_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))',
        ).all(match, JSON.stringify([...new Set(maybeOutside)])) as { id: number }[]
      ).map((r) => r.id),
    )
    const outside = new Set(maybeOutside.filter((id) => !inside.has(id))).size
    total = substringCount + outside
    if (total > cap) {
      capped = true
      total = cap
    }
    if (ranked.size < pageEnd) {
      const want = pageEnd + ranked.size
      const rows = (
        joined.params.length === 0
          ? prepared(db, 'SELECT rowid AS id FROM profiles_fts WHERE profiles_fts MATCH ? LIMIT ?').all(
              match,
              want,
            )
          : prepared(
              db,
              `SELECT f.rowid AS id FROM profiles_fts f JOIN profiles p ON p.id = f.rowid
               WHERE profiles_fts MATCH ?${joined.sql} LIMIT ?`,
            ).all(match, ...joined.params, want)
      ) as { id: number }[]
      for (const row of rows) {
        if (ranked.size >= pageEnd) break
        ranked.add(row.id)
      }
    }
  } else {
    total = ranked.size
    if (total > cap) {
      capped = true
      total = cap
    }
  }

  return {
    items: summariesFor(db, [...ranked].slice(offset, pageEnd)),
    total,
    totalIsCapped: capped,
  }
}

/**
 * Profile counts by filter, O(1) from profile_counts (kept by triggers); with a reachability filter, from
 * the devices feature's reach_counts, or (named/unnamed split) a count over the matching rows.
 */
export function countProfiles(db: Db, filters: ProfileFilters, named?: boolean): number {
  if (filters.reach !== undefined) return countReachable(db, filters, named)
  const filter = filterSql(filters)
  const namedSql = named === undefined ? '' : ` AND named = ${named ? 1 : 0}`
  const row = prepared(
    db,
    `SELECT coalesce(sum(n), 0) AS n FROM profile_counts WHERE 1${filter.sql}${namedSql}`,
  ).get(...filter.params) as { n: number }
  return row.n
}

function countReachable(db: Db, filters: ProfileFilters, named: boolean | undefined): number {
  if (named !== undefined) {
    const filter = filterSql(filters)
    return (
      prepared(
        db,
        `SELECT count(*) AS n FROM profiles WHERE name_key IS ${named ? 'NOT ' : ''}NULL${filter.sql}`,
      ).get(...filter.params) as { n: number }
    ).n
  }
  // The trigger-kept reach_counts (devices feature): a few hundred rows whatever the number of profiles.
  const counted = filterSql(filters, '', true)
  return (
    prepared(db, `SELECT coalesce(sum(n), 0) AS n FROM reach_counts WHERE 1${counted.sql}`).get(
      ...counted.params,
    ) as { n: number }
  ).n
}

const SORT_COLUMNS: Record<SortField, string> = {
  name: 'name_key',
  updated: 'updated_at',
  created: 'created_at',
  lastSeen: 'last_seen',
}

/**
 * The profile list, sorted and filtered, paged by offset. Pages are one index range scan in (key, id)
 * order: deep pages start from a checkpoint (page-checkpoints.ts); where a key can be NULL (last seen)
 * a page past the middle is read from the far end backwards (the counts it needs are exact and O(1)). By name, profiles without a name come last in both
 * directions; by last seen, never-seen profiles sort as the oldest.
 */
export function listProfiles(
  db: Db,
  request: {
    sort: SortField
    direction: 'asc' | 'desc'
    filters: ProfileFilters
    offset: number
    limit: number
  },
): SearchResult {
  const { sort, direction, filters, offset, limit } = request
  const total = countProfiles(db, filters)
  let ids: number[]
  if (sort === 'name') {
    const named = countProfiles(db, filters, true)
    ids = pageIds(db, 'name_key IS NOT NULL', 'name_key', direction, filters, named, offset, limit)
    if (ids.length < limit) {
      const rest = Math.max(0, offset - named)
      ids.push(
        ...pageIds(db, 'name_key IS NULL', null, direction, filters, total - named, rest, limit - ids.length),
      )
    }
  } else {
    ids = pageIds(db, '1', SORT_COLUMNS[sort], direction, filters, total, offset, limit)
  }
  return { items: summariesFor(db, ids), total, totalIsCapped: false }
}

/** Sort keys that are never NULL where they are used, so deep pages can seek by checkpoint. */
const SEEKABLE = new Set<string | null>([null, 'name_key', 'created_at', 'updated_at'])

/** One page of ids of the rows matching `where` (exactly `count` of them) in (column, id) order. */
function pageIds(
  db: Db,
  where: string,
  column: string | null,
  direction: 'asc' | 'desc',
  filters: ProfileFilters,
  count: number,
  offset: number,
  limit: number,
): number[] {
  if (offset >= count || limit <= 0) return []
  const take = Math.min(limit, count - offset)
  const filter = filterSql(filters)
  const order = (dir: string) => (column === null ? `id ${dir}` : `${column} ${dir}, id ${dir}`)
  // The page as ascending positions [start, start + take).
  const start = direction === 'asc' ? offset : count - offset - take
  if (SEEKABLE.has(column) && start >= CHECKPOINT_STRIDE) {
    const points = checkpointsFor(db, `${where}${filter.sql}`, filter.params, column, count)
    const index = Math.min(Math.floor(start / CHECKPOINT_STRIDE), points.length)
    const point = points[index - 1]
    if (point) {
      const rows = prepared(
        db,
        `SELECT id FROM profiles WHERE ${where}${filter.sql} AND ${seekAfter(column)}
         ORDER BY ${order('ASC')} LIMIT ? OFFSET ?`,
      ).all(...filter.params, ...seekParams(column, point), take, start - index * CHECKPOINT_STRIDE) as {
        id: number
      }[]
      const ids = rows.map((r) => r.id)
      return direction === 'asc' ? ids : ids.reverse()
    }
  }
  // Near either end: skip from the nearer one.
  const backwards = offset + take / 2 > count / 2
  const ascending = (direction === 'asc') !== backwards
  const rows = prepared(
    db,
    `SELECT id FROM profiles WHERE ${where}${filter.sql} ORDER BY ${order(ascending ? 'ASC' : 'DESC')} LIMIT ? OFFSET ?`,
  ).all(...filter.params, take, backwards ? count - offset - take : offset) as { id: number }[]
  const ids = rows.map((r) => r.id)
  return backwards ? ids.reverse() : ids
}
