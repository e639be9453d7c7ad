// `profile-desk about [--json]`: what the About page shows — the version, the data folder, the database's
// size, where the logs are, the runtime's versions, and what the last run left unfinished.
import type { Command } from 'commander'
import { EXIT_OK } from '../exit-codes'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'

interface AboutOptions {
  json?: boolean
  dataDir?: string
}

export function registerAboutCommand(program: Command, deps: CommandDeps): void {
  program
    .command('about')
    .description('the version, data folder, database size, logs folder and runtime versions')
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (opts: AboutOptions) => {
      const info = await withBackend(opts.dataDir, deps.io, (backend) => backend.call('app.info', {}))
      if (opts.json) deps.io.stdout(json(info))
      else {
        const lines = [
          `Profile Desk ${info.version}`,
          `Data folder: ${info.dataDir}`,
          `Database: ${info.databaseBytes} bytes, ${info.profileCount} profiles`,
          `Logs: ${info.logsDir} (level ${info.logLevel})`,
          ...Object.entries(info.runtime).map(([name, version]) => `${name}: ${version}`),
          ...info.interrupted.map((notice) => `Interrupted: ${notice}`),
        ]
        deps.io.stdout(`${lines.join('\n')}\n`)
      }
      deps.setExit(EXIT_OK)
    })
}
