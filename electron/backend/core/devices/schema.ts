// The devices feature's SQL: the reachability codes kept by triggers that call the shared rules
// (shared/reachability/rules.ts, registered as the SQL function reach_codes on every connection), the
// token index, and what a bulk load defers and rebuilds.
import type { DeferredStructures, SqlObject } from '../db/bulk-load'
import type { Db } from '../db/connection'
import { PROFILE_BULK_STRUCTURES } from '../profiles/schema'
import { AGE_COUNT_TRIGGERS, recountAges } from './age-counts'
import { AUDIENCE_COUNT_TRIGGERS, recountAudienceCounts } from './audience-counts'
import { recountSharedValues, SHARED_VALUE_TRIGGERS } from './shared-values'
import { withUpkeepGates } from './upkeep-gates'
import {
  CHANNELS,
  parsePlatform,
  reachCodes,
  TOKEN_STATES,
  type DeviceFacts,
  type TokenState,
} from '../../../../shared/reachability/rules'

/** Bits per channel in the packed profiles.reach column (five 3-bit codes, CHANNELS order). */
export const REACH_BITS = 3

/** The packed code for the five channels (what profiles.reach stores; reach_<channel> unpack it). */
export function packCodes(codes: readonly number[]): number {
  return codes.reduce((packed, code, i) => packed | (code << (REACH_BITS * i)), 0)
}

export function unpackCodes(packed: number): number[] {
  return CHANNELS.map((_c, i) => (packed >> (REACH_BITS * i)) & 7)
}

/** A device as the SQL aggregate hands it to reach_codes: "platform|hasToken|state" joined with ';'. */
const DEVICE_AGGREGATE = `group_concat(platform || '|' || (push_token IS NOT NULL) || '|' || token_state, ';')`

function readDevices(text: string | null): DeviceFacts[] {
  if (text === null || text === '') return []
  return text.split(';').map((part) => {
    const [platform, hasToken, state] = part.split('|')
    return {
      platform: parsePlatform(platform) ?? 'Other',
      hasToken: hasToken === '1',
      tokenState: (TOKEN_STATES as readonly string[]).includes(state ?? '') ? (state as TokenState) : 'valid',
    }
  })
}

const flag = (value: unknown): boolean | null =>
  value === null || value === undefined ? null : value === 1 || value === true

/**
 * Registers reach_codes(email, phone, msg_email, msg_push, msg_sms, msg_whatsapp, dnd_email, dnd_sms,
 * dnd_whatsapp, devices) on a connection: the shared rules function, so SQL never restates a rule.
 */
export function registerDeviceFunctions(db: Db): void {
  db.function(
    'reach_codes',
    { deterministic: true, varargs: false },
    (email, phone, msgEmail, msgPush, msgSms, msgWhatsapp, dndEmail, dndSms, dndWhatsapp, devices) =>
      packCodes(
        reachCodes({
          email: typeof email === 'string' ? email : null,
          phone: typeof phone === 'string' ? phone : null,
          msgEmail: flag(msgEmail),
          msgPush: flag(msgPush),
          msgSms: flag(msgSms),
          msgWhatsapp: flag(msgWhatsapp),
          dndEmail: flag(dndEmail) === true,
          dndSms: flag(dndSms) === true,
          dndWhatsapp: flag(dndWhatsapp) === true,
          devices: readDevices(typeof devices === 'string' ? devices : null),
        }),
      ),
  )
}

/** SQL for the packed codes of the profile row `alias` (its devices read through devices_profile). */
export function reachExpression(alias: string): string {
  const dnd = (key: string) => `json_extract(${alias}.system_extra, '$."${key}"')`
  return `reach_codes(${alias}.email, ${alias}.phone, ${alias}.msg_email, ${alias}.msg_push, ${alias}.msg_sms,
    ${alias}.msg_whatsapp, ${dnd('MSG-dndEmail')}, ${dnd('MSG-dndSMS')}, ${dnd('MSG-dndWhatsApp')},
    (SELECT ${DEVICE_AGGREGATE} FROM devices WHERE profile_id = ${alias}.id))`
}

const refreshProfile = (idSql: string) =>
  `UPDATE profiles SET reach = ${reachExpression('profiles')} WHERE id = ${idSql};`

const INSERT_TRIGGER: SqlObject = {
  name: 'profiles_reach_ai',
  sql: `CREATE TRIGGER profiles_reach_ai AFTER INSERT ON profiles BEGIN ${refreshProfile('new.id')} END`,
}

// A profile with no codes yet is a new row of a bulk load (its insert trigger is dropped for the load):
// it gets its codes in one pass at the end, so its device rows need not refresh it one by one.
const hasCodes = (idSql: string) =>
  `EXISTS (SELECT 1 FROM profiles WHERE id = ${idSql} AND reach IS NOT NULL)`

/**
 * Keep profiles.reach current: a profile's addresses, opt-ins or DND change, or one of its devices does.
 * Only the insert trigger is dropped for a bulk load; the others stay live (they fire on existing rows).
 */
export const REACH_TRIGGERS: readonly SqlObject[] = [
  INSERT_TRIGGER,
  {
    name: 'profiles_reach_au',
    sql: `CREATE TRIGGER profiles_reach_au
      AFTER UPDATE OF email, phone, msg_email, msg_push, msg_sms, msg_whatsapp, system_extra ON profiles
      BEGIN ${refreshProfile('new.id')} END`,
  },
  {
    name: 'devices_reach_ai',
    sql: `CREATE TRIGGER devices_reach_ai AFTER INSERT ON devices WHEN ${hasCodes('new.profile_id')}
      BEGIN ${refreshProfile('new.profile_id')} END`,
  },
  {
    name: 'devices_reach_au',
    sql: `CREATE TRIGGER devices_reach_au
      AFTER UPDATE OF profile_id, platform, push_token, token_state ON devices
      BEGIN ${refreshProfile('new.profile_id')} ${refreshProfile('old.profile_id')} END`,
  },
  {
    name: 'devices_reach_ad',
    sql: `CREATE TRIGGER devices_reach_ad AFTER DELETE ON devices BEGIN ${refreshProfile('old.profile_id')} END`,
  },
]

/**
 * Counts the overview reads instead of scanning a million rows (like profile_counts): profiles per
 * (type, test, packed codes), and (version 30's shape, replaced by version 34) devices per platform.
 */
export const COUNT_TABLES_SQL = `
  CREATE TABLE reach_counts (
    identified INTEGER NOT NULL, is_test INTEGER NOT NULL, reach INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (identified, is_test, reach)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE platform_counts (platform TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
`

const countReach = (row: 'old' | 'new', delta: '+ 1' | '- 1') =>
  `INSERT INTO reach_counts (identified, is_test, reach, n)
     SELECT ${row}.identified, ${row}.is_test, ${row}.reach, ${delta === '+ 1' ? 1 : -1} WHERE ${row}.reach IS NOT NULL
     ON CONFLICT (identified, is_test, reach) DO UPDATE SET n = n ${delta};`

/** reach_counts' triggers (its inserts come from profiles_reach_ai's update, which sets reach). */
export const REACH_COUNT_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'reach_counts_au',
    sql: `CREATE TRIGGER reach_counts_au AFTER UPDATE OF reach, identified, is_test ON profiles
      WHEN old.reach IS NOT new.reach OR old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test
      BEGIN ${countReach('old', '- 1')} ${countReach('new', '+ 1')} END`,
  },
  {
    name: 'reach_counts_ad',
    sql: `CREATE TRIGGER reach_counts_ad AFTER DELETE ON profiles BEGIN ${countReach('old', '- 1')} END`,
  },
]

const countPlatformV30 = (row: 'old' | 'new', delta: '+ 1' | '- 1') =>
  `INSERT INTO platform_counts (platform, n) VALUES (${row}.platform, ${delta === '+ 1' ? 1 : -1})
     ON CONFLICT (platform) DO UPDATE SET n = n ${delta};`

/** Version 30's devices per platform (no type/test split); replaced by version 34 (audience-counts.ts). */
export const PLATFORM_COUNT_TRIGGERS_V30: readonly SqlObject[] = [
  {
    name: 'platform_counts_ai',
    sql: `CREATE TRIGGER platform_counts_ai AFTER INSERT ON devices BEGIN ${countPlatformV30('new', '+ 1')} END`,
  },
  {
    name: 'platform_counts_ad',
    sql: `CREATE TRIGGER platform_counts_ad AFTER DELETE ON devices BEGIN ${countPlatformV30('old', '- 1')} END`,
  },
  {
    name: 'platform_counts_au',
    sql: `CREATE TRIGGER platform_counts_au AFTER UPDATE OF platform ON devices WHEN old.platform IS NOT new.platform
      BEGIN ${countPlatformV30('old', '- 1')} ${countPlatformV30('new', '+ 1')} END`,
  },
]

/** The live count triggers: reach_counts, and version 34's platform and exclusion counts. */
export const COUNT_TRIGGERS: readonly SqlObject[] = [...REACH_COUNT_TRIGGERS, ...AUDIENCE_COUNT_TRIGGERS]

/** reach_counts from profiles. */
export function recountReach(db: Db): void {
  db.exec(`DELETE FROM reach_counts;
    INSERT INTO reach_counts (identified, is_test, reach, n)
      SELECT identified, is_test, reach, count(*) FROM profiles WHERE reach IS NOT NULL GROUP BY 1, 2, 3;`)
}

/** Version 30's platform_counts from devices (its migration only). */
export function recountPlatformsV30(db: Db): void {
  db.exec(`DELETE FROM platform_counts;
    INSERT INTO platform_counts (platform, n) SELECT platform, count(*) FROM devices GROUP BY platform;`)
}

/** Sets every count table the overview reads from the tables themselves (after a bulk load). */
export function recountAudience(db: Db): void {
  recountReach(db)
  recountAudienceCounts(db)
}
/** The token index (Duplicate Platform ID groups): a 52-bit hash of the token, regrouped by the real token. */
export const DEVICE_INDEXES: readonly SqlObject[] = [
  {
    name: 'devices_token',
    sql: 'CREATE INDEX devices_token ON devices(token_hash, profile_id) WHERE token_hash IS NOT NULL',
  },
]

/** Codes for every profile that has none (new rows of a bulk load, or all rows after the migration). */
export function fillMissingReach(db: Db): number {
  return db.prepare(`UPDATE profiles SET reach = ${reachExpression('profiles')} WHERE reach IS NULL`).run()
    .changes
}

/**
 * The profile structures plus the devices feature's: the reach insert trigger is dropped for a bulk load
 * (new rows get codes afterwards in one pass) and the token index is built from the finished table.
 */
export const AUDIENCE_BULK_STRUCTURES: DeferredStructures = {
  indexes: [...PROFILE_BULK_STRUCTURES.indexes, ...DEVICE_INDEXES],
  textTriggers: PROFILE_BULK_STRUCTURES.textTriggers,
  // Made again with their gates (version 35): an import batch keeps these set-wise for its new profiles.
  otherTriggers: withUpkeepGates([
    ...PROFILE_BULK_STRUCTURES.otherTriggers,
    INSERT_TRIGGER,
    ...COUNT_TRIGGERS,
    ...AGE_COUNT_TRIGGERS,
    ...SHARED_VALUE_TRIGGERS,
  ]),
  rebuildDerived(db) {
    PROFILE_BULK_STRUCTURES.rebuildDerived(db)
    fillMissingReach(db)
    recountAudience(db)
    recountAges(db)
    recountSharedValues(db)
  },
}
