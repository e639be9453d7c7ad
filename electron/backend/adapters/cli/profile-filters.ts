// The profile filters the shell shares (`search`, `overview`): --type, --test/--no-test and
// --reach CHANNEL=ANSWER, read into the ProfileFilters the backend takes; bad words are refused (exit 2).
import type { Command } from 'commander'
import { AppError } from '../../../../shared/ipc/envelope'
import type { ProfileFilters } from '../../../../shared/profile/search'
import { parseReachFilter, REACH_FILTER_ANSWERS } from '../../../../shared/reachability/filter'
import { CHANNELS } from '../../../../shared/reachability/rules'

export interface FilterOptions {
  type?: string
  test?: boolean
  reach?: string
}

export const REACH_OPTION_HELP =
  `only profiles whose answer on CHANNEL (${CHANNELS.join(', ')}) is ANSWER ` +
  `(${REACH_FILTER_ANSWERS.join(', ')}; default reachable), e.g. sms=optedout`

/** Adds --type, --test and --no-test (and --reach when `reach`) to a command. */
export function addFilterOptions(command: Command, { reach }: { reach: boolean }): Command {
  command
    .option('--type <type>', 'only Identified or Anonymous profiles')
    .option('--test', 'only test profiles')
    .option('--no-test', 'leave test profiles out')
  return reach ? command.option('--reach <CHANNEL=ANSWER>', REACH_OPTION_HELP) : command
}

export function filtersOf(opts: FilterOptions): ProfileFilters {
  if (opts.type !== undefined && opts.type !== 'Identified' && opts.type !== 'Anonymous') {
    throw new AppError('validation', `--type ${opts.type}: use Identified or Anonymous.`)
  }
  let reach: ProfileFilters['reach']
  if (opts.reach !== undefined) {
    try {
      reach = parseReachFilter(opts.reach)
    } catch (error) {
      throw new AppError('validation', `--reach ${(error as Error).message}`)
    }
  }
  return {
    ...(opts.type === undefined ? {} : { type: opts.type }),
    ...(opts.test === undefined ? {} : { test: opts.test }),
    ...(reach === undefined ? {} : { reach }),
  }
}
