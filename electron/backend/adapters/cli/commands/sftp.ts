// `profile-desk sftp add|list|test|run|remove`: SFTP sources from the command line. `add` tests the
// connection before saving (without --trust it prints the server's fingerprint to check, and saves
// nothing); `run` prints each file's outcome and exits non-zero when a file or the run failed. Secrets come
// from files, never from the command line (where other users and the shell history would see them).
import { Command, InvalidArgumentError } from 'commander'
import {
  AFTER_ACTIONS,
  parseScheduleText,
  type AfterAction,
  type Schedule,
  type SftpRunInfo,
} from '../../../../../shared/ipc/channels/sftp'
import { AppError } from '../../../../../shared/ipc/envelope'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import type { CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'
import { port } from '../options'
import { secretsFromFiles, sourceByName } from './sftp-shared'
import { registerSftpTestCommand } from './sftp-test'

interface AddOptions {
  host: string
  port: number
  user: string
  passwordFile?: string
  keyFile?: string
  passphraseFile?: string
  folder: string
  pattern: string
  manifest?: boolean
  events?: boolean
  mapping?: string
  after: AfterAction
  schedule: Schedule
  trust?: string
  test: boolean
  json?: boolean
  dataDir?: string
}

function schedule(raw: string): Schedule {
  const parsed = parseScheduleText(raw)
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message)
  return parsed.schedule
}

function after(raw: string): AfterAction {
  const value = raw.trim().toLowerCase()
  const found = AFTER_ACTIONS.find((a) => a === value)
  if (!found) throw new InvalidArgumentError(`--after must be one of ${AFTER_ACTIONS.join(', ')}.`)
  return found
}

async function add(name: string, options: AddOptions, deps: CommandDeps): Promise<number> {
  const { io } = deps
  if (options.passwordFile === undefined && options.keyFile === undefined) {
    throw new AppError('validation', 'Give either --password-file or --key-file.')
  }
  const secrets = secretsFromFiles(options) ?? {}
  const source = {
    name,
    host: options.host,
    port: options.port,
    username: options.user,
    auth: options.passwordFile !== undefined ? ('password' as const) : ('key' as const),
    hostKey: options.trust ?? null,
    folder: options.folder,
    pattern: options.pattern,
    completion: options.manifest ? ('manifest' as const) : ('stable' as const),
    kind: options.events ? ('events' as const) : ('profiles' as const),
    mappingName: options.mapping ?? null,
    after: options.after,
    schedule: options.schedule,
  }
  return withBackend(options.dataDir, deps.io, async (backend) => {
    if (options.trust === undefined || options.test) {
      const result = await backend.call('sftp.sources.test', { source, secrets })
      if (result.outcome === 'untrusted') {
        io.stderr(
          `The server ${options.host}:${options.port} presented the ${result.keyType ?? ''} host key\n  ${result.fingerprint}\n` +
            'Check it with the server’s administrator (ssh-keygen -lf on the server’s host key), then run the same\n' +
            `command with --trust ${result.fingerprint}\nNothing was saved.\n`,
        )
        return EXIT_ERROR
      }
      if (!result.ok) {
        io.stderr(
          `error: ${result.message}\nNothing was saved${result.outcome === 'host_key_mismatch' ? '' : ' (--no-test saves without testing)'}.\n`,
        )
        return EXIT_ERROR
      }
      io.stderr(`${result.message}\n`)
    }
    const saved = await backend.call('sftp.sources.save', { source, secrets })
    io.stdout(
      options.json
        ? `${JSON.stringify(saved, null, 2)}\n`
        : `Saved SFTP source "${saved.name}" (${saved.scheduleText}${saved.nextRunAt ? `; next run ${localTime(saved.nextRunAt)}` : ''}).\n`,
    )
    return EXIT_OK
  })
}

/** `2026-06-16 02:00` in this computer's local time, the time schedules are written in. */
function localTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

function describeLastRun(run: SftpRunInfo | null): string {
  if (!run) return 'never run'
  return `${run.status} (${localTime(run.startedAt)})`
}

async function list(options: { json?: boolean; dataDir?: string }, deps: CommandDeps): Promise<number> {
  return withBackend(options.dataDir, deps.io, async (backend) => {
    const { items } = await backend.call('sftp.sources.list', {})
    if (options.json) {
      deps.io.stdout(`${JSON.stringify(items, null, 2)}\n`)
      return EXIT_OK
    }
    if (items.length === 0) {
      deps.io.stdout('No SFTP sources yet. Add one with `profile-desk sftp add`.\n')
      return EXIT_OK
    }
    const lines = items.flatMap((s) => [
      `${s.name}: ${s.username}@${s.host}:${s.port} ${s.folder} (${s.pattern}, ${s.completion === 'manifest' ? 'when its .manifest arrives' : 'when its size is stable'}, ${s.kind})`,
      `  schedule: ${s.scheduleCli}${s.nextRunAt ? `, next ${localTime(s.nextRunAt)}` : ''}; after import: ${s.after}; last run: ${describeLastRun(s.lastRun)}`,
      `  host key: ${s.hostKey ?? 'not trusted yet'}`,
    ])
    deps.io.stdout(`${lines.join('\n')}\n`)
    return EXIT_OK
  })
}

function fileLine(file: SftpRunInfo['files'][number], errorFile: string | null): string {
  const counts = file.counts
  const parts: string[] = []
  if (counts) {
    parts.push(
      'new' in counts
        ? `${counts.rows} rows: ${counts.new} new, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.rejected} rejected`
        : `${counts.rows} rows: ${counts.imported} imported, ${counts.unchanged} already there, ${counts.rejected} rejected`,
    )
  }
  if (errorFile) parts.push(`rejected rows: ${errorFile}`)
  if (file.error) parts.push(file.error)
  if (file.after === 'moved') parts.push('moved to processed/')
  if (file.after === 'deleted') parts.push('deleted from the server')
  if (file.afterError) parts.push(file.afterError)
  return `  ${file.status.padEnd(8)}  ${file.name}${parts.length ? `: ${parts.join('; ')}` : ''}`
}

async function run(
  name: string,
  options: { json?: boolean; dataDir?: string },
  deps: CommandDeps,
): Promise<number> {
  const { io } = deps
  return withBackend(options.dataDir, deps.io, async (backend) => {
    const source = await sourceByName(backend, name)
    const watch = watchJob<'sftp.run'>(
      backend,
      io,
      (event) => `${event.phase}${event.total === null ? '' : ` ${event.done}/${event.total}`}`,
      1000,
    )
    let runId: number
    try {
      const handle = await backend.call('sftp.sources.run', { id: source.id })
      runId = handle.runId
      await watch.finished(handle.jobId)
    } finally {
      watch.stop()
    }
    const info = await backend.call('sftp.runs.get', { runId })
    if (options.json) io.stdout(`${JSON.stringify(info, null, 2)}\n`)
    else {
      const seconds =
        info.finishedAt === null ? '' : ` in ${((info.finishedAt - info.startedAt) / 1000).toFixed(1)} s`
      const lines = [
        `Run #${info.id} of "${info.sourceName}": ${info.status}${seconds} (${info.found} ${info.found === 1 ? 'file' : 'files'} found, ` +
          `${info.imported} imported, ${info.skipped} already imported, ${info.failed} failed).`,
      ]
      if (info.error) lines.push(`  ${info.error}`)
      for (const file of info.files) {
        let errorFile: string | null = null
        if (file.importRunId !== null && file.rejectedRows > 0) {
          const { summary } = await backend.call('imports.run', { runId: file.importRunId })
          errorFile = summary?.errorFile?.path ?? null
        }
        lines.push(fileLine(file, errorFile))
      }
      for (const waiting of info.waiting)
        lines.push(`  waiting   ${waiting}: not complete yet; left for a later run`)
      io.stdout(`${lines.join('\n')}\n`)
    }
    if (info.status === 'cancelled') return watch.interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
    return info.status === 'succeeded' ? EXIT_OK : EXIT_ERROR
  })
}

async function remove(name: string, options: { dataDir?: string }, deps: CommandDeps): Promise<number> {
  return withBackend(options.dataDir, deps.io, async (backend) => {
    const source = await sourceByName(backend, name)
    await backend.call('sftp.sources.delete', { id: source.id })
    deps.io.stdout(`Removed SFTP source "${source.name}" and its stored secrets; its run history is kept.\n`)
    return EXIT_OK
  })
}

export function registerSftpCommands(program: Command, deps: CommandDeps): void {
  const sftp = program.command('sftp').description('SFTP import sources: scheduled, unattended CSV imports')
  sftp
    .command('add')
    .description('add a source (the connection is tested first; nothing is saved when it fails)')
    .argument('<name>', 'a name for the source')
    .requiredOption('--host <host>', 'the SFTP server')
    .option('--port <port>', 'its port', port, 22)
    .requiredOption('--user <user>', 'the user name')
    .option('--password-file <file>', 'a file holding the password')
    .option('--key-file <file>', 'a private key file (OpenSSH or PEM)')
    .option('--passphrase-file <file>', 'a file holding the private key’s passphrase')
    .requiredOption('--folder <folder>', 'the remote folder, e.g. /in')
    .option('--pattern <glob>', 'which files, e.g. "*.csv"', '*.csv')
    .option(
      '--manifest',
      'take a CSV only once its CleverTap .manifest has arrived, and map its columns by it',
    )
    .option('--events', 'the files hold events (default: profiles)')
    .option('--mapping <name>', 'a saved CSV mapping to use (default: proposed from the headers)')
    .option(
      '--after <action>',
      'after import: leave, move (to processed/) or delete',
      after,
      'leave' as AfterAction,
    )
    .option(
      '--schedule <when>',
      '"manual", "every 6h", "daily 02:00" or "weekly mon 02:00" (local time)',
      schedule,
      {
        kind: 'manual',
      } as Schedule,
    )
    .option('--trust <fingerprint>', 'the server’s host key, SHA256:… as ssh-keygen -lf prints it')
    .option('--no-test', 'save without testing the connection (needs --trust)')
    .option('--json', 'print the saved source as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (name: string, opts: AddOptions) => deps.setExit(await add(name, opts, deps)))
  sftp
    .command('list')
    .description('list the sources with their schedule, next run and last run')
    .option('--json', 'print them as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (opts: { json?: boolean; dataDir?: string }) => deps.setExit(await list(opts, deps)))
  registerSftpTestCommand(sftp, deps)
  sftp
    .command('run')
    .description('run a source now and print what happened to each file (exit 1 when a file failed)')
    .argument('<name>', 'the source')
    .option('--json', 'print the run as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (name: string, opts: { json?: boolean; dataDir?: string }) =>
      deps.setExit(await run(name, opts, deps)),
    )
  sftp
    .command('remove')
    .description('remove a source and its stored secrets (its history stays)')
    .argument('<name>', 'the source')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (name: string, opts: { dataDir?: string }) => deps.setExit(await remove(name, opts, deps)))
}
