// A file whose every identity appears twice, far apart (two exports of the same people, one after the
// other): the rows of each identity are merged and written once, at its last line. What waits for that
// line is kept on disk (file-keys.ts), not in the worker's heap; held in memory, 100,000 waiting rows
// ran the import worker out of its heap ("Worker terminated due to reaching memory limit").
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateProfiles } from '../../test-support/generate-profiles'
import { openImportHarness } from '../../test-support/import-harness'

const ROWS = 100_000
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-repeated-'))
  const once = join(dir, 'once.csv')
  await generateProfiles(ROWS, 5, once)
  const text = readFileSync(once, 'utf8')
  const body = text.slice(text.indexOf('\n') + 1)
  file = join(dir, 'twice.csv')
  writeFileSync(file, text + (body.endsWith('\n') ? body : `${body}\n`))
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('imports a file whose every identity repeats far apart, in the worker, each profile once', async () => {
  process.env.PROFILE_DESK_IMPORT_THREADING = 'worker'
  const h = openImportHarness({ dataDir: join(dir, 'data') })
  try {
    const { event, summary } = await h.run('imports.start', { file: h.grant(file) })
    expect(event.status).toBe('succeeded')
    const counts = summary.counts as { rows: number; new: number; duplicates: number; rejected: number }
    expect(counts.rows).toBe(2 * ROWS)
    expect(counts.new).toBeGreaterThan(ROWS * 0.95)
    // Every accepted identity's second row is reported as a repeat of its first.
    expect(counts.duplicates).toBe(counts.new)
    expect(h.count('profiles')).toBe(counts.new)
    // One profile record per profile, and one token record per device token the file's push_token
    // column gave (each profile's token once, though its row came twice).
    const kinds = h.rows<{ kind: string; n: number }>('SELECT kind, count(*) AS n FROM outbox GROUP BY kind')
    const tokens = h.rows<{ n: number }>('SELECT count(*) AS n FROM devices WHERE push_token IS NOT NULL')
    expect(tokens[0]!.n).toBeGreaterThan(ROWS * 0.5)
    expect(kinds).toEqual([
      { kind: 'profile', n: counts.new },
      { kind: 'token', n: tokens[0]!.n },
    ])
  } finally {
    await h.close()
    delete process.env.PROFILE_DESK_IMPORT_THREADING
  }
}, 240_000)
