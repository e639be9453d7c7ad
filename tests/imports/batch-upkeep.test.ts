// An import batch keeps the derived data of the profiles it creates set-wise at its end, instead of the
// per-row triggers (imports/batch-upkeep.ts, devices' version 35 gates): after a fresh import and an
// import that mixes new and changed profiles, every kept count, every reachability code and the shared
// phones and tokens equal a recount from the tables; the triggers still keep them for every other write.
import { describe, expect, it } from 'vitest'
import { reachExpression, recountReach } from '../../electron/backend/core/devices/schema'
import { recountAudienceCounts } from '../../electron/backend/core/devices/audience-counts'
import { recountAges } from '../../electron/backend/core/devices/age-counts'
import { recountSharedValues } from '../../electron/backend/core/devices/shared-values'
import { UPKEEP_GATES, upkeepGatesInPlace } from '../../electron/backend/core/devices/upkeep-gates'
import { recountProfileCounts } from '../../electron/backend/core/profiles/schema'
import { UPKEEP_STATEMENTS } from '../../electron/backend/core/imports/batch-upkeep'
import { eachTestImportHarness, type ImportHarness } from '../../test-support/import-harness'

let h: ImportHarness
eachTestImportHarness((opened) => (h = opened))

const KEPT: Record<string, string> = {
  profile_counts: 'SELECT * FROM profile_counts WHERE n <> 0 ORDER BY 1, 2, 3',
  reach_counts: 'SELECT * FROM reach_counts WHERE n <> 0 ORDER BY 1, 2, 3',
  platform_counts: 'SELECT * FROM platform_counts WHERE n <> 0 ORDER BY 1, 2, 3',
  excluded_counts: 'SELECT * FROM excluded_counts WHERE n <> 0 ORDER BY 1, 2',
  age_counts: 'SELECT * FROM age_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6',
  shared_phones: 'SELECT * FROM shared_phones ORDER BY 1',
  shared_tokens: 'SELECT * FROM shared_tokens ORDER BY 1',
}

function readKept(): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(KEPT).map(([table, sql]) => [table, h.rows(sql)]))
}

/** Every kept table as it is, and as a recount from profiles and devices makes it (rolled back). */
function keptAndRecounted(): { kept: Record<string, unknown[]>; recounted: Record<string, unknown[]> } {
  const db = h.backend.context.db
  const kept = readKept()
  db.exec('BEGIN')
  try {
    recountProfileCounts(db)
    recountReach(db)
    recountAudienceCounts(db)
    recountAges(db)
    recountSharedValues(db)
    return { kept, recounted: readKept() }
  } finally {
    db.exec('ROLLBACK')
  }
}

/** Profiles whose stored codes differ from the shared rules over their row and devices now. */
const staleCodes = () =>
  h.rows(`SELECT object_id, reach FROM profiles WHERE reach IS NOT ${reachExpression('profiles')}`)

async function importFile(name: string, content: string) {
  const path = h.file(name, content)
  const { summary } = await h.run('imports.start', { file: h.grant(path), kind: 'profiles' })
  expect(summary.status).toBe('succeeded')
  return summary
}

const HEADER = 'identity,Name,Email,Phone,DOB,MSG-email,MSG-sms,push_token,platform'

describe('the set-wise upkeep of an import batch', () => {
  it('has every upkeep trigger gated on the deferred_upkeep table after the migrations', () => {
    expect(upkeepGatesInPlace(h.backend.context.db)).toBe(true)
    const gated = h.rows<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%deferred_upkeep%' ORDER BY name",
    )
    expect(gated.map((t) => t.name)).toEqual([...UPKEEP_GATES.keys()].sort())
    // Outside an import batch the gate table is always empty.
    expect(h.count('deferred_upkeep')).toBe(0)
  })

  it("reads only the batch's rows: no statement walks a table or an index whole", () => {
    // A walk of profiles_phone_key or devices_token (phone_key > NULL) made every batch slower than the
    // last as the table grew.
    const db = h.backend.context.db
    for (const sql of UPKEEP_STATEMENTS) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ first: 1 }) as { detail: string }[]).map(
        (r) => r.detail,
      )
      expect(
        plan.filter(
          (line) =>
            /^SCAN (profiles|devices|n|d|p)\b|\(\w+>\?\)/.test(line) && !/rowid>\?|profile_id>\?/.test(line),
        ),
        sql,
      ).toEqual([])
      expect(
        plan.some((line) => /rowid>\?|profile_id>\?/.test(line)),
        sql,
      ).toBe(true)
    }
  })

  it('leaves counts, codes and shared values equal to a recount after a fresh and a mixed import', async () => {
    // Shared phones and tokens within the file, a repeated identity, rows without DOB, phone or token.
    const fresh = [
      HEADER,
      'u1,Ada,ada@example.com,+4915112345678,1990-01-02,true,true,tok-1,Android',
      'u2,Bob,bob@example.com,+4915112345678,1985-05-06,false,true,tok-1,iOS',
      'u3,Cy,,,,,,tok-3,Web',
      'u4,Di,di@example.com,+4915187654321,,true,,,',
      'u1,Ada,ada@example.com,+4915112345678,1990-01-02,false,true,tok-1b,Android',
      ...Array.from(
        { length: 300 },
        (_, i) =>
          `v${i},P ${i},p${i}@example.org,,19${50 + (i % 40)}-03-04,true,false,t${i % 150},${i % 2 ? 'iOS' : 'Android'}`,
      ),
    ].join('\n')
    await importFile('fresh.csv', fresh)
    expect(h.count('profiles')).toBe(304)
    const first = keptAndRecounted()
    expect(first.kept).toEqual(first.recounted)
    expect(first.kept.shared_tokens?.length).toBeGreaterThan(100)
    expect(first.kept.shared_phones).toHaveLength(1)
    expect(staleCodes()).toEqual([])

    // New profiles beside changed ones (their triggers fire): a phone now shared with an old profile, a
    // DOB and opt-in changed, a token taken by a new profile.
    const mixed = [
      HEADER,
      'u4,Di,di@example.com,+4915187654321,2001-02-03,false,true,tok-4,iOS',
      'w1,New,new1@example.com,+4915187654321,1970-07-07,true,true,tok-3,Android',
      'u3,Cy,cy@example.com,,,true,,tok-3,Web',
      'w2,Newer,,+4915100000000,,,,t7,Web',
    ].join('\n')
    await importFile('mixed.csv', mixed)
    expect(h.count('profiles')).toBe(306)
    const second = keptAndRecounted()
    expect(second.kept).toEqual(second.recounted)
    expect(second.kept.shared_phones).toHaveLength(2)
    expect(staleCodes()).toEqual([])
    expect(h.count('deferred_upkeep')).toBe(0)
  })
})
