// `reachability KEY`, `token set|remove KEY`, `duplicates [resolve]` and `overview`: devices, tokens,
// reachability, Duplicate Platform ID and the audience at a glance from the shell (issue 13).
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { RECEIVER_RULE, type DuplicateKind } from '../../../../../shared/devices/types'
import { PLATFORMS, parsePlatform } from '../../../../../shared/reachability/rules'
import { EXIT_ERROR, EXIT_OK } from '../exit-codes'
import { formatDuplicates, formatOverview, formatReachability, formatResolve } from '../format/devices'
import { json, type CommandDeps } from '../io'
import { withBackend } from '../open-backend'
import { parseIntOption } from '../options'
import { addFilterOptions, filtersOf } from '../profile-filters'
import { resolveSelection, selectionOptions, type SelectionOptions } from '../selection'
import { KEY_HELP, lookup, run } from './profiles'

interface CommonOptions {
  json?: boolean
  dataDir?: string
}

function kindsOf(kind: string | undefined): DuplicateKind[] {
  if (kind === undefined) return ['token', 'phone']
  if (kind === 'token' || kind === 'phone') return [kind]
  throw new AppError('validation', `--kind ${kind}: use token or phone.`)
}

export function registerDeviceCommands(program: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  program
    .command('reachability')
    .description('each channel with its answer and reason, and each device with its own')
    .argument('<key>', KEY_HELP)
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((key: string, opts: CommonOptions) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const found = await lookup(b, key, io, opts.json === true)
          const view = await b.call('devices.reachability', { id: found.id })
          io.stdout(opts.json ? json(view) : `${formatReachability(view)}\n`)
          return EXIT_OK
        }),
      ),
    )

  const token = program.command('token').description("a profile's push tokens")
  token
    .command('set')
    .description('set a push token by hand (sync sends it as a CleverTap token record)')
    .argument('<key>', KEY_HELP)
    .requiredOption('--token <token>', 'the push token')
    .requiredOption('--platform <platform>', PLATFORMS.join(', '))
    .option('--device <id>', "the device's CleverTap ID (default: the profile's own)")
    .option('--type <type>', 'token type: fcm, apns, webpush, … (default by platform)')
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      (
        key: string,
        opts: CommonOptions & { token: string; platform: string; device?: string; type?: string },
      ) =>
        run(deps, () =>
          withBackend(opts.dataDir, io, async (b) => {
            const platform = parsePlatform(opts.platform)
            if (platform === null)
              throw new AppError('validation', `--platform: use one of ${PLATFORMS.join(', ')}.`)
            const found = await lookup(b, key, io, opts.json === true)
            const result = await b.call('devices.setToken', {
              profileId: found.id,
              platform,
              pushToken: opts.token,
              ...(opts.device === undefined ? {} : { deviceId: opts.device }),
              ...(opts.type === undefined ? {} : { tokenType: opts.type }),
            })
            io.stdout(opts.json ? json(result) : `${result.message}\n`)
            return result.remote === 'unchanged' ? EXIT_ERROR : EXIT_OK
          }),
        ),
    )
  token
    .command('remove')
    .description("remove a device's push token here (CleverTap has no record that removes one)")
    .argument('<key>', KEY_HELP)
    .requiredOption('--device <id>', "the device's CleverTap ID")
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((key: string, opts: CommonOptions & { device: string }) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const found = await lookup(b, key, io, opts.json === true)
          const result = await b.call('devices.removeToken', { profileId: found.id, deviceId: opts.device })
          io.stdout(opts.json ? json(result) : `${result.message}\n`)
          return result.remote === 'unchanged' ? EXIT_ERROR : EXIT_OK
        }),
      ),
    )

  const duplicates = program
    .command('duplicates')
    .description('Duplicate Platform ID: push tokens and phone numbers held by several profiles')
    .option('--kind <kind>', 'token or phone (default: both)')
    .option('--limit <n>', 'groups per kind', parseIntOption('--limit', 1, 500), 50)
    .option('--after <key>', 'start after this key (the `next` of the previous page)')
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((opts: CommonOptions & { kind?: string; limit: number; after?: string }) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const pages = []
          for (const kind of kindsOf(opts.kind)) {
            pages.push({
              kind,
              ...(await b.call('duplicates.list', { kind, limit: opts.limit, after: opts.after ?? null })),
            })
          }
          io.stdout(opts.json ? json({ rule: RECEIVER_RULE, pages }) : `${formatDuplicates(pages)}\n`)
          return pages.some((p) => p.groups.length > 0) ? EXIT_OK : EXIT_ERROR
        }),
      ),
    )
  duplicates
    .command('resolve')
    .description('keep the value on the holder that receives; remove it from the others (audited)')
    .requiredOption('--keep <which>', 'latest: the holder whose device was seen most recently')
    .option('--kind <kind>', 'token or phone (default: both)')
    .option('--dry-run', 'say what would change, change nothing')
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    // `duplicates` has the same options (--kind, --json, --data-dir) and takes them wherever they stand, so
    // the subcommand reads its own merged with its parent's.
    .action((_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<CommonOptions & { keep: string; kind?: string; dryRun?: boolean }>()
      return run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          if (opts.keep !== 'latest')
            throw new AppError('validation', `--keep ${opts.keep}: only "latest" is supported.`)
          const result = await b.call('duplicates.resolve', {
            kinds: kindsOf(opts.kind),
            dryRun: opts.dryRun === true,
          })
          io.stdout(opts.json ? json(result) : `${formatResolve(result)}\n`)
          return result.groups > 0 ? EXIT_OK : EXIT_ERROR
        }),
      )
    })

  selectionOptions(addFilterOptions(program.command('overview'), { reach: false }))
    .description(
      'the audience at a glance: type, test, age, reachability, devices, activity; of everyone, or of a selection (--segment, --file, --where/--did)',
    )
    .option('--json', 'print as JSON')
    .option(dataDirOption, dataDirHelp)
    .action((opts: CommonOptions & SelectionOptions & { type?: string; test?: boolean }) =>
      run(deps, () =>
        withBackend(opts.dataDir, io, async (b) => {
          const selected =
            opts.segment !== undefined ||
            opts.file !== undefined ||
            (opts.where?.length ?? 0) + (opts.did?.length ?? 0) > 0
          const numbers = await b.call('overview.get', {
            filters: filtersOf(opts),
            ...(selected ? { segment: await resolveSelection(b, opts) } : {}),
          })
          io.stdout(opts.json ? json(numbers) : `${formatOverview(numbers)}\n`)
          return EXIT_OK
        }),
      ),
    )
}
