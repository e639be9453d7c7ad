// What set-wise writes share: the JSON path of a key, and the outbox rows a set-wise write (bulk set/unset, its undo) inserts from a temp table in one statement:
// the keyed record an import writes ({type, objectId, identity?, keys}: sync reads the values from the
// profile's current row at push time, sync/keyed-outbox.ts) with `base` the old value.

/**
 * SQL that inserts one keyed profile record per row of `table` (columns id, object_id, identity), in
 * CleverTap ID order: outbox_object then takes the rows in key order instead of at random places. `keys`
 * is the JSON array expression of the wire keys, `base` the base JSON expression; both may use the row's
 * columns and the statement's named parameters.
 */
export function setWiseOutboxSql(table: string, keys: string, base: string, where = ''): string {
  return `INSERT INTO outbox (object_id, kind, payload, base, created_at)
     SELECT object_id, 'profile',
       CASE WHEN identity IS NULL
         THEN json_object('type', 'profile', 'objectId', object_id, 'keys', ${keys})
         ELSE json_object('type', 'profile', 'objectId', object_id, 'identity', identity, 'keys', ${keys}) END,
       ${base},
       @at FROM ${table} ${where} ORDER BY object_id`
}

/** A JSON path for one key (quoted, so keys with spaces or brackets are one step). */
export function jsonPathOf(key: string): string {
  return `$."${key.replace(/"/g, '\\"')}"`
}
