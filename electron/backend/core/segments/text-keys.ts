// Name and Email "contains" / "starts with" answered from their folded search keys (name_key, email_key:
// foldText of the value, as the engine compares) instead of a column of every profile's text: starts-with
// by a range of the key's B-tree index, contains by the trigram index Find People uses (profiles still
// pending for it after an import, imports/text-index-catchup.ts, by a scan of their id ranges).
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { foldText } from '../../../../shared/profile/search-keys'
import type { PropertyCondition } from '../../../../shared/segments/definition'
import type { Db } from '../db/connection'

/** The shortest substring the trigram index can answer (shorter ones are tested on the column). */
const TRIGRAM = 3
const KEY_COLUMNS: Readonly<Record<string, 'name_key' | 'email_key'>> = {
  Name: 'name_key',
  Email: 'email_key',
}

export interface KeyedText {
  column: 'name_key' | 'email_key'
  op: 'contains' | 'startsWith'
  needle: string
  /** "does not contain": the complement of contains. */
  negated: boolean
  /** starts-with: the first key past every key that starts with the needle. */
  end: string
}

/** The first string after every string that starts with `prefix` (its last code point + 1), if any. */
function prefixEnd(prefix: string): string | null {
  const points = [...prefix]
  const last = points.pop()?.codePointAt(0)
  if (last === undefined || last >= 0x10ffff) return null
  // Surrogate code points cannot be stored in text; the next character after them is U+E000.
  return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1)
}

/** The condition as a key lookup, when it is one of these (a non-empty needle; contains of 3+ characters). */
export function keyedText(condition: PropertyCondition): KeyedText | null {
  if (condition.property.kind !== 'system') return null
  const column = KEY_COLUMNS[findSystemProperty(condition.property.key)?.key ?? '']
  const op = condition.op === 'notContains' ? 'contains' : condition.op
  if (!column || (op !== 'contains' && op !== 'startsWith')) return null
  const raw = Array.isArray(condition.value) ? condition.value[0] : condition.value
  const needle = foldText(String(raw ?? ''))
  const end = prefixEnd(needle)
  if (needle === '' || end === null || (op === 'contains' && [...needle].length < TRIGRAM)) return null
  return { column, op, needle, negated: condition.op === 'notContains', end }
}

/** The ids of profiles whose key holds the needle (before any negation), into `mask`. */
export function keyedMask(db: Db, keyed: KeyedText, mask: Uint8Array): Uint8Array {
  const set = (ids: Iterable<number>) => {
    for (const id of ids) if (id < mask.length) mask[id] = 1
  }
  const { column, needle } = keyed
  if (keyed.op === 'startsWith') {
    set(
      db
        .prepare(`SELECT id FROM profiles WHERE ${column} >= ? AND ${column} < ?`)
        .pluck()
        .iterate(needle, keyed.end) as Iterable<number>,
    )
    return mask
  }
  const pending = db.prepare('SELECT first_id, last_id FROM fts_pending').raw().all() as [number, number][]
  const indexed = db
    .prepare('SELECT rowid FROM profiles_fts WHERE profiles_fts MATCH ?')
    .pluck()
    .iterate(`${column} : "${needle.replaceAll('"', '""')}"`) as Iterable<number>
  for (const id of indexed)
    if (id < mask.length && !pending.some(([first, last]) => id >= first && id <= last)) mask[id] = 1
  const scan = db
    .prepare(`SELECT id FROM profiles WHERE id BETWEEN ? AND ? AND instr(${column}, ?) > 0`)
    .pluck()
  for (const [first, last] of pending) set(scan.iterate(first, last, needle) as Iterable<number>)
  return mask
}

/** The same test as SQL over one profiles row (0 / 1, never NULL), with its parameters. */
export function keyedSql(keyed: KeyedText): { sql: string; params: unknown[] } {
  const { column, needle } = keyed
  const test =
    keyed.op === 'startsWith'
      ? { sql: `coalesce(${column} >= ? AND ${column} < ?, 0)`, params: [needle, keyed.end] }
      : { sql: `coalesce(instr(${column}, ?) > 0, 0)`, params: [needle] }
  return keyed.negated ? { sql: `(NOT ${test.sql})`, params: test.params } : test
}
