// The profile tables' named indexes and triggers (created by the profiles migrations, dropped and rebuilt
// around a bulk load: core/db/bulk-load.ts) and the set-wide fixes of derived columns (schema version 5).
import type Database from 'better-sqlite3'
import type { DeferredStructures, SqlObject } from '../db/bulk-load'
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

/**
 * Indexes a bulk load into an empty database drops first and builds afterwards (building an index from
 * sorted data is several times faster than keeping it live while rows arrive in random key order).
 * Sort and search-key indexes are (key, id, identified, is_test): pages come out in (key, id) order
 * whatever the filters, and type/test filters are checked inside the index without reading rows.
 */
export const BULK_DEFERRED_INDEXES: readonly SqlObject[] = [
  { name: 'profiles_object_id', sql: 'CREATE UNIQUE INDEX profiles_object_id ON profiles(object_id)' },
  {
    name: 'identifiers_value',
    sql: 'CREATE UNIQUE INDEX identifiers_value ON identifiers(value_key, kind, name)',
  },
  { name: 'identifiers_profile', sql: 'CREATE INDEX identifiers_profile ON identifiers(profile_id)' },
  { name: 'devices_profile', sql: 'CREATE INDEX devices_profile ON devices(profile_id)' },
  {
    name: 'profiles_name_key',
    sql: 'CREATE INDEX profiles_name_key ON profiles(name_key, id, identified, is_test) WHERE name_key IS NOT NULL',
  },
  {
    name: 'profiles_unnamed',
    sql: 'CREATE INDEX profiles_unnamed ON profiles(id, identified, is_test) WHERE name_key IS NULL',
  },
  {
    name: 'profiles_email_key',
    sql: 'CREATE INDEX profiles_email_key ON profiles(email_key, id, identified, is_test) WHERE email_key IS NOT NULL',
  },
  {
    name: 'profiles_identity_key',
    sql: 'CREATE INDEX profiles_identity_key ON profiles(identity_key, id, identified, is_test) WHERE identity_key IS NOT NULL',
  },
  {
    name: 'profiles_phone_key',
    sql: 'CREATE INDEX profiles_phone_key ON profiles(phone_key, id, identified, is_test) WHERE phone_key IS NOT NULL',
  },
  {
    name: 'profiles_updated',
    sql: 'CREATE INDEX profiles_updated ON profiles(updated_at, id, identified, is_test)',
  },
  {
    name: 'profiles_created',
    sql: 'CREATE INDEX profiles_created ON profiles(created_at, id, identified, is_test)',
  },
  {
    name: 'profiles_last_seen',
    sql: 'CREATE INDEX profiles_last_seen ON profiles(last_seen, id, identified, is_test)',
  },
  { name: 'profiles_test', sql: 'CREATE INDEX profiles_test ON profiles(is_test) WHERE is_test = 1' },
  {
    name: 'profiles_cg_excluded',
    sql: 'CREATE INDEX profiles_cg_excluded ON profiles(cg_excluded) WHERE cg_excluded = 1',
  },
]

/** The triggers that keep the external-content FTS table in step with profiles (dropped during a bulk load). */
/**
 * A profile whose id is in a pending range (imports/text-index-catchup.ts) is not in the trigram index
 * yet: the triggers leave it to the catch-up, which indexes it as it then is.
 */
function notPending(row: 'new' | 'old', guarded: boolean): string {
  return guarded ? `NOT EXISTS (SELECT 1 FROM fts_pending WHERE ${row}.id BETWEEN first_id AND last_id)` : '1'
}

/** The trigram triggers; unguarded as schema version 1 made them (before fts_pending, version 11). */
function ftsTriggers(guarded: boolean): readonly SqlObject[] {
  return [
    {
      name: 'profiles_fts_ai',
      sql: `CREATE TRIGGER profiles_fts_ai AFTER INSERT ON profiles WHEN ${notPending('new', guarded)} BEGIN
      INSERT INTO profiles_fts(rowid, name_key, email_key, identity_key, phone_key)
      VALUES (new.id, new.name_key, new.email_key, new.identity_key, new.phone_key);
    END`,
    },
    {
      name: 'profiles_fts_ad',
      sql: `CREATE TRIGGER profiles_fts_ad AFTER DELETE ON profiles WHEN ${notPending('old', guarded)} BEGIN
      INSERT INTO profiles_fts(profiles_fts, rowid, name_key, email_key, identity_key, phone_key)
      VALUES ('delete', old.id, old.name_key, old.email_key, old.identity_key, old.phone_key);
    END`,
    },
    {
      name: 'profiles_fts_au',
      sql: `CREATE TRIGGER profiles_fts_au AFTER UPDATE OF name_key, email_key, identity_key, phone_key ON profiles
    WHEN (old.name_key IS NOT new.name_key OR old.email_key IS NOT new.email_key
      OR old.identity_key IS NOT new.identity_key OR old.phone_key IS NOT new.phone_key)
      AND ${notPending('old', guarded)}
    BEGIN
      INSERT INTO profiles_fts(profiles_fts, rowid, name_key, email_key, identity_key, phone_key)
      VALUES ('delete', old.id, old.name_key, old.email_key, old.identity_key, old.phone_key);
      INSERT INTO profiles_fts(rowid, name_key, email_key, identity_key, phone_key)
      VALUES (new.id, new.name_key, new.email_key, new.identity_key, new.phone_key);
    END`,
    },
  ]
}

export const FTS_TRIGGERS = ftsTriggers(true)
/** Only for the schema version 1 migration. */
export const FTS_TRIGGERS_V1 = ftsTriggers(false)

/**
 * profile_counts keeps the number of profiles per (identified, is_test, named) so totals and the
 * named/unnamed split of the name sort are O(1) on a million rows; kept exact by these triggers.
 */
export const COUNT_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'profile_counts_ai',
    sql: `CREATE TRIGGER profile_counts_ai AFTER INSERT ON profiles BEGIN
      UPDATE profile_counts SET n = n + 1
      WHERE identified = new.identified AND is_test = new.is_test AND named = (new.name_key IS NOT NULL);
    END`,
  },
  {
    name: 'profile_counts_ad',
    sql: `CREATE TRIGGER profile_counts_ad AFTER DELETE ON profiles BEGIN
      UPDATE profile_counts SET n = n - 1
      WHERE identified = old.identified AND is_test = old.is_test AND named = (old.name_key IS NOT NULL);
    END`,
  },
  {
    name: 'profile_counts_au',
    sql: `CREATE TRIGGER profile_counts_au AFTER UPDATE OF identified, is_test, name_key ON profiles
    WHEN old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test
      OR (old.name_key IS NULL) IS NOT (new.name_key IS NULL)
    BEGIN
      UPDATE profile_counts SET n = n - 1
      WHERE identified = old.identified AND is_test = old.is_test AND named = (old.name_key IS NOT NULL);
      UPDATE profile_counts SET n = n + 1
      WHERE identified = new.identified AND is_test = new.is_test AND named = (new.name_key IS NOT NULL);
    END`,
  },
]

/** What a bulk load of profiles defers: the lists above, then the trigram index and the counts rebuilt. */
export const PROFILE_BULK_STRUCTURES: DeferredStructures = {
  indexes: BULK_DEFERRED_INDEXES,
  textTriggers: FTS_TRIGGERS,
  otherTriggers: COUNT_TRIGGERS,
  rebuildDerived(db) {
    db.exec("INSERT INTO profiles_fts(profiles_fts) VALUES ('rebuild')")
    // The rebuild indexed every profile: no id range is pending any more (imports/text-index-catchup.ts).
    db.exec('DELETE FROM fts_pending')
    recountProfileCounts(db)
  },
}
