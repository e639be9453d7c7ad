// Schema migrations, tracked with PRAGMA user_version. Each runs inside one transaction at start-up.
// The secondary indexes and the FTS triggers are named lists so the bulk loader can drop and rebuild them.
import type Database from 'better-sqlite3'
import { upgradeImportSchema } from '../imports/migrations'
import { correctProfileTypes } from './schema'
import { upgradeSftpSchema } from '../sftp/migrations'
import { upgradeSyncSchema } from '../sync/migrations'

export interface Migration {
  version: number
  description: string
  up(db: Database.Database): void
}

/**
 * Indexes a bulk load into an empty database drops first and builds afterwards (building an index from
 * sorted data is several times faster than keeping it live while rows arrive in random key order).
 * Sort and search-key indexes are (key, id, identified, is_test): pages come out in (key, id) order
 * whatever the filters, and type/test filters are checked inside the index without reading rows.
 */
export const BULK_DEFERRED_INDEXES: ReadonlyArray<{ name: string; sql: string }> = [
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
export const FTS_TRIGGERS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: 'profiles_fts_ai',
    sql: `CREATE TRIGGER profiles_fts_ai AFTER INSERT ON profiles BEGIN
      INSERT INTO profiles_fts(rowid, name_key, email_key, identity_key, phone_key)
      VALUES (new.id, new.name_key, new.email_key, new.identity_key, new.phone_key);
    END`,
  },
  {
    name: 'profiles_fts_ad',
    sql: `CREATE TRIGGER profiles_fts_ad AFTER DELETE ON profiles BEGIN
      INSERT INTO profiles_fts(profiles_fts, rowid, name_key, email_key, identity_key, phone_key)
      VALUES ('delete', old.id, old.name_key, old.email_key, old.identity_key, old.phone_key);
    END`,
  },
  {
    name: 'profiles_fts_au',
    sql: `CREATE TRIGGER profiles_fts_au AFTER UPDATE OF name_key, email_key, identity_key, phone_key ON profiles
    WHEN old.name_key IS NOT new.name_key OR old.email_key IS NOT new.email_key
      OR old.identity_key IS NOT new.identity_key OR old.phone_key IS NOT new.phone_key
    BEGIN
      INSERT INTO profiles_fts(profiles_fts, rowid, name_key, email_key, identity_key, phone_key)
      VALUES ('delete', old.id, old.name_key, old.email_key, old.identity_key, old.phone_key);
      INSERT INTO profiles_fts(rowid, name_key, email_key, identity_key, phone_key)
      VALUES (new.id, new.name_key, new.email_key, new.identity_key, new.phone_key);
    END`,
  },
]

/**
 * profile_counts keeps the number of profiles per (identified, is_test, named) so totals and the
 * named/unnamed split of the name sort are O(1) on a million rows; kept exact by these triggers.
 */
export const COUNT_TRIGGERS: ReadonlyArray<{ name: string; sql: string }> = [
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

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'profiles, identifiers, devices, events, audit, outbox, settings, search index',
    up(db) {
      db.exec(`
        CREATE TABLE profiles (
          id INTEGER PRIMARY KEY,
          object_id TEXT NOT NULL,                  -- the CleverTap ID (unique: index profiles_object_id)
          name TEXT,
          email TEXT,                               -- mirrors the email identifier
          identity TEXT,                            -- the first Identity (all of them live in identifiers)
          phone TEXT,                               -- E.164
          gender TEXT,
          dob INTEGER,                              -- epoch seconds
          timezone TEXT,
          msg_email INTEGER, msg_push INTEGER, msg_sms INTEGER, msg_whatsapp INTEGER,
          employed TEXT, married TEXT, education TEXT, photo TEXT,
          age INTEGER,                              -- an explicit Age property (DOB wins when both)
          system_extra TEXT NOT NULL DEFAULT '{}',  -- other catalogue keys, JSON {key: value}
          custom TEXT NOT NULL DEFAULT '{}',        -- custom properties, JSON {key: value}
          is_test INTEGER NOT NULL DEFAULT 0,       -- ct_is_test_user = "Yes"
          cg_excluded INTEGER NOT NULL DEFAULT 0,   -- excluded from all control groups
          identified INTEGER NOT NULL DEFAULT 0,    -- derived: deriveProfileType (v5: any identifier)
          -- search keys: foldText (lower-case, accents folded) of name/email/identity, phoneDigits of phone
          name_key TEXT, email_key TEXT, identity_key TEXT, phone_key TEXT,
          last_seen INTEGER,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE custom_property_types (
          key TEXT PRIMARY KEY,
          type TEXT NOT NULL CHECK (type IN ('string','number','boolean','date','multi'))
        ) STRICT;

        -- Unique on (value_key, kind, name): index identifiers_value, which also serves exact lookups by value.
        CREATE TABLE identifiers (
          profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('identity','email','fbid','gpid','custom')),
          name TEXT NOT NULL DEFAULT '',            -- custom identifiers' names
          value TEXT NOT NULL,
          value_key TEXT NOT NULL,                  -- lower-cased for email, as-is otherwise
          added_at INTEGER NOT NULL
        ) STRICT;

        -- A profile's own CleverTap ID is also its first device; a row appears once a device is seen.
        CREATE TABLE devices (
          device_id TEXT PRIMARY KEY,               -- a device/browser CleverTap ID
          profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          identified INTEGER NOT NULL DEFAULT 0     -- has this device logged in
        ) STRICT, WITHOUT ROWID;

        -- Scenario 2: the anonymous profile whose pre-login events are shown greyed on the identified one.
        CREATE TABLE anonymous_links (
          anonymous_profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          identified_profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          device_id TEXT NOT NULL,
          linked_at INTEGER NOT NULL,
          PRIMARY KEY (anonymous_profile_id, identified_profile_id)
        ) STRICT;
        CREATE INDEX anonymous_links_identified ON anonymous_links(identified_profile_id);

        CREATE TABLE events (
          id INTEGER PRIMARY KEY,
          profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          device_id TEXT,
          name TEXT NOT NULL,
          ts INTEGER NOT NULL,
          props TEXT NOT NULL DEFAULT '{}',
          anonymous INTEGER NOT NULL DEFAULT 0      -- done while the profile was anonymous
        ) STRICT;
        CREATE INDEX events_profile_ts ON events(profile_id, ts);

        CREATE TABLE event_summaries (
          profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          count INTEGER NOT NULL,
          first_seen INTEGER NOT NULL,
          last_seen INTEGER NOT NULL,
          PRIMARY KEY (profile_id, name)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE audit (
          id INTEGER PRIMARY KEY,
          object_id TEXT NOT NULL,                  -- kept after the profile is deleted
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          field TEXT,
          old_value TEXT,                           -- JSON
          new_value TEXT                            -- JSON
        ) STRICT;
        CREATE INDEX audit_object ON audit(object_id, id);

        -- Every local change, written in the same transaction as the change; sync pushes it.
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY,
          object_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('profile','event','delete')),
          payload TEXT NOT NULL,                    -- JSON: the CleverTap upload record
          base TEXT,                                -- JSON: the values before the change (conflicts)
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX outbox_object ON outbox(object_id);

        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

        CREATE TABLE profile_counts (
          identified INTEGER NOT NULL,
          is_test INTEGER NOT NULL,
          named INTEGER NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (identified, is_test, named)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO profile_counts (identified, is_test, named, n)
          SELECT i.v, t.v, m.v, 0 FROM (SELECT 0 v UNION SELECT 1) i, (SELECT 0 v UNION SELECT 1) t,
            (SELECT 0 v UNION SELECT 1) m;

        -- Substring search: trigram FTS over the search keys (external content, kept by triggers).
        -- detail=full is needed for substrings longer than 3 characters (phrases of trigrams);
        -- columnsize=0 because results are ranked by our tiers, never by bm25.
        -- The profile id is not in it: ids are found by exact and prefix match (index profiles_object_id).
        CREATE VIRTUAL TABLE profiles_fts USING fts5(
          name_key, email_key, identity_key, phone_key,
          content='profiles', content_rowid='id', tokenize='trigram', columnsize=0
        );
      `)
      for (const index of BULK_DEFERRED_INDEXES) db.exec(index.sql)
      for (const trigger of FTS_TRIGGERS) db.exec(trigger.sql)
      for (const trigger of COUNT_TRIGGERS) db.exec(trigger.sql)
    },
  },
  {
    version: 3,
    description: 'sync: outbox delivery state (AUTOINCREMENT ids), conflicts, runs, tombstones',
    up: upgradeSyncSchema,
  },
  {
    version: 2,
    description: 'imports: run history, saved mappings, imported event keys',
    up: upgradeImportSchema,
  },
  {
    version: 4,
    description: 'sftp: import sources, their runs and the files each run took',
    up: upgradeSftpSchema,
  },
  {
    version: 5,
    description:
      'profiles: Identified also for FBID, GPID and custom identifiers (the stored type corrected)',
    up: (db) => void correctProfileTypes(db),
  },
]

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)
