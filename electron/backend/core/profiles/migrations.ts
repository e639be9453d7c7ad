// The profiles feature's schema migrations (global versions 1 and 5): profiles, identifiers, devices,
// events, audit, outbox, settings and the search index. The composition root registers them with the rest.
import type { Migration } from '../db/migrate'
import { COUNT_TRIGGERS, correctProfileTypes, BULK_DEFERRED_INDEXES, FTS_TRIGGERS_V1 } from './schema'

export const PROFILE_MIGRATIONS: readonly Migration[] = [
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
      for (const trigger of FTS_TRIGGERS_V1) db.exec(trigger.sql)
      for (const trigger of COUNT_TRIGGERS) db.exec(trigger.sql)
    },
  },
  {
    version: 5,
    description:
      'profiles: Identified also for FBID, GPID and custom identifiers (the stored type corrected)',
    up: (db) => void correctProfileTypes(db),
  },
]
