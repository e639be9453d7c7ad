// What the per-row upkeep triggers would have kept for the profiles one import batch creates, kept
// set-wise at the batch's end instead (devices/upkeep-gates.ts): reachability codes, profile, age,
// exclusion, reach and platform counts, shared phones and tokens. A few grouped statements per batch
// rather than about ten trigger statements per row (measured: the triggers were most of an insert).
import type { Db } from '../db/connection'
import { reachExpression } from '../devices/schema'
import { upkeepGatesInPlace } from '../devices/upkeep-gates'
import { prepared } from '../profiles/statements'

/**
 * The upkeep the triggers skip for profiles with id >= first (run inside the batch's transaction). Each
 * reads only the batch's rows: by rowid range, or devices_profile (the `+` keeps the planner off the
 * phone and token indexes, which it would walk whole: a cost that grew with the table).
 */
export const UPKEEP_STATEMENTS: readonly string[] = [
  `UPDATE profiles SET reach = ${reachExpression('profiles')} WHERE id >= @first`,
  `UPDATE profile_counts SET n = profile_counts.n + c.k FROM (
     SELECT identified, is_test, name_key IS NOT NULL AS named, count(*) AS k FROM profiles
     WHERE id >= @first GROUP BY 1, 2, 3) c
   WHERE profile_counts.identified = c.identified AND profile_counts.is_test = c.is_test
     AND profile_counts.named = c.named`,
  `INSERT INTO age_counts (identified, is_test, kind, dob, zone, age, n)
     SELECT identified, is_test,
       CASE WHEN dob IS NOT NULL THEN 0 WHEN age IS NOT NULL THEN 1 ELSE 2 END,
       coalesce(dob, 0),
       CASE WHEN dob IS NOT NULL THEN coalesce(timezone, '') ELSE '' END,
       CASE WHEN dob IS NULL THEN coalesce(age, 0) ELSE 0 END, count(*)
     FROM profiles WHERE id >= @first GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (identified, is_test, kind, dob, zone, age) DO UPDATE SET n = n + excluded.n`,
  `INSERT INTO excluded_counts (identified, is_test, n)
     SELECT identified, is_test, count(*) FROM profiles WHERE id >= @first AND cg_excluded = 1 GROUP BY 1, 2
     ON CONFLICT (identified, is_test) DO UPDATE SET n = n + excluded.n`,
  `INSERT INTO reach_counts (identified, is_test, reach, n)
     SELECT identified, is_test, reach, count(*) FROM profiles WHERE id >= @first AND reach IS NOT NULL
     GROUP BY 1, 2, 3
     ON CONFLICT (identified, is_test, reach) DO UPDATE SET n = n + excluded.n`,
  `INSERT INTO platform_counts (identified, is_test, platform, n)
     SELECT p.identified, p.is_test, d.platform, count(*) FROM devices d JOIN profiles p ON p.id = d.profile_id
     WHERE d.profile_id >= @first GROUP BY 1, 2, 3
     ON CONFLICT (identified, is_test, platform) DO UPDATE SET n = n + excluded.n`,
  `INSERT INTO shared_phones (phone_key)
     SELECT DISTINCT phone_key FROM profiles n WHERE id >= @first AND +phone_key IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM shared_phones s WHERE s.phone_key = n.phone_key)
       AND (SELECT count(*) FROM (SELECT 1 FROM profiles p WHERE p.phone_key = n.phone_key LIMIT 2)) > 1`,
  `INSERT INTO shared_tokens (token_hash)
     SELECT DISTINCT token_hash FROM devices n WHERE profile_id >= @first AND +token_hash IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM shared_tokens s WHERE s.token_hash = n.token_hash)
       AND (SELECT count(DISTINCT profile_id) FROM devices d WHERE d.token_hash = n.token_hash) > 1`,
]

/** Per run: whether this database's triggers are gated (else every row keeps its upkeep by trigger). */
export function canDeferUpkeep(db: Db): boolean {
  return upkeepGatesInPlace(db)
}

/**
 * Inside the batch's transaction, before its first new profile: the profiles it creates from now on
 * (ids above every stored one) skip the gated triggers. Returns the first such id.
 */
export function deferUpkeep(db: Db): number {
  const first = (
    prepared(db, 'SELECT coalesce(max(id), 0) + 1 AS first FROM profiles').get() as { first: number }
  ).first
  prepared(db, 'INSERT INTO deferred_upkeep (first_id) VALUES (?)').run(first)
  return first
}

/** Inside the same transaction, after its last write: the skipped upkeep, set-wise; the gate closes. */
export function finishUpkeep(db: Db, first: number): void {
  // The gate stays open meanwhile: the reach UPDATE's own trigger (reach_counts_au) skips these rows too.
  for (const sql of UPKEEP_STATEMENTS) prepared(db, sql).run({ first })
  prepared(db, 'DELETE FROM deferred_upkeep').run()
}
