// The shape of a parsed download query (query.ts reads it, store.ts keeps it with a cursor): its own module,
// so the store and the query matcher do not import each other.
import type { FieldOperator } from '../shared/sync/pull-query'

/** Profiles that did `name` at a time in [fromTs, untilTs) (epoch seconds). */
export interface EventCondition {
  name: string
  fromTs: number
  untilTs: number
}

export interface FieldCondition {
  name: string
  operator: FieldOperator
  value?: string | number | boolean
}

export interface ParsedQuery {
  /** null: no event asked for; every profile qualifies (a sandbox extension: CleverTap needs one). */
  event: EventCondition | null
  fields: FieldCondition[]
}
