// `profile-desk import FILE`: a dry run or an import as a job, progress on stderr, the summary on stdout.
// The command line is trusted with paths: it starts the import directly, not through the channels,
// which take only handles of files chosen in the app.
import { resolve } from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { ImportJobKind } from '../../../../../shared/jobs/job-kinds'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { formatImportSummary, nothingImportable } from '../format/imports'
import { json, type CliIo, type CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'

interface ImportOptions {
  mapping: string
  dryRun?: boolean
  events?: boolean
  json?: boolean
  encoding: 'auto' | 'utf-8' | 'windows-1252'
  saveMapping?: string
  dataDir?: string
}

async function importFile(file: string, options: ImportOptions, io: CliIo): Promise<number> {
  return withBackend(options.dataDir, io, async (backend) => {
    const watch = watchJob<ImportJobKind>(
      backend,
      io,
      (event) => {
        const total = event.total === null ? '' : `/${event.total}`
        const unit = event.phase === 'reading' ? ' bytes' : ' rows'
        return `${options.dryRun ? 'checking' : 'importing'} ${file}: ${event.phase} ${event.done}${total}${unit}`
      },
      2000,
    )
    try {
      const request = {
        path: resolve(file),
        kind: options.events ? ('events' as const) : ('profiles' as const),
        mapping: options.mapping === 'auto' ? ('auto' as const) : { name: options.mapping },
        encoding: options.encoding,
      }
      const handle = options.dryRun
        ? await backend.startImport(request, 'dry-run')
        : await backend.startImport({ ...request, saveMappingAs: options.saveMapping }, 'import')
      const finished = await watch.finished(handle.jobId)
      const { summary } = await backend.call('imports.run', { runId: handle.runId })
      if (finished.status === 'failed' || !summary) {
        throw new AppError(
          finished.error?.code === 'validation' ? 'validation' : 'internal',
          finished.error?.message ?? summary?.error ?? 'The import failed.',
        )
      }
      io.stdout(options.json ? json(summary) : `${formatImportSummary(summary)}\n`)
      if (finished.status === 'cancelled') {
        // The summary's own notice says what was kept: the committed batches, or nothing (a bulk import).
        const said = summary.notices.find((n) => n.startsWith('The import was cancelled'))
        io.stderr(`error: ${said ?? 'The import was cancelled.'}\n`)
        return watch.interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
      }
      if (nothingImportable(summary)) {
        io.stderr(`error: nothing in ${file} could be imported (every row was rejected)\n`)
        return EXIT_ERROR
      }
      return EXIT_OK
    } finally {
      watch.stop()
    }
  })
}

function encoding(raw: string): ImportOptions['encoding'] {
  if (raw !== 'auto' && raw !== 'utf-8' && raw !== 'windows-1252') {
    throw new InvalidArgumentError('--encoding must be auto, utf-8 or windows-1252.')
  }
  return raw
}

export function registerImportCommand(program: Command, deps: CommandDeps): void {
  program
    .command('import')
    .description('import a CSV file of profiles (or events): validates every row, upserts by identity')
    .argument('<file>', 'the CSV file')
    .option('--mapping <name>', 'a saved mapping by name, or "auto" to propose one from the headers', 'auto')
    .option('--dry-run', 'validate every row and report what would happen; write nothing')
    .option('--events', 'the file holds events (device id / identity, event name, timestamp, properties)')
    .option('--encoding <encoding>', 'auto, utf-8 or windows-1252', encoding, 'auto')
    .option('--save-mapping <name>', 'save the mapping used under this name (imports only)')
    .option('--json', 'print the summary as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (file: string, opts: ImportOptions) => deps.setExit(await importFile(file, opts, deps.io)))
}
