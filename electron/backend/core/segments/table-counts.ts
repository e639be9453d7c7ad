// The SQL fallback's fast counts: a one-condition segment of a common shape counted from indexes and the
// trigger-kept count tables (profile type / test mark from profile_counts, Age from age_counts, Name and
// Email text from their key indexes) instead of a scan of every profile, while the snapshot loads.
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { foldText } from '../../../../shared/profile/search-keys'
import type { PropertyCondition, SegmentDefinition } from '../../../../shared/segments/definition'
import type { Db } from '../db/connection'
import type { CountResult } from './engine'
import { planProperty, type EvalContext } from './evaluate'
import { rowTest, testsOf } from './sql-fallback'
import { keyedMask, keyedText } from './text-keys'

/** The triggers that keep each count table exact (a bulk load drops them and recounts at its end). */
const COUNT_TRIGGERS = {
  profile_counts: ['profile_counts_ai', 'profile_counts_ad', 'profile_counts_au'],
  age_counts: ['age_counts_ai', 'age_counts_ad', 'age_counts_au'],
} as const

/** Whether a count table is kept exact right now: all its triggers are in place. */
function kept(db: Db, table: keyof typeof COUNT_TRIGGERS): boolean {
  const names = COUNT_TRIGGERS[table]
  const found = db
    .prepare(
      `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (${names.map(() => '?').join(', ')})`,
    )
    .pluck()
    .get(...names) as number
  return found === names.length
}

const KEY_COLUMNS: Readonly<Record<string, 'name_key' | 'email_key'>> = {
  Name: 'name_key',
  Email: 'email_key',
}

/** Whether every profile is in the trigram index (none left for imports/text-index-catchup.ts). */
function noneWaitingForText(db: Db): boolean {
  return db.prepare('SELECT count(*) FROM fts_pending').pluck().get() === 0
}

/** Name or Email text by its folded key (the engine's own folding): the B-tree or the trigram index. */
function keyCount(db: Db, c: PropertyCondition, profiles: () => number): number | null {
  const keyed = keyedText(c)
  let hits: number
  if (keyed?.op === 'startsWith') {
    hits = db
      .prepare(`SELECT count(*) FROM profiles WHERE ${keyed.column} >= ? AND ${keyed.column} < ?`)
      .pluck()
      .get(keyed.needle, keyed.end) as number
  } else if (keyed && noneWaitingForText(db)) {
    hits = db
      .prepare('SELECT count(*) FROM profiles_fts WHERE profiles_fts MATCH ?')
      .pluck()
      .get(`${keyed.column} : "${keyed.needle.replaceAll('"', '""')}"`) as number
  } else if (keyed) {
    // Profiles an import left for the trigram index's catch-up are scanned by id range.
    const max = (db.prepare('SELECT max(id) FROM profiles').pluck().get() as number | null) ?? 0
    const mask = keyedMask(db, keyed, new Uint8Array(max + 1))
    hits = 0
    for (let i = 0; i < mask.length; i++) hits += mask[i]!
  } else {
    // Contains of one or two characters (too short for the trigram index): a walk of the key's own
    // index, which holds only profiles with a key and is a fraction of the table's size.
    const column =
      c.property.kind === 'system' ? KEY_COLUMNS[findSystemProperty(c.property.key)?.key ?? ''] : undefined
    const needle = foldText(String((Array.isArray(c.value) ? c.value[0] : c.value) ?? ''))
    if (!column || needle === '' || (c.op !== 'contains' && c.op !== 'notContains')) return null
    hits = db
      .prepare(`SELECT count(*) FROM profiles WHERE ${column} IS NOT NULL AND instr(${column}, ?) > 0`)
      .pluck()
      .get(needle) as number
    return c.op === 'notContains' ? profiles() - hits : hits
  }
  // "does not contain" keeps everyone else, profiles without the value included (as the engine does).
  return keyed.negated ? profiles() - hits : hits
}

/**
 * Sums `n` over a count table's rows whose values (`values`, SQL over one row) pass the condition's own
 * row test, run as the fallback's SQL function (a tenth of the CPU of reading the rows out).
 */
function summed(db: Db, table: string, values: string, test: (...values: unknown[]) => boolean): number {
  const tests = testsOf(db)
  tests.push(test)
  return db
    .prepare(`SELECT coalesce(sum(n), 0) FROM ${table} WHERE seg_test(${tests.length - 1}, ${values})`)
    .pluck()
    .get() as number
}

/** One property condition's count, or null when no index or kept count answers it exactly. */
function conditionCount(
  db: Db,
  c: PropertyCondition,
  ctx: EvalContext,
  profiles: () => number,
): number | null {
  if (c.property.kind === 'system') return keyCount(db, c, profiles)
  const kind = c.property.kind
  if (kind !== 'type' && kind !== 'test' && kind !== 'age') return null
  const plan = planProperty(c, ctx)
  const test = rowTest(plan, ctx.nowMs)
  if (kind === 'age') {
    // age_counts keeps DOB, else Age (as the engine, unless a custom `birthday` date comes between).
    if (plan.source.expr.includes('birthday') || !kept(db, 'age_counts')) return null
    const values = 'CASE kind WHEN 0 THEN dob END, NULL, CASE kind WHEN 1 THEN age END, zone'
    return summed(db, 'age_counts', values, test)
  }
  if (!kept(db, 'profile_counts')) return null
  return summed(db, 'profile_counts', kind === 'type' ? 'identified' : 'is_test', test)
}

/**
 * The count of a one-condition definition of a common shape, from indexes and kept counts; null for any
 * other (the caller counts it by the full SQL fallback).
 */
export function countFromTables(
  db: Db,
  definition: SegmentDefinition,
  ctx: EvalContext,
  perItem: boolean,
): CountResult | null {
  const only = definition.conditions.length === 1 ? definition.conditions[0] : undefined
  if (only?.type !== 'property') return null
  let known: number | null = null
  const profiles = () => {
    known ??= kept(db, 'profile_counts')
      ? (db.prepare('SELECT coalesce(sum(n), 0) FROM profile_counts').pluck().get() as number)
      : (db.prepare('SELECT count(*) FROM profiles').pluck().get() as number)
    return known
  }
  const total = conditionCount(db, only, ctx, profiles)
  if (total === null) return null
  return { total, profiles: profiles(), ...(perItem ? { items: [{ count: total }] } : {}) }
}
