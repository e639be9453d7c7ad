// Version 34, Duplicate Platform ID: the token hashes and phone keys held by two or more profiles, kept by
// triggers, so the report's first page is a LIMIT over a few thousand keys whatever the share of
// duplicates. Walking the whole token or phone index to find 50 groups costs ~100-130 ms CPU at 1M
// profiles when almost none are shared (an account with no duplicates opens an empty report).
import type { SqlObject } from '../db/bulk-load'
import type { Db } from '../db/connection'

export const SHARED_VALUES_SQL = `
  CREATE TABLE shared_tokens (token_hash INTEGER PRIMARY KEY) STRICT;
  CREATE TABLE shared_phones (phone_key TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
`

// Each probe is one seek of devices_token (token_hash, profile_id) or profiles_phone_key.
// NOT EXISTS rather than INSERT OR IGNORE: an outer INSERT OR REPLACE (a device upsert) would override
// the trigger's OR IGNORE and fail on a key already kept.
const tokenShared = (hash: string) =>
  `INSERT INTO shared_tokens (token_hash) SELECT ${hash}
     WHERE NOT EXISTS (SELECT 1 FROM shared_tokens WHERE token_hash = ${hash})
       AND (SELECT count(DISTINCT profile_id) FROM devices WHERE token_hash = ${hash}) > 1;`
const tokenUnshared = (hash: string) =>
  `DELETE FROM shared_tokens WHERE token_hash = ${hash}
     AND (SELECT count(DISTINCT profile_id) FROM devices WHERE token_hash = ${hash}) < 2;`
const phoneShared = (key: string) =>
  `INSERT INTO shared_phones (phone_key) SELECT ${key}
     WHERE NOT EXISTS (SELECT 1 FROM shared_phones WHERE phone_key = ${key})
       AND (SELECT count(*) FROM (SELECT 1 FROM profiles WHERE phone_key = ${key} LIMIT 2)) > 1;`
const phoneUnshared = (key: string) =>
  `DELETE FROM shared_phones WHERE phone_key = ${key}
     AND (SELECT count(*) FROM (SELECT 1 FROM profiles WHERE phone_key = ${key} LIMIT 2)) < 2;`

/** Dropped for a bulk load; recountSharedValues rebuilds both tables at its end. */
export const SHARED_VALUE_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'shared_tokens_ai',
    sql: `CREATE TRIGGER shared_tokens_ai AFTER INSERT ON devices WHEN new.token_hash IS NOT NULL
      BEGIN ${tokenShared('new.token_hash')} END`,
  },
  {
    name: 'shared_tokens_ad',
    sql: `CREATE TRIGGER shared_tokens_ad AFTER DELETE ON devices WHEN old.token_hash IS NOT NULL
      BEGIN ${tokenUnshared('old.token_hash')} END`,
  },
  {
    name: 'shared_tokens_au',
    sql: `CREATE TRIGGER shared_tokens_au AFTER UPDATE OF token_hash, profile_id ON devices
      WHEN old.token_hash IS NOT new.token_hash OR old.profile_id IS NOT new.profile_id
      BEGIN ${tokenUnshared('old.token_hash')} ${tokenShared('new.token_hash')} END`,
  },
  {
    name: 'shared_phones_ai',
    sql: `CREATE TRIGGER shared_phones_ai AFTER INSERT ON profiles WHEN new.phone_key IS NOT NULL
      BEGIN ${phoneShared('new.phone_key')} END`,
  },
  {
    name: 'shared_phones_ad',
    sql: `CREATE TRIGGER shared_phones_ad AFTER DELETE ON profiles WHEN old.phone_key IS NOT NULL
      BEGIN ${phoneUnshared('old.phone_key')} END`,
  },
  {
    name: 'shared_phones_au',
    sql: `CREATE TRIGGER shared_phones_au AFTER UPDATE OF phone_key ON profiles
      WHEN old.phone_key IS NOT new.phone_key
      BEGIN ${phoneUnshared('old.phone_key')} ${phoneShared('new.phone_key')} END`,
  },
]

/** Both tables from devices and profiles (the migration, and the end of a bulk load). */
export function recountSharedValues(db: Db): void {
  db.exec(`DELETE FROM shared_tokens;
    INSERT INTO shared_tokens (token_hash) SELECT token_hash FROM devices WHERE token_hash IS NOT NULL
      GROUP BY token_hash HAVING count(DISTINCT profile_id) > 1;
    DELETE FROM shared_phones;
    INSERT INTO shared_phones (phone_key) SELECT phone_key FROM profiles WHERE phone_key IS NOT NULL
      GROUP BY phone_key HAVING count(*) > 1;`)
}

export function addSharedValues(db: Db): void {
  db.exec(SHARED_VALUES_SQL)
  recountSharedValues(db)
  for (const trigger of SHARED_VALUE_TRIGGERS) db.exec(trigger.sql)
}
