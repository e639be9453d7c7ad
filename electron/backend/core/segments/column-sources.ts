// Where each property a segment asks about is read from: one query per property, giving (id, value) for
// every profile (or for some ids, after an edit). The snapshot (snapshot.ts) keeps the answers as arrays.
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { propertyName, type PropertyRef } from '../../../../shared/segments/definition'
import { AppError } from '../../../../shared/ipc/envelope'
import { CHANNELS } from '../../../../shared/reachability/rules'

/** How values are held: numbers (booleans 0/1, dates epoch seconds), dictionary-coded text, lists, Age. */
export type ColumnKind = 'num' | 'text' | 'multi' | 'age'

export interface ColumnSource {
  /** A stable name for the cache ("system:Gender", "custom:plan", "age"). */
  id: string
  kind: ColumnKind
  /** Selects `id`, `v` (Age: `id, dob, birthday, age, tz`), in that order, for every profile. */
  sql: string
  /** Bound parameters (a JSON path for custom keys). */
  params: unknown[]
  /** The same with `AND <id column> IN (SELECT value FROM json_each(?))` for a set of ids. */
  subsetSql: string
  /** The same for ids in (?, ?] (the background load reads a column in chunks of ids). */
  rangeSql: string
  /**
   * For a column read from profiles alone: its value(s) as a select list over one row (after `id`, with
   * `params`), so a background load reads several columns in one pass over profiles.
   */
  select?: string
  /**
   * The value(s) as SQL over one row of `profiles` (the SQL fallback's test arguments; Age: its four
   * inputs), using `params` in order.
   */
  expr: string
}

const IDS_IN = 'IN (SELECT value FROM json_each(?))'
const IN_RANGE = '> ? AND id <= ?'

function fromProfiles(id: string, kind: ColumnKind, expr: string, params: unknown[] = []): ColumnSource {
  return {
    id,
    kind,
    sql: `SELECT id, ${expr} AS v FROM profiles`,
    params,
    subsetSql: `SELECT id, ${expr} AS v FROM profiles WHERE id ${IDS_IN}`,
    rangeSql: `SELECT id, ${expr} AS v FROM profiles WHERE id ${IN_RANGE}`,
    select: expr,
    expr,
  }
}

/** The JSON path of a custom (or system_extra) key: quoted, so any key text is one member name. */
export function jsonPath(key: string): string {
  return `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

function kindOfType(type: string): ColumnKind {
  return type === 'multi' ? 'multi' : type === 'string' ? 'text' : 'num'
}

/** Identifier-backed system properties with no profiles column (FBID, GPID): their first value. */
const IDENTIFIER_PROPERTIES: Readonly<Record<string, string>> = { FBID: 'fbid', GPID: 'gpid' }

export function columnSource(
  property: PropertyRef,
  customTypes: ReadonlyMap<string, CustomPropertyType>,
): ColumnSource {
  switch (property.kind) {
    case 'system': {
      const system = findSystemProperty(property.key)
      if (!system) throw new AppError('validation', `No system property is called "${property.key}".`)
      const id = `system:${system.key}`
      const kind = kindOfType(system.type)
      const identifierKind = IDENTIFIER_PROPERTIES[system.key]
      if (identifierKind) {
        const base = `SELECT profile_id AS id, min(value) AS v FROM identifiers WHERE kind = '${identifierKind}'`
        return {
          id,
          kind,
          sql: `${base} GROUP BY profile_id`,
          params: [],
          subsetSql: `${base} AND profile_id ${IDS_IN} GROUP BY profile_id`,
          rangeSql: `${base} AND profile_id > ? AND profile_id <= ? GROUP BY profile_id`,
          expr: `(SELECT min(value) FROM identifiers WHERE kind = '${identifierKind}' AND profile_id = profiles.id)`,
        }
      }
      if (system.column) return fromProfiles(id, kind, system.column)
      return fromProfiles(id, kind, 'json_extract(system_extra, ?)', [jsonPath(system.key)])
    }
    case 'custom': {
      const type = customTypes.get(property.key)
      if (!type) throw new AppError('validation', `No custom property is called "${property.key}".`)
      // A list comes back as its JSON text; booleans as 1 / 0.
      const expr = 'json_extract(custom, ?)'
      return fromProfiles(`custom:${property.key}`, kindOfType(type), expr, [jsonPath(property.key)])
    }
    case 'age': {
      // The inputs of the shared profileAge: DOB, else a custom `birthday` date, else Age; the zone.
      const birthday = customTypes.get('birthday') === 'date' ? "json_extract(custom, '$.birthday')" : 'NULL'
      const inputs = `dob, ${birthday}, age, timezone`
      const cols = `id, dob, ${birthday} AS birthday, age, timezone AS tz`
      return {
        id: 'age',
        kind: 'age',
        sql: `SELECT ${cols} FROM profiles`,
        params: [],
        subsetSql: `SELECT ${cols} FROM profiles WHERE id ${IDS_IN}`,
        rangeSql: `SELECT ${cols} FROM profiles WHERE id ${IN_RANGE}`,
        select: inputs,
        expr: inputs,
      }
    }
    case 'type':
      return fromProfiles('type', 'num', 'identified')
    case 'test':
      return fromProfiles('test', 'num', 'is_test')
    case 'excluded':
      return fromProfiles('excluded', 'num', 'cg_excluded')
    case 'created':
      return fromProfiles('created', 'num', 'created_at')
    case 'lastSeen':
      return fromProfiles('lastSeen', 'num', 'last_seen')
    case 'reachable':
      // The code the shared rules stored (devices/schema.ts); the channel is checked, as it names a column.
      if (!(CHANNELS as readonly string[]).includes(property.channel))
        throw new AppError('validation', `No reachability channel is called "${property.channel}".`)
      return fromProfiles(`reach:${property.channel}`, 'num', `reach_${property.channel}`)
    default:
      throw new AppError('validation', `Segments cannot ask about "${propertyName(property)}" yet.`)
  }
}
