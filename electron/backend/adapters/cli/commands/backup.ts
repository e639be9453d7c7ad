// `profile-desk backup [--out FILE]` and `profile-desk restore FILE [--yes]`: the Back up / Restore menu
// commands from the command line. A restore runs with no backend open and is refused while any other
// Profile Desk holds the data folder.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { restoreClosedFolder } from '../../../core/index'
import { resolveDataDir } from '../../data-dir'
import { EXIT_OK, EXIT_USAGE } from '../exit-codes'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'

interface BackupOptions {
  out?: string
  json?: boolean
  dataDir?: string
}

interface RestoreOptions {
  yes?: boolean
  json?: boolean
  dataDir?: string
}

export function registerBackupCommands(program: Command, deps: CommandDeps): void {
  const { io } = deps
  program
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
