// The `profile-desk` command line: serve, seed, search, event record, import (profile, control-groups and
// settings in profile-commands.ts; sync and sftp beside their domains). Every command
// takes --data-dir. Errors print `error: <message>` on stderr; exit 1, or 2 for invalid input.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, CommanderError, InvalidArgumentError } from 'commander'
import { AppError } from '../../../shared/ipc/envelope'
import { APP_VERSION } from '../version'
import { startWebHost } from '../hosts/web-host'
import {
  cliLogger,
  EXIT_ERROR,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  json,
  openBackend,
  parseIntOption,
  withBackend,
} from './cli-support'
import { formatRecordedEvent, formatSearch } from './format'
import { registerProfileCommands } from './profile-commands'
import { watchJob } from './job-watch'
import type { ImportJobKind } from '../../../shared/jobs/job-kinds'
import { formatImportSummary, nothingImportable } from '../imports/summary-text'
import { registerSyncCommands } from '../sync/cli-command'
import { registerSftpCommands } from '../imports/sftp/cli-command'

export { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './cli-support'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  env: Readonly<Record<string, string | undefined>>
  /** True when stderr is a terminal (progress then redraws one line). */
  stderrIsTTY: boolean
  /** Calls `onSignal` on SIGINT/SIGTERM until the returned function unsubscribes. */
  signals(onSignal: () => void): () => void
  /** The folder of the running cli.js (out/main when built). */
  moduleDir: string
}

/** The built renderer: out/renderer beside out/main; from source, the checkout's out/renderer. */
export function defaultRendererDir(moduleDir: string, cwd = process.cwd()): string {
  const beside = resolve(moduleDir, '../renderer')
  if (existsSync(join(beside, 'index.html'))) return beside
  const built = resolve(cwd, 'out/renderer')
  return existsSync(join(built, 'index.html')) ? built : beside
}

interface ServeOptions {
  port: number
  rendererDir?: string
  dataDir?: string
}

async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  // A long-lived host: SFTP sources run on their schedules (one-shot commands never start them).
  const backend = openBackend(options.dataDir, io, { sftp: { scheduler: true } })
  let host: Awaited<ReturnType<typeof startWebHost>>
  try {
    host = await startWebHost({
      backend,
      port: options.port,
      rendererDir: options.rendererDir ? resolve(options.rendererDir) : defaultRendererDir(io.moduleDir),
      logger: cliLogger(io),
    })
  } catch (error) {
    await backend.close()
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AppError(
        'conflict',
        `Port ${options.port} is already in use; choose another with --port (0 picks a free one).`,
      )
    }
    throw error
  }
  io.stdout(`Profile Desk is running at ${host.url}\n`)
  await new Promise<void>((done) => {
    const stop = io.signals(() => {
      stop()
      done()
    })
  })
  await host.close()
  await backend.close()
  return EXIT_OK
}

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

interface ImportOptions {
  mapping: string
  dryRun?: boolean
  events?: boolean
  json?: boolean
  encoding: 'auto' | 'utf-8' | 'windows-1252'
  saveMapping?: string
  dataDir?: string
}

/** import FILE: a dry run or an import as a job, progress on stderr, the summary on stdout. */
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
      // The command line is trusted with paths: it starts the import directly, not through the
      // channels, which take only handles of files chosen in the app.
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

function parseProps(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    throw new AppError('validation', `--props is not valid JSON: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('validation', '--props must be a JSON object, e.g. \'{"Amount": 12.5}\'.')
  }
  return value as Record<string, unknown>
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command()
  program
    .name('profile-desk')
    .description(
      'Profile Desk from the command line: serve the app in your browser, or script the profile store.',
    )
    .version(APP_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError(false)

  const dataDirOption = '--data-dir <dir>'
  const dataDirHelp = 'data folder (default: $PROFILE_DESK_DATA_DIR or your app data folder)'

  program
    .command('serve')
    .description('serve Profile Desk on 127.0.0.1 and print its address (with the access token)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parseIntOption('--port', 0, 65535), 0)
    .option('--renderer-dir <dir>', 'the built interface (default: out/renderer)')
    .option(dataDirOption, dataDirHelp)
    .action(async (opts: ServeOptions) => setExit(await serve(opts, io)))

  program
    .command('seed')
    .description('load generated sample profiles and events')
    .requiredOption('--profiles <n>', 'how many profiles', parseIntOption('--profiles', 1, 2_000_000))
    .option('--json', 'print the summary as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (opts: SeedOptions) => setExit(await seed(opts, io)))

  program
    .command('search')
    .description('find profiles by identity, email, phone, name or profile id')
    .argument('<query>', 'what to look for')
    .option('--json', 'print the result as JSON')
    .option('--limit <n>', 'at most this many results', parseIntOption('--limit', 1, 500), 20)
    .option(dataDirOption, dataDirHelp)
    .action(async (query: string, opts: { json?: boolean; limit: number; dataDir?: string }) => {
      const result = await withBackend(opts.dataDir, io, (b) =>
        b.call('profiles.search', { query, limit: opts.limit }),
      )
      io.stdout(opts.json ? json(result) : `${formatSearch(query, result)}\n`)
      setExit(EXIT_OK)
    })

  program
    .command('import')
    .description('import a CSV file of profiles (or events): validates every row, upserts by identity')
    .argument('<file>', 'the CSV file')
    .option('--mapping <name>', 'a saved mapping by name, or "auto" to propose one from the headers', 'auto')
    .option('--dry-run', 'validate every row and report what would happen; write nothing')
    .option('--events', 'the file holds events (device id / identity, event name, timestamp, properties)')
    .option(
      '--encoding <encoding>',
      'auto, utf-8 or windows-1252',
      (raw: string) => {
        if (raw !== 'auto' && raw !== 'utf-8' && raw !== 'windows-1252') {
          throw new InvalidArgumentError('--encoding must be auto, utf-8 or windows-1252.')
        }
        return raw
      },
      'auto',
    )
    .option('--save-mapping <name>', 'save the mapping used under this name (imports only)')
    .option('--json', 'print the summary as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (file: string, opts: ImportOptions) => setExit(await importFile(file, opts, io)))

  const event = program.command('event').description('events')
  event
    .command('record')
    .description('record an event for a device, applying the login rule when an identity is given')
    .requiredOption('--device <id>', 'the device id')
    .option('--identity <identity>', 'the identity the user logged in with')
    .requiredOption('--name <event>', 'the event name, e.g. "Product Viewed"')
    .option('--props <json>', 'event properties as a JSON object')
    .option(
      '--ts <epoch>',
      'when it happened, in seconds since the epoch',
      parseIntOption('--ts', 1, 32_503_680_000),
    )
    .option('--json', 'print the result as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      async (opts: {
        device: string
        identity?: string
        name: string
        props?: string
        ts?: number
        json?: boolean
        dataDir?: string
      }) => {
        const props = parseProps(opts.props)
        const result = await withBackend(opts.dataDir, io, (b) =>
          b.call('events.record', {
            deviceId: opts.device,
            name: opts.name,
            ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
            ...(props !== undefined ? { props } : {}),
            ...(opts.ts !== undefined ? { ts: opts.ts } : {}),
          }),
        )
        io.stdout(opts.json ? json(result) : `${formatRecordedEvent(opts.name, opts.identity, result)}\n`)
        setExit(EXIT_OK)
      },
    )

  registerSyncCommands(program, { io, logger: cliLogger(io), setExit, dataDirOption, dataDirHelp })

  registerProfileCommands(program, { io, setExit, dataDirOption, dataDirHelp })
  registerSftpCommands(program, { io, logger: cliLogger(io), setExit, dataDirOption, dataDirHelp })

  return program
}

/** Runs the command line; resolves with the exit code (never calls process.exit). */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK
  const program = buildProgram(io, (c) => (code = c))
  if (args.length === 0) {
    io.stderr(program.helpInformation())
    return EXIT_USAGE
  }
  try {
    await program.parseAsync([...args], { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its own `error: …` line (or the help / version text).
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)
        ? EXIT_OK
        : EXIT_USAGE
    }
    if (error instanceof AppError) {
      io.stderr(`error: ${error.message}\n`)
      return error.code === 'validation' ? EXIT_USAGE : EXIT_ERROR
    }
    io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`)
    return EXIT_ERROR
  }
}
