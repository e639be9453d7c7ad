// `profile-desk backup [--out FILE]`, `backup list`, `backup settings [--daily on|off] [--keep N]` and
// `profile-desk restore FILE [--yes]`: the Backups page and the Back up / Restore menu commands from the
// command line. A restore runs with no backend open and is refused while any other Profile Desk holds the
// data folder.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import type { BackupOverview } from '../../../../../shared/backup/types'
import { MAX_BACKUPS_KEPT } from '../../../../../shared/backup/types'
import { AppError } from '../../../../../shared/ipc/envelope'
import { restoreClosedFolder } from '../../../core/index'
import { resolveDataDir } from '../../data-dir'
import { EXIT_OK, EXIT_USAGE } from '../exit-codes'
import { parseIntOption } from '../options'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'

interface BackupOptions {
  out?: string
  json?: boolean
  dataDir?: string
}

interface ListOptions {
  json?: boolean
  dataDir?: string
}

interface SettingsOptions extends ListOptions {
  daily?: 'on' | 'off'
  keep?: number
}

function onOff(raw: string): 'on' | 'off' {
  if (raw !== 'on' && raw !== 'off') throw new InvalidArgumentError(`--daily takes on or off, not "${raw}".`)
  return raw
}

function describeBackups(overview: BackupOverview): string {
  const { settings } = overview
  const lines = [
    `Backups in ${overview.folder}: ${overview.backups.length}. ` +
      `Daily backup ${settings.auto ? 'on' : 'off'}, ${settings.keep} kept.`,
    ...overview.backups.map(
      (b) => `  ${b.name}  ${b.bytes} bytes  ${b.kind}  ${new Date(b.createdAt).toISOString()}`,
    ),
  ]
  if (overview.lastAutoProblem) lines.push(`The last daily backup was not made: ${overview.lastAutoProblem}`)
  return `${lines.join('\n')}\n`
}

interface RestoreOptions {
  yes?: boolean
  json?: boolean
  dataDir?: string
}

export function registerBackupCommands(program: Command, deps: CommandDeps): void {
  const { io } = deps
  const backup = program
    .command('backup')
    .description('make a verified copy of the database (default: the backups folder in the data folder)')
    .option('--out <file>', 'write the backup to this file (or into this folder)')
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (opts: BackupOptions) => {
      const made = await withBackend(opts.dataDir, io, (backend) => Promise.resolve(backend.backup(opts.out)))
      io.stdout(
        opts.json
          ? json(made)
          : `Backed up to ${made.path} (${made.bytes} bytes), checked with integrity_check.\n`,
      )
      deps.setExit(EXIT_OK)
    })

  backup
    .command('list')
    .description('list the backups in the data folder, and the daily backup setting (as the Backups page)')
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (_opts: ListOptions, command: Command) => {
      // The parent `backup` takes --json and --data-dir too: commander hands them to whichever saw them.
      const opts = command.optsWithGlobals<ListOptions>()
      const overview = await withBackend(opts.dataDir, io, (b) => b.call('backup.list', {}))
      io.stdout(opts.json ? json(overview) : describeBackups(overview))
      deps.setExit(EXIT_OK)
    })

  backup
    .command('settings')
    .description('show or change the daily backup (on or off) and how many daily backups are kept')
    .option('--daily <on|off>', 'make a backup once a day while the app runs', onOff)
    .option('--keep <n>', 'daily backups kept', parseIntOption('--keep', 1, MAX_BACKUPS_KEPT))
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (_opts: SettingsOptions, command: Command) => {
      const opts = command.optsWithGlobals<SettingsOptions>()
      const settings = await withBackend(opts.dataDir, io, async (b) =>
        opts.daily === undefined && opts.keep === undefined
          ? (await b.call('backup.list', {})).settings
          : b.call('backup.settings.update', {
              ...(opts.daily === undefined ? {} : { auto: opts.daily === 'on' }),
              ...(opts.keep === undefined ? {} : { keep: opts.keep }),
            }),
      )
      io.stdout(
        opts.json ? json(settings) : `Daily backup ${settings.auto ? 'on' : 'off'}, ${settings.keep} kept.\n`,
      )
      deps.setExit(EXIT_OK)
    })

  program
    .command('restore <file>')
    .description('replace the database with a backup (the current one is kept in the backups folder)')
    .option('--yes', 'confirm: the current database is replaced')
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (file: string, opts: RestoreOptions) => {
      const path = resolve(file)
      if (!existsSync(path)) throw new AppError('validation', `There is no file ${path}.`)
      const dataDir = resolveDataDir({ flag: opts.dataDir, env: io.env })
      if (!opts.yes) {
        io.stderr(
          `error: restoring replaces the database in ${dataDir} with ${path} (the current one is kept in its backups folder). Run again with --yes to do it.\n`,
        )
        deps.setExit(EXIT_USAGE)
        return
      }
      const restored = await restoreClosedFolder(dataDir, path)
      io.stdout(
        opts.json
          ? json(restored)
          : `Restored ${dataDir} from ${path}. The database it replaced is kept at ${restored.keptAside}. ` +
              `${restored.alreadySent} queued ${restored.alreadySent === 1 ? 'change was' : 'changes were'} already accepted by the server and will not be sent again; the next sync pulls first.\n`,
      )
      deps.setExit(EXIT_OK)
    })
}
