// `profile-desk segment count|export|save|list|show|rename|delete|import|export-definition`: segments
// from the shell, on the selection grammar of ../selection.ts. Exit 0 done (a count of 0 included), 1 not
// found or nothing done, 2 bad input (a malformed expression, an unknown property, segment or column).
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '../../../../../shared/ipc/envelope'
import { propertyName, type SegmentDefinition } from '../../../../../shared/segments/definition'
import type { Backend } from '../../ipc/create-backend'
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes'
import { json, type CliIo, type CommandDeps } from '../io'
import { watchJob } from '../job-watch'
import { withBackend } from '../open-backend'
import {
  readDefinitionFile,
  resolveColumns,
  resolveSelection,
  segmentIdByName,
  selectionOptions,
  type SelectionOptions,
} from '../selection'

interface Common {
  json?: boolean
  dataDir?: string
}

const DEFAULT_COLUMNS = 'Identity,Name,Email,Phone'

/** One backend for the command, counting in this thread (a one-off question needs no worker). */
function withSegments<T>(opts: Common, io: CliIo, work: (b: Backend) => Promise<T>): Promise<T> {
  return withBackend(opts.dataDir, io, work, { segments: { threading: 'inline' } })
}

function describeDefinition(definition: SegmentDefinition): string {
  if (definition.conditions.length === 0) return 'every profile'
  return definition.conditions
    .map((item) =>
      item.type === 'group'
        ? `(${item.conditions.length} conditions joined by ${item.join.toUpperCase()})`
        : item.type === 'behaviour'
          ? `${item.did ? 'did' : 'did not do'} "${item.event}"`
          : `${propertyName(item.property)} ${item.op}${item.value === undefined ? '' : ` ${JSON.stringify(item.value)}`}`,
    )
    .join(` ${definition.join.toUpperCase()} `)
}

function registerQueries(segment: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  selectionOptions(segment.command('count').description('count the profiles a selection keeps'))
    .option('--json', 'print {total, profiles} as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (opts: SelectionOptions & Common) => {
      const code = await withSegments(opts, io, async (b) => {
        const source = await resolveSelection(b, opts)
        const definition =
          'definition' in source
            ? source.definition
            : (await b.call('segments.get', { id: source.segmentId })).definition
        const reply = await b.call('segments.count', { seq: 0, definition, perItem: false })
        if (reply.status !== 'counted')
          throw new AppError('internal', 'The count was superseded; run it again.')
        io.stdout(
          opts.json
            ? json({ total: reply.total, profiles: reply.profiles })
            : `${reply.total} of ${reply.profiles} profiles\n`,
        )
        return EXIT_OK
      })
      deps.setExit(code)
    })

  selectionOptions(segment.command('export').description("write a selection's members to CSV"))
    .requiredOption('--out <file>', 'the CSV file to write')
    .option('--columns <list>', `comma-separated properties (default ${DEFAULT_COLUMNS})`, DEFAULT_COLUMNS)
    .option('--json', 'print the export summary as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (opts: SelectionOptions & Common & { out: string; columns: string }) => {
      const code = await withSegments(opts, io, async (b) => {
        const source = await resolveSelection(b, opts)
        const columns = await resolveColumns(b, opts.columns)
        const watch = watchJob<'segments.export'>(
          b,
          io,
          (e) => `exporting: ${e.phase} ${e.done}${e.total === null ? '' : `/${e.total}`}`,
          2000,
        )
        try {
          const finished = await watch.finished(
            b.startSegmentExport({ source, columns }, resolve(opts.out)).jobId,
          )
          if (finished.status === 'cancelled') {
            io.stderr('error: the export was cancelled; the partial file was removed.\n')
            return watch.interrupted ? EXIT_INTERRUPTED : EXIT_ERROR
          }
          if (finished.status === 'failed' || !finished.summary)
            throw new AppError(
              finished.error?.code === 'validation' ? 'validation' : 'internal',
              finished.error?.message ?? 'The export failed.',
            )
          const s = finished.summary
          io.stdout(
            opts.json
              ? json(s)
              : `Wrote ${s.rows} members (${s.columns.join(', ')}) to ${s.path} in ${s.seconds} s.\n`,
          )
          return EXIT_OK
        } finally {
          watch.stop()
        }
      })
      deps.setExit(code)
    })
}

function registerSaved(segment: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  selectionOptions(
    segment.command('save').description('save a selection as a named segment').argument('<name>'),
  )
    .option('--json', 'print the saved segment as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (name: string, opts: SelectionOptions & Common) => {
      const code = await withSegments(opts, io, async (b) => {
        const source = await resolveSelection(b, opts)
        const definition =
          'definition' in source
            ? source.definition
            : (await b.call('segments.get', { id: source.segmentId })).definition
        const saved = await b.call('segments.save', { name, definition })
        io.stdout(
          opts.json
            ? json(saved)
            : `Saved segment "${saved.name}": ${describeDefinition(saved.definition)}\n`,
        )
        return EXIT_OK
      })
      deps.setExit(code)
    })

  segment
    .command('list')
    .description('list saved segments')
    .option('--json', 'print them as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (opts: Common) => {
      const code = await withSegments(opts, io, async (b) => {
        const { items } = await b.call('segments.list', {})
        if (opts.json) io.stdout(json(items))
        else if (items.length === 0) io.stdout('No saved segments.\n')
        else
          for (const s of items)
            io.stdout(`${s.name}\t${s.conditions} condition${s.conditions === 1 ? '' : 's'}\n`)
        return EXIT_OK
      })
      deps.setExit(code)
    })

  segment
    .command('show')
    .description('show a saved segment and its count')
    .argument('<name>')
    .option('--json', 'print the segment (and its count) as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (name: string, opts: Common) => {
      const code = await withSegments(opts, io, async (b) => {
        const saved = await b.call('segments.get', { id: await findExisting(b, name) })
        const reply = await b.call('segments.count', { seq: 0, definition: saved.definition, perItem: false })
        const total = reply.status === 'counted' ? reply.total : null
        io.stdout(
          opts.json
            ? json({ ...saved, total })
            : `${saved.name}: ${describeDefinition(saved.definition)}\n${total ?? '?'} profiles\n`,
        )
        return EXIT_OK
      })
      deps.setExit(code)
    })

  segment
    .command('rename')
    .description('rename a saved segment')
    .argument('<old>')
    .argument('<new>')
    .option(dataDirOption, dataDirHelp)
    .action(async (oldName: string, newName: string, opts: Common) => {
      const code = await withSegments(opts, io, async (b) => {
        const saved = await b.call('segments.rename', { id: await findExisting(b, oldName), name: newName })
        io.stdout(`Renamed to "${saved.name}".\n`)
        return EXIT_OK
      })
      deps.setExit(code)
    })

  segment
    .command('delete')
    .description('delete a saved segment')
    .argument('<name>')
    .option(dataDirOption, dataDirHelp)
    .action(async (name: string, opts: Common) => {
      const code = await withSegments(opts, io, async (b) => {
        await b.call('segments.delete', { id: await findExisting(b, name) })
        io.stdout(`Deleted segment "${name}".\n`)
        return EXIT_OK
      })
      deps.setExit(code)
    })
}

/** show/rename/delete of a name that is not saved: nothing to act on (exit 1), said on stderr. */
async function findExisting(b: Backend, name: string): Promise<string> {
  try {
    return await segmentIdByName(b, name)
  } catch (error) {
    if (error instanceof AppError) throw new AppError('not_found', error.message)
    throw error
  }
}

function registerFiles(segment: Command, deps: CommandDeps): void {
  const { io, dataDirOption, dataDirHelp } = deps
  segment
    .command('import')
    .description('save the segment in a segment file')
    .argument('<file>', 'a .segment.json file')
    .option('--as <name>', 'save it under this name instead of the file’s')
    .option('--json', 'print the saved segment as JSON')
    .option(dataDirOption, dataDirHelp)
    .action(async (file: string, opts: Common & { as?: string }) => {
      const code = await withSegments(opts, io, async (b) => {
        const read = readDefinitionFile(file)
        const saved = await b.call('segments.save', {
          name: opts.as ?? read.name,
          definition: read.definition,
        })
        io.stdout(opts.json ? json(saved) : `Imported segment "${saved.name}".\n`)
        return EXIT_OK
      })
      deps.setExit(code)
    })

  segment
    .command('export-definition')
    .description('write a saved segment to a segment file')
    .argument('<name>')
    .requiredOption('--out <file>', 'the .segment.json file to write')
    .option(dataDirOption, dataDirHelp)
    .action(async (name: string, opts: Common & { out: string }) => {
      const code = await withSegments(opts, io, async (b) => {
        const file = await b.call('segments.exportDefinition', { id: await findExisting(b, name) })
        writeFileSync(opts.out, file.content)
        io.stdout(`Wrote ${opts.out}.\n`)
        return EXIT_OK
      })
      deps.setExit(code)
    })
}

export function registerSegmentCommands(program: Command, deps: CommandDeps): void {
  const segment = program
    .command('segment')
    .description('segments: count, export and save selections of profiles')
  registerQueries(segment, deps)
  registerSaved(segment, deps)
  registerFiles(segment, deps)
}
