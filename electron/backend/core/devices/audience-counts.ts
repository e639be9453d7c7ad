// Version 34: the overview's last per-request scans made kept counts. Devices per platform are counted per
// holder type and test (Find People's filters), and control-group exclusions per type and test, both by
// triggers like reach_counts, so every overview number with or without the filters reads a few rows.
import type { SqlObject } from '../db/bulk-load'
import type { Db } from '../db/connection'

/** Replaces version 30's platform_counts (platform, n), which could not answer a type or test filter. */
export const AUDIENCE_COUNTS_SQL = `
  DROP TABLE IF EXISTS platform_counts;
  CREATE TABLE platform_counts (
    identified INTEGER NOT NULL, is_test INTEGER NOT NULL, platform TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (identified, is_test, platform)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE excluded_counts (
    identified INTEGER NOT NULL, is_test INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (identified, is_test)
  ) STRICT, WITHOUT ROWID;
`

/** Version 30's trigger names on platform_counts (dropped by version 34). */
export const PLATFORM_TRIGGERS_V30 = ['platform_counts_ai', 'platform_counts_ad', 'platform_counts_au']

const ON_PLATFORM = 'ON CONFLICT (identified, is_test, platform) DO UPDATE SET n = n + excluded.n;'

/** One device of the row `row` (new/old) counted under its holder's type and test (none: holder gone). */
const countDevice = (row: 'old' | 'new', delta: 1 | -1) =>
  `INSERT INTO platform_counts (identified, is_test, platform, n)
     SELECT identified, is_test, ${row}.platform, ${delta} FROM profiles WHERE id = ${row}.profile_id
     ${ON_PLATFORM}`

/** All devices of the profile `row` moved in or out of its (type, test) counts. */
const countDevicesOf = (row: 'old' | 'new', sign: '' | '-') =>
  `INSERT INTO platform_counts (identified, is_test, platform, n)
     SELECT ${row}.identified, ${row}.is_test, platform, ${sign}count(*) FROM devices
     WHERE profile_id = ${row}.id GROUP BY platform
     ${ON_PLATFORM}`

const countExcluded = (row: 'old' | 'new', delta: 1 | -1) =>
  `INSERT INTO excluded_counts (identified, is_test, n)
     SELECT ${row}.identified, ${row}.is_test, ${delta} WHERE ${row}.cg_excluded = 1
     ON CONFLICT (identified, is_test) DO UPDATE SET n = n + excluded.n;`

/**
 * Dropped for a bulk load and recounted after it (recountAudienceCounts). A deleted profile's devices go
 * by ON DELETE CASCADE after its row is gone, so their delete trigger finds no holder and counts nothing:
 * the profile's BEFORE DELETE trigger takes them out of the counts instead.
 */
export const AUDIENCE_COUNT_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'platform_counts_ai',
    sql: `CREATE TRIGGER platform_counts_ai AFTER INSERT ON devices BEGIN ${countDevice('new', 1)} END`,
  },
  {
    name: 'platform_counts_ad',
    sql: `CREATE TRIGGER platform_counts_ad AFTER DELETE ON devices BEGIN ${countDevice('old', -1)} END`,
  },
  {
    name: 'platform_counts_au',
    sql: `CREATE TRIGGER platform_counts_au AFTER UPDATE OF platform, profile_id ON devices
      WHEN old.platform IS NOT new.platform OR old.profile_id IS NOT new.profile_id
      BEGIN ${countDevice('old', -1)} ${countDevice('new', 1)} END`,
  },
  {
    name: 'platform_counts_pu',
    sql: `CREATE TRIGGER platform_counts_pu AFTER UPDATE OF identified, is_test ON profiles
      WHEN old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test
      BEGIN ${countDevicesOf('old', '-')} ${countDevicesOf('new', '')} END`,
  },
  {
    name: 'platform_counts_pd',
    sql: `CREATE TRIGGER platform_counts_pd BEFORE DELETE ON profiles BEGIN ${countDevicesOf('old', '-')} END`,
  },
  {
    name: 'excluded_counts_ai',
    sql: `CREATE TRIGGER excluded_counts_ai AFTER INSERT ON profiles WHEN new.cg_excluded = 1
      BEGIN ${countExcluded('new', 1)} END`,
  },
  {
    name: 'excluded_counts_ad',
    sql: `CREATE TRIGGER excluded_counts_ad AFTER DELETE ON profiles WHEN old.cg_excluded = 1
      BEGIN ${countExcluded('old', -1)} END`,
  },
  {
    name: 'excluded_counts_au',
    sql: `CREATE TRIGGER excluded_counts_au AFTER UPDATE OF cg_excluded, identified, is_test ON profiles
      WHEN (old.cg_excluded = 1 OR new.cg_excluded = 1) AND (old.cg_excluded IS NOT new.cg_excluded
        OR old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test)
      BEGIN ${countExcluded('old', -1)} ${countExcluded('new', 1)} END`,
  },
]

/** Sets both tables from profiles and devices (after a bulk load, or the migration). */
export function recountAudienceCounts(db: Db): void {
  db.exec(`DELETE FROM platform_counts;
    INSERT INTO platform_counts (identified, is_test, platform, n)
      SELECT p.identified, p.is_test, d.platform, count(*) FROM devices d JOIN profiles p ON p.id = d.profile_id
      GROUP BY 1, 2, 3;
    DELETE FROM excluded_counts;
    INSERT INTO excluded_counts (identified, is_test, n)
      SELECT identified, is_test, count(*) FROM profiles WHERE cg_excluded = 1 GROUP BY 1, 2;`)
}

/**
 * The overview's activity per day reads runs of the last 30 days by start time: without these it read
 * every import run and every sync run ever recorded (one row per run, but an auto-sync adds many a day).
 */
export const ACTIVITY_INDEXES_SQL = `
  CREATE INDEX IF NOT EXISTS overview_import_runs ON import_runs(started_at) WHERE mode = 'import';
  CREATE INDEX IF NOT EXISTS overview_sync_runs ON sync_runs(started_at, kind);
`

export function addAudienceCounts(db: Db): void {
  for (const name of PLATFORM_TRIGGERS_V30) db.exec(`DROP TRIGGER IF EXISTS ${name}`)
  db.exec(AUDIENCE_COUNTS_SQL)
  recountAudienceCounts(db)
  for (const trigger of AUDIENCE_COUNT_TRIGGERS) db.exec(trigger.sql)
  db.exec(ACTIVITY_INDEXES_SQL)
}
