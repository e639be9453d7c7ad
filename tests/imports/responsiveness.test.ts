// The backend keeps answering while an import runs: searches issued during the import are answered
// between its batches (on the backend's own thread) or at once (with the import in its worker thread).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateProfiles } from '../../test-support/generate-profiles'
import { openImportHarness } from '../../test-support/import-harness'

let dir: string
let file: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profile-desk-responsive-'))
  file = join(dir, 'profiles.csv')
  await generateProfiles(15_000, 11, file)
}, 60_000)
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  delete process.env.PROFILE_DESK_IMPORT_THREADING
})

describe.each(['in-thread', 'worker'] as const)('with the import %s', (threading) => {
  it('answers profiles.search while the import runs', async () => {
    process.env.PROFILE_DESK_IMPORT_THREADING = threading
    const h = openImportHarness({ dataDir: join(dir, threading) })
    try {
      await h.call('profiles.create', { identifiers: [{ kind: 'identity', value: 'already-here' }] })
      const { jobId } = await h.call('imports.start', { file: h.grant(file) })
      let running = true
      void h.backend.context.jobs.wait(jobId).then(() => (running = false))
      const latencies: number[] = []
      while (running) {
        const started = performance.now()
        const found = await h.call('profiles.search', { query: 'already-here', limit: 5 })
        if (running) latencies.push(performance.now() - started)
        expect(found.items[0]?.identity).toBe('already-here')
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(latencies.length).toBeGreaterThan(3)
      // Generous for a shared test machine: the point is that no search waits for the whole import.
      expect(Math.max(...latencies)).toBeLessThan(2_000)
      expect((await h.backend.context.jobs.wait(jobId)).status).toBe('succeeded')
    } finally {
      await h.close()
    }
  }, 120_000)
})
