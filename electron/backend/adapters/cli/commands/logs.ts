// `profile-desk log-level [LEVEL]`: prints the log files' level, or sets it (error, warn, info, debug);
// the same setting as Settings › Logs.
import type { Command } from 'commander'
import { LOG_LEVELS, type LogLevel } from '../../../../../shared/ipc/app-info'
import { AppError } from '../../../../../shared/ipc/envelope'
import { EXIT_OK } from '../exit-codes'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'

interface LogLevelOptions {
  json?: boolean
  dataDir?: string
}

export function registerLogCommands(program: Command, deps: CommandDeps): void {
  program
    .command('log-level [level]')
    .description(`show or set how much goes into the log files (${LOG_LEVELS.join(', ')})`)
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (level: string | undefined, opts: LogLevelOptions) => {
      const isLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value)
      if (level !== undefined && !isLevel(level)) {
        throw new AppError(
          'validation',
          `The log level must be one of ${LOG_LEVELS.join(', ')}, not "${level}".`,
        )
      }
      const result = await withBackend(opts.dataDir, deps.io, async (backend) => {
        const info = await backend.call('app.info', {})
        const current =
          level === undefined ? info.logLevel : (await backend.call('app.logLevel.set', { level })).level
        return { level: current, logsDir: info.logsDir }
      })
      deps.io.stdout(opts.json ? json(result) : `Log level: ${result.level} (files in ${result.logsDir})\n`)
      deps.setExit(EXIT_OK)
    })
}
