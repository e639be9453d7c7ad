// The outbox rows a set-wise write (bulk set/unset, its undo) inserts from a temp table in one statement:
// the record ProfileChange writes ({type, objectId, identity?, profileData}) with `base` the old value.

/**
 * SQL that inserts one profile record per row of `table`. `data` is the profileData JSON expression,
 * `base` the base JSON expression; both may use the row's columns and the statement's named parameters.
 */
export function setWiseOutboxSql(table: string, data: string, base: string, where = ''): string {
  return `INSERT INTO outbox (object_id, kind, payload, base, created_at)
     SELECT object_id, 'profile',
       CASE WHEN identity IS NULL
         THEN json_object('type', 'profile', 'objectId', object_id, 'profileData', ${data})
         ELSE json_object('type', 'profile', 'objectId', object_id, 'identity', identity, 'profileData', ${data}) END,
       ${base},
       @at FROM ${table} ${where} ORDER BY id`
}
