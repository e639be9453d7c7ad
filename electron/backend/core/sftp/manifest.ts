// CleverTap-style `.manifest` files (CLEVERTAP-API.md §8): JSON naming the CSV it completes (`fileName`),
// its `type` (profile/event) and optional `columns` ({csvColumn: {ctName, dataType}}). A manifest tells
// that its CSV is complete, and its columns refine the mapping; columns it does not name keep the
// proposal made from the headers (CleverTap: "an unmapped column becomes a property with its own name").
import type {
  EventColumnMapping,
  EventColumnTarget,
  ImportKind,
  ImportMapping,
  ProfileColumnMapping,
  ProfileColumnTarget,
} from '../../../../shared/ipc/channels/imports'
import { findSystemProperty } from '../../../../shared/profile/catalogue'
import { unsafeNameReason } from './names'
import type { ByteLimit } from './size-limit'

export interface ManifestColumn {
  ctName: string | null
  dataType: 'STRING' | 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'LONG'
}

export interface Manifest {
  fileName: string
  kind: ImportKind | null
  clientEmail: string | null
  columns: Map<string, ManifestColumn>
}

export const MANIFEST_SUFFIX = '.manifest'
/** A manifest is a few lines of JSON; anything bigger is not one (counted as it arrives, not as listed). */
export const MANIFEST_LIMIT: ByteLimit = {
  bytes: 1024 * 1024,
  description: '1 MiB (1,048,576 bytes), the most a manifest may be',
}

const DATA_TYPES = ['STRING', 'INTEGER', 'FLOAT', 'BOOLEAN', 'LONG'] as const

export function isManifestName(name: string): boolean {
  return name.toLowerCase().endsWith(MANIFEST_SUFFIX)
}

/** CleverTap's own wording for a bad manifest, followed by what exactly is wrong. */
function incorrect(manifestName: string, why: string): { ok: false; message: string } {
  return { ok: false, message: `Incorrect details in manifest file ${manifestName}: ${why}` }
}

export function parseManifest(
  text: string,
  manifestName: string,
): { ok: true; manifest: Manifest } | { ok: false; message: string } {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    return incorrect(manifestName, `it is not valid JSON (${(error as Error).message}).`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return incorrect(manifestName, 'it is not a JSON object.')
  const body = json as Record<string, unknown>
  const fileName = body['fileName']
  if (typeof fileName !== 'string' || fileName.trim() === '') {
    return incorrect(manifestName, '"fileName" (the name of the CSV file it belongs to) is missing.')
  }
  if (unsafeNameReason(fileName.trim()) !== null) {
    return incorrect(
      manifestName,
      `"fileName" must be a file name in the same folder, not a path (${JSON.stringify(fileName)}).`,
    )
  }
  let kind: ImportKind | null = null
  const type = body['type']
  if (type !== undefined && type !== null) {
    const text = String(type).trim().toLowerCase()
    if (text === 'profile' || text === 'profiles') kind = 'profiles'
    else if (text === 'event' || text === 'events') kind = 'events'
    else return incorrect(manifestName, `"type" must be "profile" or "event", not ${JSON.stringify(type)}.`)
  }
  const columns = new Map<string, ManifestColumn>()
  const rawColumns = body['columns']
  if (rawColumns !== undefined && rawColumns !== null) {
    if (typeof rawColumns !== 'object' || Array.isArray(rawColumns)) {
      return incorrect(
        manifestName,
        '"columns" must be an object of {"<column>": {"ctName": …, "dataType": …}}.',
      )
    }
    for (const [column, spec] of Object.entries(rawColumns as Record<string, unknown>)) {
      if (typeof spec !== 'object' || spec === null) {
        return incorrect(manifestName, `the entry for column "${column}" is not an object.`)
      }
      const entry = spec as Record<string, unknown>
      const ctName =
        typeof entry['ctName'] === 'string' && entry['ctName'].trim() !== '' ? entry['ctName'].trim() : null
      const rawType =
        entry['dataType'] === undefined ? 'STRING' : String(entry['dataType']).trim().toUpperCase()
      const dataType = DATA_TYPES.find((t) => t === rawType)
      if (!dataType) {
        return incorrect(
          manifestName,
          `column "${column}" has dataType ${JSON.stringify(entry['dataType'])}; use one of ${DATA_TYPES.join(', ')}.`,
        )
      }
      columns.set(column, { ctName, dataType })
    }
  }
  const email = body['clientEmail']
  return {
    ok: true,
    manifest: {
      fileName: fileName.trim(),
      kind,
      clientEmail: typeof email === 'string' && email.trim() !== '' ? email.trim() : null,
      columns,
    },
  }
}

type ValueType = 'string' | 'number' | 'boolean'

function valueType(dataType: ManifestColumn['dataType']): ValueType {
  if (dataType === 'BOOLEAN') return 'boolean'
  if (dataType === 'STRING') return 'string'
  return 'number'
}

function profileTarget(column: string, spec: ManifestColumn): ProfileColumnTarget {
  const name = spec.ctName ?? column
  const lower = name.toLowerCase()
  if (lower === 'identity') return { kind: 'identity' }
  if (lower === 'objectid' || lower === 'guid') return { kind: 'objectId' }
  // A profile's `ts` says when the row was exported; profiles here keep their own change times.
  if (lower === 'ts') return { kind: 'ignore' }
  const system = findSystemProperty(name)
  if (system) return system.key === 'Identity' ? { kind: 'identity' } : { kind: 'system', key: system.key }
  return { kind: 'custom', key: name, type: valueType(spec.dataType) }
}

function eventTarget(column: string, spec: ManifestColumn): EventColumnTarget {
  const name = spec.ctName ?? column
  const lower = name.toLowerCase()
  if (lower === 'identity') return { kind: 'identity' }
  if (lower === 'objectid' || lower === 'guid') return { kind: 'deviceId' }
  if (lower === 'ts') return { kind: 'timestamp' }
  if (lower === 'evtname') return { kind: 'eventName' }
  return { kind: 'eventProperty', key: name, type: valueType(spec.dataType) }
}

/**
 * The mapping for a file with a manifest: the manifest's columns where it names them, the proposal from
 * the headers elsewhere. Fails when the manifest names a column the file does not have.
 */
export function manifestMapping(
  manifest: Manifest,
  manifestName: string,
  headers: readonly string[],
  proposal: ImportMapping,
): { ok: true; mapping: ImportMapping } | { ok: false; message: string } {
  const trimmed = headers.map((h) => h.trim())
  for (const column of manifest.columns.keys()) {
    if (!trimmed.includes(column.trim())) {
      return incorrect(
        manifestName,
        `it describes a column "${column}" that ${manifest.fileName} does not have.`,
      )
    }
  }
  const specFor = (header: string) => manifest.columns.get(header) ?? manifest.columns.get(header.trim())
  if (proposal.kind === 'profiles') {
    const columns: ProfileColumnMapping[] = proposal.columns.map((entry) => {
      const spec = specFor(entry.column)
      if (!spec) return entry
      const target = profileTarget(entry.column, spec)
      return { column: entry.column, index: entry.index, target }
    })
    return { ok: true, mapping: { kind: 'profiles', columns } }
  }
  const columns: EventColumnMapping[] = proposal.columns.map((entry) => {
    const spec = specFor(entry.column)
    if (!spec) return entry
    const target = eventTarget(entry.column, spec)
    return target.kind === 'timestamp'
      ? { column: entry.column, index: entry.index, target, dateFormat: 'auto' }
      : { column: entry.column, index: entry.index, target }
  })
  return { ok: true, mapping: { kind: 'events', columns } }
}
