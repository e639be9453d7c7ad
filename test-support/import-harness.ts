// Test harness for imports: a real backend on a real SQLite file in a temp dir, files written beside it
// (outside the data folder, as a person's files are), handles granted for them as Electron's main process
// does after its file dialog, and helpers that run a dry run or an import as the wizard would.
import { afterEach, beforeAll, beforeEach } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RequestOf } from '../shared/ipc/contract'
import type { ImportSummary } from '../shared/ipc/channels/imports'
import type { JobFinishedEvent } from '../shared/ipc/events'
import { openBackendHarness, type BackendHarness } from './backend'
import { START } from './store-harness'

export interface ImportHarness extends BackendHarness {
  /** Where `file` writes: a temp folder of its own, outside the data folder. */
  filesDir: string
  /** Writes a file into the files folder and returns its path. */
  file(name: string, content: string | Buffer): string
  /** The handle of a file, granted as main grants a file chosen in the native dialog. */
  grant(path: string): string
  /** Starts imports.validate or imports.start and waits for the job; returns the finished event. */
  run(channel: 'imports.validate' | 'imports.start', request: RequestOf<'imports.start'>): Promise<Finished>
}

export interface Finished {
  event: JobFinishedEvent
  summary: ImportSummary
  runId: number
}

/** The clock an import harness's backend reads (the store harness's start). */
export { START }

export function openImportHarness(options: { dataDir?: string; actor?: string } = {}): ImportHarness {
  const filesDir = mkdtempSync(join(tmpdir(), 'profile-desk-files-'))
  const base = openBackendHarness({
    prefix: 'profile-desk-import-',
    clock: () => START,
    actor: options.actor ?? 'importer',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  })
  const { backend } = base
  return {
    ...base,
    filesDir,
    file(name, content) {
      const path = join(filesDir, name)
      writeFileSync(path, content)
      return path
    },
    grant: (path) => backend.grantFile(path, 'dialog').handle,
    async run(channel, request) {
      const { jobId, runId } = await backend.call(channel, request)
      const event = await base.finished(jobId)
      const { summary } = await backend.call('imports.run', { runId })
      if (!summary) throw new Error(`run ${runId} has no summary: ${JSON.stringify(event)}`)
      return { event, summary, runId }
    },
    async close() {
      await base.close()
      rmSync(filesDir, { recursive: true, force: true })
    },
  }
}

/**
 * The set-up most import tests share: imports run in the test's thread, and each test gets a fresh
 * harness, closed after it. `use` receives each new harness (e.g. `(opened) => (h = opened)`).
 */
export function eachTestImportHarness(use: (harness: ImportHarness) => void): void {
  let current: ImportHarness | undefined
  beforeAll(() => {
    process.env.PROFILE_DESK_IMPORT_THREADING = 'in-thread'
  })
  beforeEach(() => {
    current = openImportHarness()
    use(current)
  })
  afterEach(async () => {
    await current?.close()
  })
}
