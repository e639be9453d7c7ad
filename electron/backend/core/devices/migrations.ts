// The devices feature's migrations: schema version 30: devices as a rowid table with platform, token,
// token state, app version and last seen; the packed reachability codes on profiles (five generated
// columns read them); the outbox learns the `token` record kind. Version 31: the overview's age_counts;
// 32: its zone/birth-date index. 34: devices per platform and control-group exclusions kept per type and
// test, and the activity chart's runs found by start time (audience-counts.ts); the token hashes and phone
// keys of Duplicate Platform ID groups kept (shared-values.ts). 35: the per-row upkeep triggers skip the
// profiles an import batch creates (upkeep-gates.ts), which keeps them set-wise.
import type { Migration } from '../db/migrate'
import { CHANNELS } from '../../../../shared/reachability/rules'
import { AGE_COUNT_TRIGGERS, AGE_COUNTS_SQL, AGE_COUNTS_ZONE_INDEX_SQL, recountAges } from './age-counts'
import {
  COUNT_TABLES_SQL,
  DEVICE_INDEXES,
  fillMissingReach,
  PLATFORM_COUNT_TRIGGERS_V30,
  recountPlatformsV30,
  recountReach,
  registerDeviceFunctions,
  REACH_BITS,
  REACH_COUNT_TRIGGERS,
  REACH_TRIGGERS,
} from './schema'
import { addAudienceCounts } from './audience-counts'
import { addSharedValues, SHARED_VALUE_TRIGGERS } from './shared-values'
import { AUDIENCE_COUNT_TRIGGERS } from './audience-counts'
import { COUNT_TRIGGERS as PROFILE_COUNT_TRIGGERS } from '../profiles/schema'
import { DEFERRED_UPKEEP_TABLE_SQL } from '../db/upkeep-gate'
import { UPKEEP_GATES, withUpkeepGates } from './upkeep-gates'

/** Every trigger version 35 gates, in the form it has today. */
const UPKEEP_TRIGGERS = [
  ...PROFILE_COUNT_TRIGGERS,
  ...AGE_COUNT_TRIGGERS,
  ...AUDIENCE_COUNT_TRIGGERS,
  ...SHARED_VALUE_TRIGGERS,
  ...REACH_TRIGGERS,
  ...REACH_COUNT_TRIGGERS,
]

function upgradeDevices(db: Parameters<Migration['up']>[0]): void {
  db.exec(`
    -- A rowid table: a random device id as a clustered key makes every batch rewrite leaves all over the
    -- table (memo-12 §5: 93-112 s vs 8.8 s for 1.2M rows).
    CREATE TABLE devices_v30 (
      id INTEGER PRIMARY KEY,
      device_id TEXT NOT NULL,                  -- a device/browser CleverTap ID (unique: devices_device_id)
      profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
      identified INTEGER NOT NULL DEFAULT 0,    -- has this device logged in
      platform TEXT NOT NULL DEFAULT 'Other' CHECK (platform IN ('Android','iOS','Web','Other')),
      push_token TEXT,
      token_type TEXT,                          -- fcm, apns, wns, webpush, ...
      token_state TEXT NOT NULL DEFAULT 'valid' CHECK (token_state IN ('valid','invalid','unregistered')),
      token_hash INTEGER,                       -- 52 bits of sha1(push_token): the duplicates index key
      app_version TEXT,
      os_version TEXT,
      make TEXT,
      model TEXT,
      last_seen INTEGER,                        -- epoch seconds
      source TEXT                               -- where it was last written: pull, import, events, hand
    ) STRICT;
    INSERT INTO devices_v30 (device_id, profile_id, identified)
      SELECT device_id, profile_id, identified FROM devices;
    DROP TABLE devices;
    ALTER TABLE devices_v30 RENAME TO devices;
    CREATE UNIQUE INDEX devices_device_id ON devices(device_id);
    CREATE INDEX devices_profile ON devices(profile_id);
    -- Tokens removed here: CleverTap has no record that removes one, so a pull must not bring them back.
    CREATE TABLE removed_tokens (
      device_id TEXT NOT NULL,
      push_token TEXT NOT NULL,
      removed_at INTEGER NOT NULL,              -- epoch seconds
      PRIMARY KEY (device_id, push_token)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE profiles ADD COLUMN reach INTEGER;  -- five 3-bit codes (shared/reachability/rules.ts)
  `)
  CHANNELS.forEach((channel, i) => {
    db.exec(
      `ALTER TABLE profiles ADD COLUMN reach_${channel} INTEGER AS ((reach >> ${REACH_BITS * i}) & 7) VIRTUAL`,
    )
  })
  for (const index of DEVICE_INDEXES) db.exec(index.sql)
  for (const trigger of REACH_TRIGGERS) db.exec(trigger.sql)
  // The codes are written by the shared rules through a SQL function; the connection running this
  // migration may not have it yet (a tool or test opening the file with the migrations only).
  registerDeviceFunctions(db)
  fillMissingReach(db)
  db.exec(COUNT_TABLES_SQL)
  recountReach(db)
  recountPlatformsV30(db)
  for (const trigger of [...REACH_COUNT_TRIGGERS, ...PLATFORM_COUNT_TRIGGERS_V30]) db.exec(trigger.sql)

  // The outbox (sync's version 3 table) gains the token kind: CleverTap's token upload record.
  const highWater = db
    .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")
    .get()?.seq
  const columns = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('outbox')")
    .all()
    .map((c) => c.name)
  db.exec(`
    CREATE TABLE outbox_v30 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      object_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('profile','event','delete','token')),
      payload TEXT NOT NULL,
      base TEXT,
      created_at INTEGER NOT NULL,
      state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','parked')),
      attempts INTEGER NOT NULL DEFAULT 0,
      error_code INTEGER,
      error_message TEXT,
      parked_at INTEGER
    ) STRICT;
    INSERT INTO outbox_v30 (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v30 RENAME TO outbox;
    CREATE INDEX outbox_object ON outbox(object_id);
    CREATE INDEX outbox_parked ON outbox(object_id) WHERE state = 'parked';
  `)
  // AUTOINCREMENT's high-water mark (ids of rows already pushed and deleted) is carried over, so an id
  // is never reused: idempotency keys are derived from ids (sync/migrations.ts).
  if (highWater !== undefined) {
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'outbox'").run()
    db.prepare(
      "INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', max(?, (SELECT coalesce(max(id), 0) FROM outbox)))",
    ).run(highWater)
  }
}

export const DEVICE_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    description:
      'devices: rowid table with platform, push token and state; reachability codes; token outbox records',
    up: upgradeDevices,
  },
  {
    version: 31,
    description: 'overview: profiles per birth date and zone (age histogram without scanning profiles)',
    up(db) {
      db.exec(AGE_COUNTS_SQL)
      recountAges(db)
      for (const trigger of AGE_COUNT_TRIGGERS) db.exec(trigger.sql)
    },
  },
  {
    version: 32,
    description: 'overview: age_counts by zone and birth date, so the histogram reads ranges and never sorts',
    up(db) {
      db.exec(AGE_COUNTS_ZONE_INDEX_SQL)
    },
  },
  {
    version: 34,
    description:
      'overview: devices per platform and control-group exclusions kept per type and test; runs by start ' +
      'time; duplicates: shared token hashes and phone keys kept',
    up(db) {
      addAudienceCounts(db)
      addSharedValues(db)
    },
    // Databases from before the migration ledger are at 50 (change sets) already: their user_version
    // would say that 34 ran.
    late: true,
  },
  {
    version: 35,
    description:
      'imports: the per-row upkeep triggers (counts, reachability codes, shared values) skip the profiles an ' +
      'import batch creates, which keeps them set-wise at its end',
    up(db) {
      db.exec(DEFERRED_UPKEEP_TABLE_SQL)
      for (const trigger of withUpkeepGates(UPKEEP_TRIGGERS)) {
        if (!UPKEEP_GATES.has(trigger.name)) continue
        db.exec(`DROP TRIGGER IF EXISTS ${trigger.name}`)
        db.exec(trigger.sql)
      }
    },
    // Like 34: databases from before the ledger are at 50 already.
    late: true,
  },
]
