// `search`, `event record`, `profile show|events|delete KEY`, `control-groups list|exclude|include` and
// `settings identity-set`: profiles and the account's profile rules from the shell. A KEY is anything profiles.lookup takes
// (profile id, any identifier value, or kind:value); a key that matches several profiles lists them and
// exits 1, so a script never acts on the wrong person.
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { describeIdentitySet, IDENTITY_SET_KEYS } from '../../../../../shared/profile/identity-set'
import { CONTROL_GROUP_LOCAL_NOTE, REMOTE_DELETE_NOTICE } from '../../../../../shared/profile/remote-notices'
import type { LookupCandidate, ProfileDetail } from '../../../../../shared/profile/types'
import type { Backend } from '../../ipc/create-backend'
import { EXIT_ERROR, EXIT_OK } from '../exit-codes'
import {
  formatCandidates,
  formatExclusions,
  formatProfile,
  formatRecordedEvent,
  formatSearch,
  formatTimeline,
} from '../format/profiles'
import { json, type CliIo, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'
import { parseIntOption } from '../options'
import { addFilterOptions, filtersOf, type FilterOptions } from '../profile-filters'

interface CommonOptions {
  json?: boolean
  dataDir?: string
}

export const KEY_HELP =
  'profile id, identity, email, phone, FBID, GPID, or kind:value (e.g. custom:crm_id=A-17)'

/** Thrown when a key matched several profiles and the list has been printed. */
class Ambiguous extends Error {}

/** The profile a key names; an ambiguous key prints its candidates (JSON or a table) and throws Ambiguous. */
export async function lookup(
  backend: Backend,
  key: string,
  io: CliIo,
  asJson: boolean,
): Promise<ProfileDetail> {
  try {
    return await backend.call('profiles.lookup', { key })
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error
    const details = error.details as { total: number; candidates: LookupCandidate[] }
    if (asJson) {
      io.stdout(json({ error: { code: error.code, message: error.message }, ...details }))
    } else {
      io.stdout(`${formatCandidates(key, details.candidates, details.total)}\n`)
    }
    io.stderr(`error: "${key}" matches ${details.total} profiles; nothing was done.\n`)
    throw new Ambiguous()
  }
}

/** Runs a command that looks a profile up; an ambiguous key ends it with exit 1. */
export async function run(deps: CommandDeps, work: () => Promise<number>): Promise<void> {
  try {
    deps.setExit(await work())
  } catch (error) {
    if (error instanceof Ambiguous) deps.setExit(EXIT_ERROR)
    else throw error
  }
}

/** A command's action on the profile its KEY names: looked up first (an ambiguous key ends with exit 1). */
function onProfile<O extends CommonOptions>(
  deps: CommandDeps,
  work: (backend: Backend, found: ProfileDetail, opts: O) => Promise<number>,
): (key: string, opts: O) => Promise<void> {
  return (key, opts) =>
    run(deps, () =>
      withBackend(opts.dataDir, deps.io, async (b) =>
        work(b, await lookup(b, key, deps.io, opts.json === true), opts),
      ),
    )
}

function registerProfile(program: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  const profile = program.command('profile').description('one profile')
  profile
    .command('show')
    .description('show a profile found by any of its identifiers')
    .argument('<key>', KEY_HELP)
    .option('--json', 'print the profile as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      onProfile(deps, async (b, found, opts: CommonOptions) => {
        io.stdout(opts.json ? json(found) : `${formatProfile(found)}\n`)
        return EXIT_OK
      }),
    )

  profile
    .command('events')
    .description('the event timeline, newest first; anonymous-mode events (greyed in the app) are marked')
    .argument('<key>', KEY_HELP)
    .option('--offset <n>', 'skip this many events', parseIntOption('--offset', 0, 1_000_000), 0)
    .option('--limit <n>', 'at most this many events', parseIntOption('--limit', 1, 500), 50)
    .option('--json', 'print the page as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      onProfile(deps, async (b, found, opts: CommonOptions & { offset: number; limit: number }) => {
        const page = await b.call('profiles.events', {
          id: found.id,
          offset: opts.offset,
          limit: opts.limit,
        })
        io.stdout(
          opts.json
            ? json({ profileId: found.id, offset: opts.offset, limit: opts.limit, ...page })
            : `${formatTimeline(found.id, page, opts.offset)}\n`,
        )
        return EXIT_OK
      }),
    )

  profile
    .command('delete')
    .description('delete a profile here; it is deleted from the remote at the next sync')
    .argument('<key>', KEY_HELP)
    .option('--yes', 'really delete (without it, nothing is deleted)')
    .option('--json', 'print the result as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      onProfile(deps, async (b, found, opts: CommonOptions & { yes?: boolean }) => {
        const name = typeof found.system.Name === 'string' ? `${found.system.Name} (${found.id})` : found.id
        if (!opts.yes) {
          io.stderr(
            `error: nothing was deleted. Deleting ${name} removes it from this computer with its identifiers, ` +
              `properties and events. ${REMOTE_DELETE_NOTICE} Run again with --yes to delete it.\n`,
          )
          return EXIT_ERROR
        }
        await b.call('profiles.delete', { id: found.id })
        const configured = (await b.call('sync.status', {})).configured
        const waiting = configured
          ? ''
          : ' No remote is set up yet: the deletion waits in the outbox until one is (Settings, or sync push).'
        io.stdout(
          opts.json
            ? json({ deleted: true, id: found.id, remote: 'queued', notice: REMOTE_DELETE_NOTICE })
            : `Deleted ${name} from this computer. ${REMOTE_DELETE_NOTICE}${waiting}\n`,
        )
        return EXIT_OK
      }),
    )
}

function registerControlGroups(program: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  const groups = program
    .command('control-groups')
    .description('profiles excluded from all control groups (at most 20; kept in Profile Desk only)')
  groups
    .command('list')
    .description('list the excluded profiles')
    .option('--json', 'print the list as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((opts: CommonOptions) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const { holders, limit } = await b.call('profiles.controlGroupExclusions', {})
          io.stdout(
            opts.json
              ? json({ holders, limit, sentToRemote: false, note: CONTROL_GROUP_LOCAL_NOTE })
              : `${formatExclusions(holders, limit)}\n`,
          )
          return EXIT_OK
        }),
      ),
    )
  for (const [verb, excluded, what] of [
    ['exclude', true, 'exclude a profile from all control groups'],
    ['include', false, 'include an excluded profile in control groups again'],
  ] as const) {
    groups
      .command(verb)
      .description(what)
      .argument('<key>', KEY_HELP)
      .option('--json', 'print the profile as JSON')
      .option(dataDirOption, dataDirHelp)
      .action(
        onProfile(deps, async (b, found, opts: CommonOptions) => {
          if (found.excludedFromControlGroups === excluded) {
            io.stderr(
              `error: profile ${found.id} is already ${excluded ? 'excluded from' : 'included in'} control groups; nothing changed.\n`,
            )
            return EXIT_ERROR
          }
          const changed = await b.call('profiles.setControlGroupExclusion', { id: found.id, excluded })
          const { holders, limit } = await b.call('profiles.controlGroupExclusions', {})
          io.stdout(
            opts.json
              ? json(changed)
              : `Profile ${found.id} is now ${excluded ? 'excluded from' : 'included in'} control groups ` +
                  `(${holders.length} of ${limit} exclusions used). ${CONTROL_GROUP_LOCAL_NOTE}\n`,
          )
          return EXIT_OK
        }),
      )
  }
}

function registerSettings(program: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  const settings = program.command('settings').description('account settings kept in the data folder')
  settings
    .command('identity-set')
    .description('show or set the identifiers an imported profile row with a new identity is matched on')
    .argument('[keys]', `comma-separated, from ${IDENTITY_SET_KEYS.join(', ')} (Identity is required)`)
    .option('--json', 'print the setting as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((keys: string | undefined, opts: CommonOptions) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const view =
            keys === undefined
              ? await b.call('profiles.identitySet', {})
              : await b.call('profiles.setIdentitySet', { keys: splitKeys(keys) })
          io.stdout(
            opts.json
              ? json(view)
              : `Identity set: ${describeIdentitySet(view.keys)}${keys === undefined ? '' : ' (saved)'}. ` +
                  'A profile row whose identity no profile holds is matched on these, in this order, when the ' +
                  `profile they name has no identity of its own. Default: ${view.defaults.join(', ')}.\n`,
          )
          return EXIT_OK
        }),
      ),
    )
}

/** "identity, email" -> ["Identity", "Email"]: the keys as the setting spells them, whatever the case. */
function splitKeys(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => IDENTITY_SET_KEYS.find((key) => key.toLowerCase() === part.toLowerCase()) ?? part)
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

/** `search QUERY`. */
export function registerSearchCommand(program: Command, deps: CommandDeps): void {
  const { io, setExit, dataDirOption, dataDirHelp } = deps
  addFilterOptions(program.command('search'), { reach: true })
    .description('find profiles by identity, email, phone, name or profile id (an empty query lists them)')
    .argument('[query]', 'what to look for (empty: every profile the filters select, by name)', '')
    .option('--json', 'print the result as JSON')
    .option('--limit <n>', 'at most this many results', parseIntOption('--limit', 1, 500), 20)
    .option(dataDirOption, dataDirHelp)
    .action(
      async (query: string, opts: FilterOptions & { json?: boolean; limit: number; dataDir?: string }) => {
        const filters = filtersOf(opts)
        const result = await withBackend(opts.dataDir, io, (b) =>
          b.call('profiles.search', { query, filters, limit: opts.limit }),
        )
        io.stdout(opts.json ? json(result) : `${formatSearch(query, result)}\n`)
        setExit(EXIT_OK)
      },
    )
}

/** `event record`. */
export function registerEventCommands(program: Command, deps: CommandDeps): void {
  const { io, setExit, dataDirOption, dataDirHelp } = deps
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
}

/** `profile …`, `control-groups …` and `settings identity-set`. */
export function registerProfileCommands(program: Command, deps: CommandDeps): void {
  registerProfile(program, deps)
  registerControlGroups(program, deps)
  registerSettings(program, deps)
}
