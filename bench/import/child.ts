// One import from the TypeScript sources, for the write-path comparison only: a backend on --data-dir in
// this process and the file imported with the batch writer (imports.start, as the app does) or with the
// store's path, one ProfileChange per row (--writer store), which no channel reaches (it runs on the
// backend's thread: test-support/profile-row-writer.ts cannot be sent to the import worker). Prints one JSON
// line: status, error, wall time (start to job.finished) and the summary's counts.
// Run: node --import tsx bench/import/child.ts --data-dir DIR --file CSV [--writer batch|store]
import { parseArgs } from 'node:util'
import type { ImportSummary } from '../../shared/ipc/channels/imports'
import type { JobFinishedEvent } from '../../shared/ipc/events'
import { createBackend } from '../../electron/backend/adapters/ipc/create-backend'
import { silentLogger } from '../../electron/backend/core/platform/logger'
import { ImportService } from '../../electron/backend/core/imports/import-service'
import { writePath } from '../../test-support/profile-row-writer'

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    file: { type: 'string' },
    writer: { type: 'string', default: 'batch' },
  },
})
const dataDir = values['data-dir']
const file = values.file
if (!dataDir || !file) throw new Error('--data-dir and --file are required')
if (values.writer !== 'batch' && values.writer !== 'store') throw new Error('--writer is batch or store')

const backend = createBackend({ dataDir, host: 'web', logger: silentLogger })
const finished = new Promise<JobFinishedEvent>((resolve) => {
  backend.on('job.finished', (event) => resolve(event))
})
const started = performance.now()
const request = { path: file, kind: 'profiles' as const, mapping: 'auto' as const, encoding: 'auto' as const }
const { runId } =
  values.writer === 'store'
    ? await new ImportService(backend.context, writePath('store')).start(request, 'import')
    : await backend.startImport(request, 'import')
const event = await finished
const wallMs = performance.now() - started
const { summary } = (await backend.call('imports.run', { runId })) as { summary: ImportSummary | null }
await backend.close()
process.stdout.write(
  `${JSON.stringify({ status: event.status, error: event.error ?? null, wallMs, counts: summary?.counts ?? null })}\n`,
)
