// Profiles per (type, test, date of birth and zone | explicit age | unknown), kept by triggers like
// reach_counts, so the overview's age histogram reads tens of thousands of rows instead of three scans.
// Ages change with the calendar, so the table keeps birth dates, not ages: the overview turns them into
// ages with the shared function when it reads them.
import type { SqlObject } from '../db/bulk-load'
import type { Db } from '../db/connection'

/** kind 0: a date of birth (dob, zone); 1: only an explicit Age (age); 2: neither. Unused columns are 0/''. */
export const AGE_COUNTS_SQL = `
  CREATE TABLE age_counts (
    identified INTEGER NOT NULL, is_test INTEGER NOT NULL, kind INTEGER NOT NULL,
    dob INTEGER NOT NULL, zone TEXT NOT NULL, age INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (identified, is_test, kind, dob, zone, age)
  ) STRICT, WITHOUT ROWID;
`

/** The key columns of a profile row (`r` is new, old or a table alias); DOB wins over Age, as on the page. */
const keyOf = (r: string) =>
  `${r}.identified, ${r}.is_test,
   CASE WHEN ${r}.dob IS NOT NULL THEN 0 WHEN ${r}.age IS NOT NULL THEN 1 ELSE 2 END,
   coalesce(${r}.dob, 0),
   CASE WHEN ${r}.dob IS NOT NULL THEN coalesce(${r}.timezone, '') ELSE '' END,
   CASE WHEN ${r}.dob IS NULL THEN coalesce(${r}.age, 0) ELSE 0 END`

const count = (row: 'old' | 'new', delta: 1 | -1) =>
  `INSERT INTO age_counts (identified, is_test, kind, dob, zone, age, n) SELECT ${keyOf(row)}, ${delta}
     ON CONFLICT (identified, is_test, kind, dob, zone, age) DO UPDATE SET n = n + ${delta};`

/** Dropped for a bulk load (recountAges rebuilds the table at its end). */
export const AGE_COUNT_TRIGGERS: readonly SqlObject[] = [
  {
    name: 'age_counts_ai',
    sql: `CREATE TRIGGER age_counts_ai AFTER INSERT ON profiles BEGIN ${count('new', 1)} END`,
  },
  {
    name: 'age_counts_ad',
    sql: `CREATE TRIGGER age_counts_ad AFTER DELETE ON profiles BEGIN ${count('old', -1)} END`,
  },
  {
    name: 'age_counts_au',
    sql: `CREATE TRIGGER age_counts_au AFTER UPDATE OF dob, timezone, age, identified, is_test ON profiles
      WHEN old.dob IS NOT new.dob OR old.timezone IS NOT new.timezone OR old.age IS NOT new.age
        OR old.identified IS NOT new.identified OR old.is_test IS NOT new.is_test
      BEGIN ${count('old', -1)} ${count('new', 1)} END`,
  },
]

/** Sets age_counts from the profiles table (after a bulk load, or the migration). */
export function recountAges(db: Db): void {
  db.exec(`DELETE FROM age_counts;
    INSERT INTO age_counts (identified, is_test, kind, dob, zone, age, n)
      SELECT ${keyOf('p')}, count(*) FROM profiles p GROUP BY 1, 2, 3, 4, 5, 6;`)
}
