// Saved segments: create, replace, rename, duplicate, delete, and their JSON files (export and import).
// Names are unique without regard to case, so `--segment NAME` on the command line finds one segment.
import { randomUUID } from 'node:crypto'
import { AppError } from '../../../../shared/ipc/envelope'
import {
  SEGMENT_FILE_FORMAT,
  SEGMENT_FILE_VERSION,
  flattenConditions,
  segmentFile,
  type SegmentDefinition,
} from '../../../../shared/segments/definition'
import type {
  SavedSegment,
  SavedSegmentSummary,
  SegmentDefinitionFile,
} from '../../../../shared/segments/types'
import type { Db } from '../db/connection'
import { nowSeconds } from '../profiles/statements'

interface SegmentRow {
  id: string
  name: string
  definition: string
  created_at: number
  updated_at: number
}

function toSegment(row: SegmentRow): SavedSegment {
  return {
    id: row.id,
    name: row.name,
    definition: JSON.parse(row.definition) as SegmentDefinition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function listSegments(db: Db): SavedSegmentSummary[] {
  const rows = db.prepare('SELECT * FROM saved_segments ORDER BY name').all() as SegmentRow[]
  return rows.map((row) => {
    const { definition, ...rest } = toSegment(row)
    return { ...rest, conditions: flattenConditions(definition).length }
  })
}

export function getSegment(db: Db, id: string): SavedSegment {
  const row = db.prepare('SELECT * FROM saved_segments WHERE id = ?').get(id) as SegmentRow | undefined
  if (!row) throw new AppError('not_found', `No saved segment has the id "${id}"; it may have been deleted.`)
  return toSegment(row)
}

/** A saved segment by its name (any case); null when none has it. */
export function findSegmentByName(db: Db, name: string): SavedSegment | null {
  const row = db.prepare('SELECT * FROM saved_segments WHERE name = ?').get(name.trim()) as
    SegmentRow | undefined
  return row ? toSegment(row) : null
}

function nameTaken(db: Db, name: string, exceptId: string | null): boolean {
  const row = db.prepare('SELECT id FROM saved_segments WHERE name = ?').get(name) as
    { id: string } | undefined
  return row !== undefined && row.id !== exceptId
}

function refuseTaken(db: Db, name: string, exceptId: string | null): void {
  if (nameTaken(db, name, exceptId))
    throw new AppError(
      'conflict',
      `A segment called "${name}" already exists; choose another name or rename that one.`,
      {
        name,
      },
    )
}

export function saveSegment(
  db: Db,
  at: number,
  request: { id?: string | undefined; name: string; definition: SegmentDefinition },
): SavedSegment {
  const name = request.name.trim()
  const now = nowSeconds(() => at)
  if (request.id !== undefined) {
    getSegment(db, request.id)
    refuseTaken(db, name, request.id)
    db.prepare('UPDATE saved_segments SET name = ?, definition = ?, updated_at = ? WHERE id = ?').run(
      name,
      JSON.stringify(request.definition),
      now,
      request.id,
    )
    return getSegment(db, request.id)
  }
  refuseTaken(db, name, null)
  const id = randomUUID()
  db.prepare(
    'INSERT INTO saved_segments (id, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, name, JSON.stringify(request.definition), now, now)
  return getSegment(db, id)
}

export function renameSegment(db: Db, at: number, id: string, name: string): SavedSegment {
  const segment = getSegment(db, id)
  return saveSegment(db, at, { id, name, definition: segment.definition })
}

/** A free name: the wanted one, else "wanted (2)", "wanted (3)", … */
export function freeName(db: Db, wanted: string): string {
  if (!nameTaken(db, wanted, null)) return wanted
  for (let n = 2; ; n++) {
    const candidate = `${wanted} (${n})`
    if (!nameTaken(db, candidate, null)) return candidate
  }
}

export function duplicateSegment(db: Db, at: number, id: string, name?: string): SavedSegment {
  const segment = getSegment(db, id)
  const target = name?.trim() ?? freeName(db, `${segment.name} (copy)`)
  return saveSegment(db, at, { name: target, definition: segment.definition })
}

export function deleteSegment(db: Db, id: string): { deleted: true } {
  if (db.prepare('DELETE FROM saved_segments WHERE id = ?').run(id).changes === 0)
    throw new AppError('not_found', `No saved segment has the id "${id}"; it may have been deleted already.`)
  return { deleted: true }
}

export function exportDefinition(db: Db, id: string): SegmentDefinitionFile {
  const segment = getSegment(db, id)
  const safe = segment.name.replace(/[^\w.() -]+/g, '_').slice(0, 100) || 'segment'
  return {
    fileName: `${safe}.segment.json`,
    content: `${JSON.stringify(segmentFile(segment.name, segment.definition), null, 2)}\n`,
  }
}

/** The name and definition an exported file holds; its shape is checked again by the caller's schema. */
export function readSegmentFile(content: string): { name: string; definition: unknown } {
  let parsed: unknown
  try {
    parsed = JSON.parse(content)
  } catch (error) {
    throw new AppError('validation', `The segment file is not JSON: ${(error as Error).message}.`)
  }
  const file = parsed as Record<string, unknown> | null
  if (file === null || typeof file !== 'object' || file.format !== SEGMENT_FILE_FORMAT)
    throw new AppError(
      'validation',
      `This is not a segment file: it should say "format": "${SEGMENT_FILE_FORMAT}".`,
    )
  if (file.version !== SEGMENT_FILE_VERSION)
    throw new AppError(
      'validation',
      `This segment file is version ${String(file.version)}; this app reads version ${SEGMENT_FILE_VERSION}. Update the app to import it.`,
    )
  if (typeof file.name !== 'string' || file.name.trim() === '')
    throw new AppError('validation', 'The segment file has no name; import it with a name.')
  return { name: file.name, definition: file.definition }
}
