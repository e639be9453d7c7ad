// The trigram index catch-up of an import (index-upkeep.ts) sizes its chunks to the run's aim for a
// batch's lock, as the batches are, instead of always 4,000 ids (each followed by the run's gap).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { catchUpTextIndex, TEXT_CHUNK_ROWS } from '../../electron/backend/core/imports/index-upkeep'
import { WriteGap } from '../../electron/backend/core/imports/import-checkpoints'
import {
  closeTextIndexRanges,
  openTextIndexRange,
} from '../../electron/backend/core/imports/text-index-catchup'
import { generateProfiles } from '../../test-support/generate-profiles'
import { openImportHarness } from '../../test-support/import-harness'

const ROWS = 12_000
let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-text-pacing-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(ROWS, 7, file)
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Ids each catch-up chunk covered, with the chunks aiming at `aimMs` of lock. */
async function chunksAiming(aimMs: number): Promise<number[]> {
  const h = openImportHarness({ dataDir: join(dir, `data-${aimMs}`) })
  try {
    const db = h.backend.context.db
    // The profiles wait for the trigram index, as a large import's do.
    openTextIndexRange(db)
    const { jobId } = await h.call('imports.start', { file: h.grant(file) })
    expect((await h.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
    closeTextIndexRanges(db)
    const hooks = {
      signal: new AbortController().signal,
      progress: () => undefined,
      changed: () => undefined,
      now: () => Date.now(),
    }
    const done: number[] = []
    catchUpTextIndex(db, (n) => done.push(n), { gap: new WriteGap(hooks, 0), aimMs })
    expect(done.at(-1)).toBeGreaterThan(ROWS * 0.95)
    expect(h.rows('SELECT count(*) AS n FROM fts_pending')).toEqual([{ n: 0 }])
    return done.map((n, i) => n - (done[i - 1] ?? 0))
  } finally {
    await h.close()
  }
}

it('makes larger chunks when 4,000 ids hold the lock well under the aim, and smaller ones when over it', async () => {
  const long = await chunksAiming(60_000)
  expect(long[0]).toBe(TEXT_CHUNK_ROWS)
  expect(long[1]).toBeGreaterThan(TEXT_CHUNK_ROWS)
  const short = await chunksAiming(0.001)
  expect(short[0]).toBe(TEXT_CHUNK_ROWS)
  expect(short[1]).toBeLessThan(TEXT_CHUNK_ROWS)
  expect(short.length).toBeGreaterThan(long.length)
}, 120_000)
