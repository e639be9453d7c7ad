// `profile-desk seed --profiles N`: generated sample profiles and events, loaded as a job with progress
// on stderr and the summary on stdout.
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { json, type CliIo, type CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'
import { parseIntOption } from '../options'

interface SeedOptions {
  profiles: number
  json?: boolean
  dataDir?: string
}

async function seed(options: SeedOptions, io: CliIo): Promise<number> {
  return withBackend(options.dataDir, io, async (backend) => {
    const started = Date.now()
    const watch = watchJob<'sample.load'>(
      backend,
      io,
      (event) =>
        `loading sample data: ${event.phase} ${event.done}${event.total === null ? '' : `/${event.total}`}`,
      1000,
    )
    try {
      const handle = await backend.call('sample.load', { profiles: options.profiles })
      const finished = await watch.finished(handle.jobId)
      if (finished.status === 'cancelled') {
        io.stderr('error: loading sample data was cancelled\n')
        return watch.interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
      }
      if (finished.status === 'failed') {
        throw new AppError(
          finished.error?.code === 'validation' ? 'validation' : 'internal',
          finished.error?.message ?? 'Loading sample data failed.',
        )
      }
      const summary = finished.summary ?? {}
      if (options.json) {
        io.stdout(json(summary))
      } else {
        const parts = Object.entries(summary).map(
          ([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
        )
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        io.stdout(`Loaded sample data in ${seconds} s${parts.length ? ` (${parts.join(', ')})` : ''}.\n`)
      }
      return EXIT_OK
    } finally {
      watch.stop()
    }
  })
}

export function registerSampleCommands(program: Command, deps: CommandDeps): void {
  program
    .command('seed')
    .description('load generated sample profiles and events')
    .requiredOption('--profiles <n>', 'how many profiles', parseIntOption('--profiles', 1, 2_000_000))
    .option('--json', 'print the summary as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (opts: SeedOptions) => deps.setExit(await seed(opts, deps.io)))
}
