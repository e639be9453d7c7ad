// `profile-desk settings time-zone [ZONE] [--computer] [--json]`: shows or sets the account's time zone (Settings),
// whose calendar days segment dates and "in the last N days" use; --computer goes back to this computer's.
import type { Command } from 'commander'
import type { AccountTimeZone } from '../../../../../shared/segments/types'
import { EXIT_OK, EXIT_USAGE } from '../exit-codes'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'

interface TimeZoneOptions {
  computer?: boolean
  json?: boolean
  dataDir?: string
}

export function describeTimeZone(view: AccountTimeZone): string {
  return view.saved === null
    ? `Account time zone: ${view.zone} (this computer's; none saved).\n`
    : `Account time zone: ${view.zone} (saved; this computer's is ${view.computer}).\n`
}

/** Under `settings` (profiles.ts makes that group for `settings identity-set`), after it is registered. */
export function registerTimeZoneCommand(program: Command, deps: CommandDeps): void {
  const settings =
    program.commands.find((command) => command.name() === 'settings') ??
    program.command('settings').description('account settings kept in the data folder')
  settings
    .command('time-zone [zone]')
    .description(
      "show or set the account's time zone (an IANA name such as Europe/Berlin, or GMT+0530), used by segment dates",
    )
    .option('--computer', "forget the saved zone: use this computer's")
    .option('--json', 'print the result as JSON')
    .option(deps.dataDirOption, deps.dataDirHelp)
    .action(async (zone: string | undefined, opts: TimeZoneOptions) => {
      if (zone !== undefined && opts.computer) {
        deps.io.stderr('error: give a zone or --computer, not both.\n')
        return deps.setExit(EXIT_USAGE)
      }
      const view = await withBackend(opts.dataDir, deps.io, (backend) =>
        zone === undefined && !opts.computer
          ? backend.call('segments.timeZone', {})
          : backend.call('segments.timeZone.set', { zone: opts.computer ? null : (zone as string) }),
      )
      deps.io.stdout(opts.json ? json(view) : describeTimeZone(view))
      deps.setExit(EXIT_OK)
    })
}
