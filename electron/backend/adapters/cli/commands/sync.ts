// `profile-desk sync push|pull|status|query`: runs a push or pull as a job with progress on stderr and a
// summary on stdout, prints the sync status, or shows and saves what a pull downloads. Credentials come
// from the settings, or for this run only from --base-url/--region, --account and --passcode-file (a
// remote other than the saved one needs --passcode-file). Exit 0 only when everything went through.
import { readSecretFile } from '../secret-file'
import type { Command } from 'commander'
import type { ConnectionOverride, PullQuery, RemoteSpec } from '../../../../../shared/ipc/channels/sync'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { JobFinishedEvent } from '../../../../../shared/ipc/events'
import { isRegion } from '../../../../../shared/sync/remote-constants'
import type { Backend } from '../../ipc/create-backend'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { describePull, describePush, describeStatus } from '../format/sync'
import type { CliIo, CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'
import {
  applyQueryFlags,
  collect,
  FIELD_FLAG_HELP,
  hasQueryFlags,
  type QueryFlags,
} from '../pull-query-flags'

export interface SyncCliOptions extends QueryFlags {
  dataDir?: string
  baseUrl?: string
  region?: string
  account?: string
  passcodeFile?: string
  json?: boolean
}

export function connectionFromOptions(options: SyncCliOptions): ConnectionOverride | undefined {
  if (options.baseUrl !== undefined && options.region !== undefined) {
    throw new AppError('validation', 'Give --base-url or --region, not both.')
  }
  let remote: RemoteSpec | undefined
  if (options.region !== undefined) {
    if (!isRegion(options.region)) {
      throw new AppError(
        'validation',
        `--region must be one of eu1, in1, sg1, us1, aps3, mec1 (got "${options.region}").`,
      )
    }
    remote = { kind: 'region', region: options.region }
  } else if (options.baseUrl !== undefined) {
    remote = { kind: 'url', baseUrl: options.baseUrl }
  }
  const override: ConnectionOverride = {
    ...(remote ? { remote } : {}),
    ...(options.account !== undefined ? { accountId: options.account } : {}),
    ...(options.passcodeFile !== undefined
      ? { passcode: readSecretFile('--passcode-file', options.passcodeFile) }
      : {}),
  }
  return Object.keys(override).length > 0 ? override : undefined
}

async function runJob(
  backend: Backend,
  io: CliIo,
  kind: 'push' | 'pull',
  connection: ConnectionOverride | undefined,
  query: PullQuery | undefined,
): Promise<{ finished: JobFinishedEvent<'sync.push' | 'sync.pull'>; interrupted: boolean }> {
  const watch = watchJob<'sync.push' | 'sync.pull'>(
    backend,
    io,
    (event) => `${event.phase} ${event.done}${event.total === null ? '' : `/${event.total}`}`,
    1000,
  )
  try {
    const request = { ...(connection ? { connection } : {}) }
    const handle =
      kind === 'push'
        ? await backend.call('sync.push', request)
        : await backend.call('sync.pull', { ...request, ...(query ? { query } : {}) })
    const finished = await watch.finished(handle.jobId)
    return { finished, interrupted: watch.interrupted }
  } finally {
    watch.stop()
  }
}

/** `sync query`: prints what a pull downloads; with flags, saves the changed query first. */
async function runQueryCommand(backend: Backend, io: CliIo, options: SyncCliOptions): Promise<number> {
  let view = await backend.call('sync.settings.get', {})
  if (hasQueryFlags(options)) {
    view = await backend.call('sync.settings.set', { pullQuery: applyQueryFlags(view.pullQuery, options) })
  }
  io.stdout(
    options.json
      ? `${JSON.stringify({ pullQuery: view.pullQuery, pullCoverage: view.pullCoverage }, null, 2)}\n`
      : `A pull downloads: ${view.pullCoverage}\n`,
  )
  return EXIT_OK
}

export async function runSyncCommand(
  action: 'push' | 'pull' | 'status' | 'query',
  options: SyncCliOptions,
  io: CliIo,
): Promise<number> {
  const connection = action === 'status' || action === 'query' ? undefined : connectionFromOptions(options)
  return withBackend(options.dataDir, io, async (backend) => {
    if (action === 'query') return await runQueryCommand(backend, io, options)
    if (action === 'status') {
      const status = await backend.call('sync.status', {})
      const errors = await backend.call('sync.errors.list', { limit: 20 })
      const conflicts = await backend.call('sync.conflicts.list', { limit: 20 })
      const { pullCoverage } = await backend.call('sync.settings.get', {})
      if (options.json) {
        io.stdout(`${JSON.stringify({ status, errors, conflicts, pullCoverage }, null, 2)}\n`)
        return EXIT_OK
      }
      const lines = [describeStatus(status), `  a pull downloads: ${pullCoverage}`]
      for (const item of errors.items) {
        lines.push(
          `  refused: ${item.profileLabel ?? item.profileId} (${item.kind} ${item.fields.join(', ')}): ${item.code} ${item.message}`,
        )
      }
      for (const item of conflicts.items) {
        lines.push(
          `  conflict: ${item.profileLabel ?? item.profileId} ${item.field}: here ${JSON.stringify(item.mine)}, server ${JSON.stringify(item.theirs)}`,
        )
      }
      io.stdout(`${lines.join('\n')}\n`)
      return EXIT_OK
    }
    // Query flags on a pull apply to this run only, on top of the saved query.
    const query =
      action === 'pull' && hasQueryFlags(options)
        ? applyQueryFlags((await backend.call('sync.settings.get', {})).pullQuery, options)
        : undefined
    const { finished, interrupted } = await runJob(backend, io, action, connection, query)
    if (finished.status === 'cancelled') {
      io.stderr(
        `error: the ${action} was cancelled; what was sent stays sent, the rest waits for the next push\n`,
      )
      return interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
    }
    if (finished.status === 'failed') {
      io.stderr(`error: ${finished.error?.message ?? `the ${action} failed`}\n`)
      if (finished.error?.code === 'unauthorized') {
        io.stderr(
          'hint: check the account id and passcode (sync settings, or --account and --passcode-file)\n',
        )
      }
      return EXIT_ERROR
    }
    // A job that succeeded always carries its summary (shared/jobs/job-kinds.ts).
    const summary = finished.summary
    if (options.json) io.stdout(`${JSON.stringify(summary ?? {}, null, 2)}\n`)
    else if (summary)
      io.stdout(`${summary.kind === 'push' ? describePush(summary) : describePull(summary)}\n`)
    return summary?.status === 'succeeded' ? EXIT_OK : EXIT_ERROR
  })
}

/** Registers `profile-desk sync …` on the program. */
export function registerSyncCommands(program: Command, deps: CommandDeps): void {
  const { io, setExit, dataDirOption, dataDirHelp } = deps
  const run = (action: 'push' | 'pull' | 'status' | 'query') => async (opts: SyncCliOptions) =>
    setExit(await runSyncCommand(action, opts, io))
  const sync = program
    .command('sync')
    .description('sync with the remote profile API (CleverTap or the sandbox)')
  const connectionOptions = (command: Command): Command =>
    command
      .option(
        '--base-url <url>',
        'the API base for this run, e.g. http://127.0.0.1:8080 (default: the settings)',
      )
      .option('--region <region>', 'a CleverTap region for this run: eu1, in1, sg1, us1, aps3, mec1')
      .option('--account <id>', 'the account id for this run')
      .option(
        '--passcode-file <file>',
        'a file holding the passcode for this run (never pass it on the command line); needed for a ' +
          'remote or account other than the saved one',
      )
      .option('--json', 'print the summary as JSON')
      .option(dataDirOption, dataDirHelp)
  const queryOptions = (command: Command): Command =>
    command
      .option('--event <name>', 'the event the downloaded profiles did, e.g. "Charged"')
      .option('--from <date>', 'the first day, YYYY-MM-DD')
      .option('--to <date>', 'the last day, YYYY-MM-DD')
      .option('--field <filter>', FIELD_FLAG_HELP, collect)
  connectionOptions(sync.command('push').description('upload the changes waiting in the outbox')).action(
    run('push'),
  )
  queryOptions(
    connectionOptions(
      sync
        .command('pull')
        .description(
          'download profiles from the server into the local cache (query flags: this run only; ' +
            'see `sync query` for the saved query)',
        ),
    ),
  ).action(run('pull'))
  sync
    .command('status')
    .description('show changes waiting, refused changes, conflicts and the last sync')
    .option('--json', 'print the status as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(run('status'))
  queryOptions(
    sync
      .command('query')
      .description('show what a pull downloads; with options, change and save it')
      .option('--default-event', 'back to the default event (App Launched on CleverTap)')
      .option('--earliest', 'no first day: from the earliest date')
      .option('--today', 'no last day: up to the day of the pull')
      .option('--clear-fields', 'no profile-field filters')
      .option('--reset', 'back to the default query')
      .option('--json', 'print the query as JSON')
      .option(dataDirOption, dataDirHelp),
  ).action(run('query'))
}
