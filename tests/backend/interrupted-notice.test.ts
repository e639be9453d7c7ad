// The start after a quit (or crash) during a job says what was interrupted and how to go on: an import
// resumes when the same file is imported again, a sync simply continues.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { openHarness } from '../../test-support/store-harness'

describe('the next start', () => {
  it('says which work a closed app left unfinished, once', async () => {
    const first = openHarness()
    // A process that has exited: its pid is not alive any more.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999
    first.backend.context.db
      .prepare(
        `INSERT INTO import_runs (kind, mode, file_path, file_name, file_bytes, actor, started_at, status, mapping, pid)
         VALUES ('profiles', 'import', '/tmp/p.csv', 'p.csv', 10, 'x', 1, 'running', '{}', ?)`,
      )
      .run(deadPid)
    first.backend.context.db
      .prepare(
        "INSERT INTO sync_runs (kind, trigger, status, started_at) VALUES ('push', 'auto', 'running', 1)",
      )
      .run()
    expect((await first.call('app.info', {})).interrupted).toEqual([])
    const dataDir = first.dataDir
    await first.backend.close()

    const second = openHarness({ dataDir })
    try {
      const { interrupted } = await second.call('app.info', {})
      expect(interrupted).toEqual([
        'An import was interrupted when Profile Desk last closed. What it wrote is kept; import the same file again to finish it.',
        'A sync was interrupted when Profile Desk last closed. It continues with the next sync, and nothing is sent twice.',
      ])
    } finally {
      await second.backend.close()
    }
    const third = openHarness({ dataDir })
    try {
      expect((await third.call('app.info', {})).interrupted).toEqual([])
    } finally {
      await third.close()
    }
  })
})
