// Schema version 5 (electron/backend/db/migrations.ts): the stored profile type (profiles.identified) made
// to follow the shared rule, which since then counts FBID, GPID and custom identifiers as identifying too.
import type Database from 'better-sqlite3'
import { IDENTIFYING_KINDS } from '../../../../shared/profile/identity'

/**
 * SQL that is true when the profile row `alias` holds an identifier of an identifying kind: the shared
 * deriveProfileType, for a whole table at once. The IN list is built once (no per-row lookup), so it stays
 * fast even when a bulk load left the identifier indexes dropped.
 */
export function identifiedSql(alias: string): string {
  const kinds = [...IDENTIFYING_KINDS].map((kind) => `'${kind}'`).join(', ')
  return `(${alias}.id IN (SELECT profile_id FROM identifiers WHERE kind IN (${kinds})))`
}

/** Sets profile_counts from the table (after a change that bypassed or dropped the count triggers). */
export function recountProfileCounts(db: Database.Database): void {
  db.exec(`UPDATE profile_counts SET n = 0;
    INSERT INTO profile_counts (identified, is_test, named, n)
      SELECT identified, is_test, name_key IS NOT NULL, count(*) FROM profiles WHERE true GROUP BY 1, 2, 3
      ON CONFLICT (identified, is_test, named) DO UPDATE SET n = excluded.n;`)
}

/**
 * Recomputes `identified` for every profile whose stored value disagrees with its identifiers (older
 * versions counted only Identity and Email, so a profile known by FBID, GPID or a custom identifier was
 * stored as Anonymous), then recounts profile_counts so Find People's totals match. Returns how many
 * profiles changed type.
 */
export function correctProfileTypes(db: Database.Database): number {
  const changed = db
    .prepare(
      `UPDATE profiles SET identified = ${identifiedSql('profiles')}
       WHERE identified IS NOT ${identifiedSql('profiles')}`,
    )
    .run().changes
  recountProfileCounts(db)
  return changed
}
