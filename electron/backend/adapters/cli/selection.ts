// The selection grammar of every command that works on a set of profiles (segment count/export/save
// today; bulk edit, overview and duplicates later): --segment NAME | --file SEG.json | --where/--did/--any.
// Options are declared and resolved here once; a malformed expression, an unknown property or segment is
// a `validation` error (exit 2) that names it.
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { segmentDefinition } from '../../../../shared/ipc/channels/segments'
import { AppError } from '../../../../shared/ipc/envelope'
import {
  SEGMENT_DEFINITION_VERSION,
  type Condition,
  type SegmentDefinition,
} from '../../../../shared/segments/definition'
import {
  ExpressionError,
  parseBehaviour,
  parseWhere,
  resolveProperty,
} from '../../../../shared/segments/expression'
import type { PropertyRef } from '../../../../shared/segments/definition'
import type { SegmentSource } from '../../../../shared/segments/types'
import type { Backend } from '../ipc/create-backend'
import { readSegmentFile } from '../../core/segments/index'

export interface SelectionOptions {
  segment?: string
  file?: string
  where?: string[]
  did?: string[]
  any?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/** Adds the selection options to a command. */
export function selectionOptions(command: Command): Command {
  return command
    .option('--segment <name>', 'a saved segment by name')
    .option('--file <seg.json>', 'a segment file (exported by export-definition)')
    .option(
      '--where <cond>',
      'PROP OP VALUE, e.g. "Age between 25 and 30", "plan in gold|silver", "reachable.email = true", "reachable.sms = optedout" (repeatable)',
      collect,
    )
    .option(
      '--did <behaviour>',
      '"EVENT" [>= N | <= N] [in last N days | between D and D] [where PROP OP VALUE]; !"EVENT" = did not (repeatable)',
      collect,
    )
    .option('--any', 'join the --where/--did conditions with OR (default AND)')
}

function bad(message: string): AppError {
  return new AppError('validation', message)
}

async function customTypes(backend: Backend) {
  const { custom } = await backend.call('segments.vocabulary', {})
  return new Map(custom.map((c) => [c.key, c.type]))
}

/** A saved segment's id by its name; an unknown name is bad input (exit 2) that names it. */
export async function segmentIdByName(backend: Backend, name: string): Promise<string> {
  const { items } = await backend.call('segments.list', {})
  const found = items.find((s) => s.name.toLowerCase() === name.trim().toLowerCase())
  if (!found) throw bad(`unknown segment "${name}" (see: profile-desk segment list)`)
  return found.id
}

/** A segment file's definition, its shape checked like the channels check it. */
export function readDefinitionFile(path: string): { name: string; definition: SegmentDefinition } {
  let content: string
  try {
    content = readFileSync(path, 'utf8')
  } catch (error) {
    throw bad(`cannot read the segment file ${path}: ${(error as Error).message}`)
  }
  const file = readSegmentFile(content)
  const parsed = segmentDefinition.safeParse(file.definition)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw bad(
      `${path}: the definition is malformed at ${issue?.path.join('.') || '(definition)'}: ${issue?.message}`,
    )
  }
  return { name: file.name, definition: parsed.data }
}

/** The definition --where/--did/--any describe (no conditions: every profile). */
export async function definitionFromExpressions(
  backend: Backend,
  opts: SelectionOptions,
): Promise<SegmentDefinition> {
  const types = await customTypes(backend)
  try {
    const conditions: Condition[] = [
      ...(opts.where ?? []).map((w) => parseWhere(w, types)),
      ...(opts.did ?? []).map((d) => parseBehaviour(d)),
    ]
    return { version: SEGMENT_DEFINITION_VERSION, join: opts.any ? 'or' : 'and', conditions }
  } catch (error) {
    if (error instanceof ExpressionError) throw bad(error.message)
    throw error
  }
}

/** What a selection names: a saved segment, a file's definition, or the expressions' (or every profile). */
export async function resolveSelection(backend: Backend, opts: SelectionOptions): Promise<SegmentSource> {
  const expressions = (opts.where?.length ?? 0) + (opts.did?.length ?? 0) > 0 || opts.any === true
  const kinds = [opts.segment !== undefined, opts.file !== undefined, expressions].filter(Boolean).length
  if (kinds > 1) throw bad('choose one selection: --segment, --file, or --where/--did')
  if (opts.segment !== undefined) return { segmentId: await segmentIdByName(backend, opts.segment) }
  if (opts.file !== undefined) return { definition: readDefinitionFile(opts.file).definition }
  return { definition: await definitionFromExpressions(backend, opts) }
}

/** A --columns list (Identity,Name,Email,plan) as properties; an unknown one is bad input naming it. */
export async function resolveColumns(backend: Backend, list: string): Promise<PropertyRef[]> {
  const types = await customTypes(backend)
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
  if (names.length === 0) throw bad('--columns names no column')
  return names.map((name) => {
    try {
      return resolveProperty(name.replace(/^custom:"(.*)"$/, 'custom:$1'), types)
    } catch (error) {
      if (error instanceof ExpressionError) throw bad(`unknown column: ${error.message}`)
      throw error
    }
  })
}
