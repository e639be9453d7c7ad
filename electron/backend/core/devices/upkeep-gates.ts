// The per-row upkeep triggers an import batch may defer for the profiles it creates (core/db/upkeep-gate.ts):
// counts, reachability codes and shared values on profiles and devices. The batch keeps them set-wise at
// its end (core/imports/batch-upkeep.ts). Delete triggers stay as they are: an import deletes nothing.
import type { SqlObject } from '../db/bulk-load'
import { gateCondition, gateTrigger, type GateColumn } from '../db/upkeep-gate'

/** Trigger name -> the column that names its profile. */
export const UPKEEP_GATES: ReadonlyMap<string, GateColumn> = new Map<string, GateColumn>([
  ['profile_counts_ai', 'id'],
  ['profile_counts_au', 'id'],
  ['age_counts_ai', 'id'],
  ['age_counts_au', 'id'],
  ['excluded_counts_ai', 'id'],
  ['excluded_counts_au', 'id'],
  ['shared_phones_ai', 'id'],
  ['shared_phones_au', 'id'],
  ['profiles_reach_ai', 'id'],
  ['profiles_reach_au', 'id'],
  ['reach_counts_au', 'id'],
  ['platform_counts_pu', 'id'],
  ['platform_counts_ai', 'profile_id'],
  ['platform_counts_au', 'profile_id'],
  ['shared_tokens_ai', 'profile_id'],
  ['shared_tokens_au', 'profile_id'],
])

/** The triggers of `list` with their gate where they have one (the others as they are). */
export function withUpkeepGates(list: readonly SqlObject[]): SqlObject[] {
  return list.map((trigger) => {
    const column = UPKEEP_GATES.get(trigger.name)
    return column === undefined ? trigger : gateTrigger(trigger, column)
  })
}

/**
 * True when every gated trigger on the database has its gate. A database where one lacks it (a later
 * migration or a tool made it again) keeps its counts by triggers: an import must not count twice.
 */
export function upkeepGatesInPlace(db: {
  prepare(sql: string): { all(...params: unknown[]): unknown[] }
}): boolean {
  const rows = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${[...UPKEEP_GATES.keys()].map(() => '?').join(', ')})`,
    )
    .all(...UPKEEP_GATES.keys()) as { name: string; sql: string }[]
  if (rows.length !== UPKEEP_GATES.size) return false
  return rows.every((row) => {
    const column = UPKEEP_GATES.get(row.name) as GateColumn
    const event = /\bAFTER\s+INSERT\b/.test(row.sql) ? 'INSERT' : 'UPDATE'
    return row.sql.includes(gateCondition(event, column))
  })
}
