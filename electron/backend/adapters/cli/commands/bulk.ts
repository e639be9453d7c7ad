// `profile-desk bulk ACTION SELECTION`, `history` and `undo CHANGESET`: bulk edit, change sets and undo
// from the shell. SELECTION is the segments grammar (../selection.ts) plus --id and --all. Exit 0 done,
// 1 nothing matched / nothing done / refused, 2 bad input. `bulk` and `undo` print the change set's id.
import type { Command } from 'commander'
import {
  CHANGE_SET_KINDS,
  type BulkAction,
  type BulkPreview,
  type BulkSelection,
  type ChangeSetKind,
  type UndoPreview,
} from '../../../../../shared/bulk/types'
import { CUSTOM_PROPERTY_TYPES, type CustomPropertyType } from '../../../../../shared/profile/types'
import { AppError } from '../../../../../shared/ipc/envelope'
import type { Backend } from '../../ipc/create-backend'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { json, type CliIo, type CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'
import { resolveSelection, selectionOptions, type SelectionOptions } from '../selection'
import { printHistory, parseSince, printUndoPreview } from './history-format'

interface BulkOptions extends SelectionOptions {
  id?: string[]
  all?: boolean
  dryRun?: boolean
  json?: boolean
  type?: string
  dataDir?: string
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

function bad(message: string): AppError {
  return new AppError('validation', message)
}

/** KEY=VALUE (the first = splits; the value may hold more). */
function keyValue(text: string): { key: string; value: string } {
  const at = text.indexOf('=')
  if (at <= 0) throw bad(`expected KEY=VALUE, got "${text}"`)
  return { key: text.slice(0, at).trim(), value: text.slice(at + 1) }
}

/** A set's value typed by --type (a custom property's type; system properties take the catalogue's). */
function typedValue(
  raw: string,
  type: string | undefined,
): { value: string | number | boolean | string[]; type?: CustomPropertyType } {
  if (type === undefined) return { value: raw }
  if (!(CUSTOM_PROPERTY_TYPES as readonly string[]).includes(type))
    throw bad(`--type must be one of ${CUSTOM_PROPERTY_TYPES.join(', ')}`)
  const t = type as CustomPropertyType
  if (t === 'number') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n)) throw bad(`"${raw}" is not a number`)
    return { value: n, type: t }
  }
  if (t === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw bad(`"${raw}" is not true or false`)
    return { value: raw === 'true', type: t }
  }
  if (t === 'multi') return { value: raw.split('|'), type: t }
  return { value: raw, type: t }
}

async function selectionOf(b: Backend, opts: BulkOptions): Promise<BulkSelection> {
  const expressions = (opts.where?.length ?? 0) + (opts.did?.length ?? 0) > 0
  const chosen = [
    opts.id !== undefined,
    opts.all === true,
    opts.segment !== undefined,
    opts.file !== undefined,
    expressions,
  ]
  if (chosen.filter(Boolean).length === 0)
    throw bad('choose the profiles: --id, --segment, --file, --where/--did, or --all for every profile')
  if (chosen.filter(Boolean).length > 1)
    throw bad('choose one selection: --id, --all, --segment, --file or --where/--did')
  if (opts.id !== undefined) {
    const ids = opts.id
      .flatMap((i) => i.split(','))
      .map((i) => i.trim())
      .filter((i) => i !== '')
    return { kind: 'ids', ids }
  }
  if (opts.all) return { kind: 'search', query: '', filters: {} }
  return { kind: 'segment', source: await resolveSelection(b, opts) }
}

function previewText(p: BulkPreview): string {
  const lines = [
    `${p.label}: ${p.matched} profile${p.matched === 1 ? '' : 's'} selected, ${p.willChange} would change, ${p.alreadyInState} already so, ${p.refused} refused.`,
  ]
  for (const row of p.sample.slice(0, 10)) {
    const who = row.profile.name ?? row.profile.email ?? row.profile.identity ?? row.profile.id
    for (const c of row.changes)
      lines.push(`  ${who}: ${c.field} ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`)
  }
  for (const r of p.refusedReasons) lines.push(`  refused (${r.count}): ${r.reason}`)
  if (p.blocked) lines.push(`Refused: ${p.blocked}`)
  for (const note of p.remoteNotes) lines.push(`Note: ${note}`)
  return `${lines.join('\n')}\n`
}

async function runBulkCommand(b: Backend, io: CliIo, action: BulkAction, opts: BulkOptions): Promise<number> {
  const selection = await selectionOf(b, opts)
  const preview = await b.call('bulk.preview', { selection, action })
  if (preview.matched === 0) {
    io.stdout(
      opts.json ? json({ changeSet: null, preview }) : 'The selection matches no profile: nothing to do.\n',
    )
    return EXIT_ERROR
  }
  if (opts.dryRun || preview.blocked !== null) {
    io.stdout(opts.json ? json({ changeSet: null, dryRun: true, preview }) : previewText(preview))
    return preview.blocked === null ? EXIT_OK : EXIT_ERROR
  }
  const watch = watchJob<'bulk'>(
    b,
    io,
    (e) => `bulk ${action.action}: ${e.phase} ${e.done}${e.total === null ? '' : `/${e.total}`}`,
    2000,
  )
  try {
    const finished = await watch.finished((await b.call('bulk.start', { selection, action })).jobId)
    if (finished.status === 'failed' || !finished.summary)
      throw new AppError(
        finished.error?.code === 'limit' ? 'limit' : 'internal',
        finished.error?.message ?? 'The bulk action failed.',
      )
    const s = finished.summary
    io.stdout(
      opts.json
        ? json(s)
        : `${s.label}: ${s.changed} changed, ${s.alreadyInState} already so, ${s.refused} refused${s.cancelled ? ` (cancelled after ${s.batches.done} of ${s.batches.total} batches; those are kept)` : ''}.\nchange set: ${s.changeSet ?? 'none (nothing changed)'}\n`,
    )
    if (s.cancelled) return watch.interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
    return s.changed > 0 ? EXIT_OK : EXIT_ERROR
  } finally {
    watch.stop()
  }
}

function kindOf(text: string): ChangeSetKind {
  const kind = CHANGE_SET_KINDS.find((k) => k === text)
  if (!kind) throw bad(`--kind must be one of ${CHANGE_SET_KINDS.join(', ')}`)
  return kind
}

type ActionOf = (args: string[], opts: BulkOptions) => BulkAction

const ACTIONS: { name: string; args: string; description: string; build: ActionOf }[] = [
  {
    name: 'set',
    args: '<KEY=VALUE>',
    description: 'set a property (--type for a custom one)',
    build: ([kv], o) => {
      const { key, value } = keyValue(kv ?? '')
      return { action: 'set', key, ...typedValue(value, o.type) }
    },
  },
  {
    name: 'unset',
    args: '<KEY>',
    description: 'remove a property',
    build: ([key]) => ({ action: 'unset', key: key ?? '' }),
  },
  {
    name: 'add-item',
    args: '<KEY=VALUE>',
    description: 'add an item to a multi-value property',
    build: ([kv]) => ({ action: 'add-item', ...keyValue(kv ?? '') }),
  },
  {
    name: 'remove-item',
    args: '<KEY=VALUE>',
    description: 'remove an item from a multi-value property',
    build: ([kv]) => ({ action: 'remove-item', ...keyValue(kv ?? '') }),
  },
  { name: 'test', args: '', description: 'mark as test profiles', build: () => ({ action: 'test' }) },
  { name: 'untest', args: '', description: 'unmark test profiles', build: () => ({ action: 'untest' }) },
  {
    name: 'exclude',
    args: '',
    description: 'exclude from all control groups (at most 20 profiles)',
    build: () => ({ action: 'exclude' }),
  },
  {
    name: 'include',
    args: '',
    description: 'include in control groups again',
    build: () => ({ action: 'include' }),
  },
  {
    name: 'delete',
    args: '',
    description: 'delete the profiles (undo restores them)',
    build: () => ({ action: 'delete' }),
  },
  {
    name: 'remove-token',
    args: '<TOKEN>',
    description: 'remove a push token (local only)',
    build: ([token]) => ({ action: 'remove-token', token: token ?? '' }),
  },
  {
    name: 'remove-phone',
    args: '',
    description: 'remove the phone number',
    build: () => ({ action: 'remove-phone' }),
  },
]

export function registerBulkCommands(program: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  const bulk = program.command('bulk').description('change many profiles at once, as one undoable change set')
  for (const spec of ACTIONS) {
    const command = bulk
      .command(`${spec.name}${spec.args ? ` ${spec.args}` : ''}`)
      .description(spec.description)
    if (spec.name === 'set')
      command.option('--type <type>', `custom property type: ${CUSTOM_PROPERTY_TYPES.join(', ')}`)
    selectionOptions(command)
      .option('--id <ids>', 'profile ids (comma-separated, repeatable)', collect)
      .option('--all', 'every profile')
      .option('--dry-run', 'print the preview; write nothing')
      .option('--json', 'print the summary (or preview) as JSON')
      .option(dataDirOption, dataDirHelp)
      .action(async (...args: unknown[]) => {
        const positional = args.slice(0, spec.args ? 1 : 0) as string[]
        const opts = args[positional.length] as BulkOptions
        const code = await withBackend(
          opts.dataDir,
          io,
          (b) => runBulkCommand(b, io, spec.build(positional, opts), opts),
          {
            segments: { threading: 'inline' },
          },
        )
        deps.setExit(code)
      })
  }

  program
    .command('history')
    .description('list change sets, newest first')
    .option('--kind <kind>', 'only this kind (edit, bulk, import, pull, conflict, undo, …)')
    .option('--since <date>', 'only change sets started on or after YYYY-MM-DD (or an ISO time)')
    .option('--profile <key>', 'only change sets that touched this profile (id, email, identity, phone)')
    .option('--limit <n>', 'at most this many (default 50)', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print them as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      async (opts: {
        kind?: string
        since?: string
        profile?: string
        limit: number
        json?: boolean
        dataDir?: string
      }) => {
        const code = await withBackend(opts.dataDir, io, async (b) => {
          const since = opts.since === undefined ? undefined : parseSince(opts.since)
          const page = await b.call('history.list', {
            ...(opts.kind === undefined ? {} : { kind: kindOf(opts.kind) }),
            ...(since === undefined ? {} : { since }),
            ...(opts.profile === undefined ? {} : { profile: opts.profile }),
            offset: 0,
            limit: Math.min(500, Math.max(1, opts.limit || 50)),
          })
          io.stdout(opts.json ? json(page) : printHistory(page.items, page.total))
          return page.total === 0 ? EXIT_ERROR : EXIT_OK
        })
        deps.setExit(code)
      },
    )

  program
    .command('undo <changeSet>')
    .description('undo a change set (itself a change set, undoable in turn)')
    .option('--overwrite', 'revert profiles changed since, too')
    .option('--skip-changed', 'leave profiles changed since as they are')
    .option('--reupload-deleted', 'upload again, as new, restored profiles whose deletion was already sent')
    .option('--dry-run', 'print what the undo would do; write nothing')
    .option('--json', 'print the summary (or preview) as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(
      async (
        raw: string,
        opts: {
          overwrite?: boolean
          skipChanged?: boolean
          reuploadDeleted?: boolean
          dryRun?: boolean
          json?: boolean
          dataDir?: string
        },
      ) => {
        const code = await withBackend(opts.dataDir, io, async (b) => {
          const id = Number(raw.replace(/^#/, ''))
          if (!Number.isInteger(id) || id < 1)
            throw bad(`"${raw}" is not a change set id (see: profile-desk history)`)
          if (opts.overwrite && opts.skipChanged) throw bad('choose --overwrite or --skip-changed, not both')
          const preview: UndoPreview = await b.call('undo.preview', { changeSet: id })
          if (opts.dryRun || preview.refusal !== null) {
            io.stdout(
              opts.json ? json({ changeSet: null, dryRun: true, preview }) : printUndoPreview(preview),
            )
            return preview.refusal === null ? EXIT_OK : EXIT_ERROR
          }
          const onChanged = opts.overwrite ? 'overwrite' : opts.skipChanged ? 'skip-changed' : undefined
          const watch = watchJob<'undo'>(
            b,
            io,
            (e) => `undo #${id}: ${e.phase} ${e.done}${e.total === null ? '' : `/${e.total}`}`,
            2000,
          )
          try {
            const { jobId } = await b.call('undo.start', {
              changeSet: id,
              reuploadDeleted: opts.reuploadDeleted === true,
              ...(onChanged ? { onChanged } : {}),
            })
            const finished = await watch.finished(jobId)
            if (finished.status === 'failed' || !finished.summary)
              throw new AppError(
                finished.error?.code === 'conflict' ? 'conflict' : 'internal',
                finished.error?.message ?? 'The undo failed.',
              )
            const s = finished.summary
            io.stdout(
              opts.json
                ? json(s)
                : `Undid #${s.undid}: ${s.reverted} reverted, ${s.removed} removed, ${s.restored} restored, ${s.skipped} skipped${s.cancelled ? ' (cancelled: whole batches kept)' : ''}.\nchange set: ${s.changeSet ?? 'none (nothing changed)'}\n`,
            )
            return s.cancelled ? EXIT_ERROR : EXIT_OK
          } finally {
            watch.stop()
          }
        })
        deps.setExit(code)
      },
    )
}
