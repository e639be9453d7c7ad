// Lets one write transaction keep derived data (counts, codes, shared values) set-wise for the rows it
// creates, instead of per-row triggers: it puts the first profile id it may create in deferred_upkeep
// (only inside its own transaction, so no other connection ever sees a row there), and a gated trigger
// skips rows at or above it. Nothing else ever writes the table, so every other writer's triggers fire.
import type { SqlObject } from './bulk-load'

export const DEFERRED_UPKEEP_TABLE_SQL = `
  -- At most one row, and only inside an import batch's own transaction (core/db/upkeep-gate.ts).
  CREATE TABLE IF NOT EXISTS deferred_upkeep (first_id INTEGER NOT NULL) STRICT;
`

/** Which row of the trigger's table names the profile whose upkeep may be deferred. */
export type GateColumn = 'id' | 'profile_id'

/** The condition a gated trigger adds: in this form in its SQL, so a check can find it. */
export function gateCondition(event: 'INSERT' | 'UPDATE', column: GateColumn): string {
  // An update is deferred only when the row belongs to a deferred profile before and after it.
  const rows =
    event === 'INSERT'
      ? `new.${column} >= first_id`
      : `new.${column} >= first_id AND old.${column} >= first_id`
  return `NOT EXISTS (SELECT 1 FROM deferred_upkeep WHERE ${rows})`
}

const HEAD =
  /^(CREATE TRIGGER \w+\s+(?:AFTER|BEFORE)\s+(INSERT|UPDATE)\b[\s\S]*?\bON \w+)(?:\s+WHEN\s+([\s\S]*?))?\s+BEGIN\b/

/** The trigger with the gate added to its WHEN clause (a trigger it cannot read is an error). */
export function gateTrigger(trigger: SqlObject, column: GateColumn): SqlObject {
  const match = HEAD.exec(trigger.sql.trim())
  if (!match)
    throw new Error(`Cannot gate trigger ${trigger.name}: its head is not an INSERT or UPDATE trigger.`)
  const [whole, head, event, when] = match as unknown as [string, string, 'INSERT' | 'UPDATE', string?]
  const gate = gateCondition(event, column)
  const condition = when === undefined ? gate : `${gate} AND (${when})`
  return {
    name: trigger.name,
    sql: `${head} WHEN ${condition} BEGIN${trigger.sql.trim().slice(whole.length)}`,
  }
}
