// The `profile-desk` command line: registers each feature's commands (commands/<feature>.ts) on one
// program and runs it. Every command takes --data-dir. Errors print `error: <message>` on stderr; exit 1,
// or 2 for invalid input (exit-codes.ts).
import { Command, CommanderError } from 'commander'
import { AppError } from '../../../../shared/ipc/envelope'
import { APP_VERSION } from '../../core/platform/index'
import { registerDeviceCommands } from './commands/devices'
import { registerBackupCommands } from './commands/backup'
import { registerBulkCommands } from './commands/bulk'
import { registerLogCommands } from './commands/logs'
import { registerAboutCommand } from './commands/about'
import { registerImportCommand } from './commands/imports'
import { registerEventCommands, registerProfileCommands, registerSearchCommand } from './commands/profiles'
import { registerSampleCommands } from './commands/sample'
import { registerSegmentCommands } from './commands/segments'
import { registerServeCommand } from './commands/serve'
import { registerSftpCommands } from './commands/sftp'
import { registerSyncCommands } from './commands/sync'
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './exit-codes'
import type { CliIo, CommandDeps } from './io'

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

  const deps: CommandDeps = {
    io,
    setExit,
    dataDirOption: '--data-dir <dir>',
    dataDirHelp: 'data folder (default: $PROFILE_DESK_DATA_DIR or your app data folder)',
  }
  // The order of `profile-desk --help`.
  registerServeCommand(program, deps)
  registerSampleCommands(program, deps)
  registerSearchCommand(program, deps)
  registerImportCommand(program, deps)
  registerEventCommands(program, deps)
  registerSyncCommands(program, deps)
  registerProfileCommands(program, deps)
  registerSftpCommands(program, deps)
  registerDeviceCommands(program, deps)
  registerSegmentCommands(program, deps)
  registerBackupCommands(program, deps)
  registerBulkCommands(program, deps)
  registerLogCommands(program, deps)
  registerAboutCommand(program, deps)
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
