// A crash and a re-run give exactly the clean result (issue 11). The file moves emails between profiles:
// early rows give new people emails that existing profiles hold (rejected: an identifier belongs to one
// profile), later rows move those emails away. A re-run from the first row would let the early rows take
// the freed emails; resuming after the last committed batch does not. Identities that repeat across the
// kill point must keep their earlier rows' changes. The import runs in a CLI child process killed with
// SIGKILL once a chosen number of rows is committed; the data folder is compared with a clean import.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { checkIntact, committedRows, killMidImport, state } from './crash-support'
import { openImportHarness, type ImportHarness } from '../../test-support/import-harness'

/** Enough that the file is written in batches (index-upkeep.ts), not in one transaction. */
const EXISTING = 2_100
const ROWS = 30_000
/** Killed once at least this many rows of the file are committed: past the moves, well before the end. */
const KILL_AFTER = 3_000
let dir: string
let existingFile: string
let file: string

function csv(rows: string[][]): string {
  return `${['identity', 'Name', 'Email', 'customer_type'].join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-resume-'))
  existingFile = join(dir, 'existing.csv')
  writeFileSync(
    existingFile,
    csv(Array.from({ length: EXISTING }, (_, k) => [`ex${k}`, `Existing ${k}`, `ex${k}@old.test`, 'free'])),
  )
  const rows: string[][] = []
  // Lines 2–201: new people claim emails existing profiles hold (a clean import rejects these rows).
  for (let k = 0; k < 200; k++) rows.push([`nb${k}`, `Newcomer ${k}`, `ex${k}@old.test`, 'trial'])
  // Lines 202–301: the first rows of identities that repeat near the end of the file.
  for (let k = 0; k < 100; k++) rows.push([`rep${k}`, `Repeat ${k}`, `rep${k}@first.test`, 'premium'])
  for (let i = rows.length; i < 1_000; i++) rows.push([`u${i}`, `User ${i}`, `u${i}@new.test`, 'free'])
  // Lines ~1000–1200: the existing profiles move to new emails, freeing the old ones.
  for (let k = 0; k < 200; k++) rows.push([`ex${k}`, `Existing ${k}`, `ex${k}@moved.test`, 'premium'])
  for (let i = rows.length; i < ROWS - 100; i++) rows.push([`u${i}`, `User ${i}`, `u${i}@new.test`, 'free'])
  // The last rows of the repeated identities: a new email, the name and plan of their first rows kept.
  for (let k = 0; k < 100; k++) rows.push([`rep${k}`, '', `rep${k}@last.test`, ''])
  file = join(dir, 'moves.csv')
  writeFileSync(file, csv(rows))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function withExisting(dataDir: string): Promise<ImportHarness> {
  const h = openImportHarness({ dataDir })
  expect((await h.run('imports.start', { file: h.grant(existingFile) })).summary.status).toBe('succeeded')
  return h
}

it('an import killed with SIGKILL and run again resumes after its last batch and matches a clean import', async () => {
  const killedDir = join(dir, 'killed')
  const seeded = await withExisting(killedDir)
  await seeded.close()
  await killMidImport(file, killedDir, () => committedRows(killedDir) >= KILL_AFTER)

  const reopened = openImportHarness({ dataDir: killedDir })
  const clean = await withExisting(join(dir, 'clean'))
  try {
    const [interrupted] = (await reopened.call('imports.history', {})).items
    expect(interrupted).toMatchObject({ status: 'interrupted', fileName: 'moves.csv' })
    expect(interrupted?.error).toContain('it resumes after the last written batch')
    checkIntact(reopened)
    const done = interrupted?.rowsDone ?? 0
    expect(done).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(done).toBeLessThan(ROWS)
    // Its change set (core/changes) was left open by the killed process: the restart marked it interrupted.
    const changeSetOf = (runId: number | undefined) =>
      reopened.rows<{ change_set: number | null }>(
        'SELECT change_set FROM import_runs WHERE id = ?',
        runId,
      )[0]?.change_set ?? null
    const killedSet = changeSetOf(interrupted?.runId)
    expect(killedSet).not.toBeNull()
    expect(reopened.rows('SELECT state FROM change_sets WHERE id = ?', killedSet)).toEqual([
      { state: 'interrupted' },
    ])

    const again = await reopened.run('imports.start', { file: reopened.grant(file) })
    expect(again.summary.status).toBe('succeeded')
    expect(again.summary.notices.join('\n')).toContain(
      `This import resumed import #${interrupted?.runId} of moves.csv, which was interrupted`,
    )
    // The resumed run counts only the rows after the resume point.
    expect(again.summary.counts.rows).toBeLessThan(ROWS)
    // ...and joined the interrupted run's change set: the whole import is one change set, now done.
    expect(changeSetOf(again.runId)).toBe(killedSet)
    const [joined] = reopened.rows<{ state: string; detail: string }>(
      "SELECT state, detail FROM change_sets WHERE kind = 'import' AND id = ?",
      killedSet,
    )
    expect(joined?.state).toBe('done')
    expect(JSON.parse(joined?.detail ?? '{}')).toMatchObject({ runs: [interrupted?.runId, again.runId] })
    expect(
      reopened.rows(
        "SELECT count(*) AS n FROM audit a JOIN import_runs r ON r.change_set = a.change_set WHERE r.file_name = 'moves.csv' AND a.change_set <> ?",
        killedSet,
      ),
    ).toEqual([{ n: 0 }])
    const reference = await clean.run('imports.start', { file: clean.grant(file) })
    expect(reference.summary.counts).toMatchObject({ rows: ROWS, rejected: 200 })
    checkIntact(reopened)
    expect(state(reopened)).toEqual(state(clean))
    expect(reopened.count('profiles')).toBe(clean.count('profiles'))
    // The repeated identities kept their first rows' name and plan across the resume point.
    const rep = reopened.rows<{ name: string; email: string }>(
      "SELECT name, email FROM profiles WHERE identity = 'rep7'",
    )
    expect(rep).toEqual([{ name: 'Repeat 7', email: 'rep7@last.test' }])
    // The freed emails stayed free: the early rows that claimed them were rejected, not re-run.
    expect(reopened.rows("SELECT identity FROM profiles WHERE email = 'ex7@old.test'")).toEqual([])
    expect(reopened.rows("SELECT count(*) AS n FROM profiles WHERE identity LIKE 'nb%'")).toEqual([{ n: 0 }])
  } finally {
    await reopened.close()
    await clean.close()
  }
}, 600_000)
