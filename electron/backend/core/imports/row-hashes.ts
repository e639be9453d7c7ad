// Unchanged rows cost a lookup, not a diff (issue 11). Each profile an import wrote (or found unchanged)
// keeps a content hash of the row that did it: the row's mapped cells plus a fingerprint of the mapping,
// the header and the account's custom property types (import_row_hashes, schema 12). Triggers delete a
// profile's hash whenever anything else changes the profile (its row or its identifiers), so a stored
// hash equal to a row's hash means the row was applied to the profile exactly as it stands: applying it
// again changes nothing, and the row is counted unchanged before any validation, diff or JSON. A device
// change counts too (a profile file's push_token column writes the profile's device): the reachability
// triggers (devices/schema.ts) update the profile's row whenever a device's holder, platform, token or
// state changes or a device is deleted, and that update drops the hash. Only rows
// with an identity that occurs once in the file take this path (a repeated identity's rows are merged).
import { createHash, hash as oneShotHash } from 'node:crypto'
import type { ProfileImportMapping } from '../../../../shared/ipc/channels/imports'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { prepared } from '../profiles/statements'
import type { ParsedRow } from './csv-reader'
import type { PlanOutcome } from './profile-batch-writer'
import type { RowPlan } from './profile-plan'

/** Bytes of the sha256 digest kept: a false "unchanged" needs a 128-bit collision. */
const HASH_BYTES = 16

export const ROW_HASH_SCHEMA = `
  -- The content hash of the import row that last made each profile what it is (row-hashes.ts).
  CREATE TABLE import_row_hashes (
    profile_id INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
  ) STRICT;
  -- Any other change to the profile (an edit, a sync, an import of another file) makes the hash stale.
  CREATE TRIGGER import_row_hashes_profile_update AFTER UPDATE ON profiles
    BEGIN DELETE FROM import_row_hashes WHERE profile_id = old.id; END;
  CREATE TRIGGER import_row_hashes_profile_delete AFTER DELETE ON profiles
    BEGIN DELETE FROM import_row_hashes WHERE profile_id = old.id; END;
  CREATE TRIGGER import_row_hashes_identifier_insert AFTER INSERT ON identifiers
    BEGIN DELETE FROM import_row_hashes WHERE profile_id = new.profile_id; END;
  CREATE TRIGGER import_row_hashes_identifier_delete AFTER DELETE ON identifiers
    BEGIN DELETE FROM import_row_hashes WHERE profile_id = old.profile_id; END;
`

/** A row's hash and the identity it is looked up by. */
export interface RowHash {
  identity: string
  /**
   * The first HASH_BYTES of the digest in hex. A string, not a Buffer: a Buffer a row (and one a
   * stored hash) made the garbage collector the largest cost of an unchanged re-import.
   */
  hash: string
}

/** Hashes rows of one import: the cells its mapping reads, after a fingerprint of everything else that decides a row's effect. */
export class RowHasher {
  private readonly fingerprint: string
  private readonly columns: number[]
  private readonly identityIndex: number
  private readonly headerCount: number

  constructor(
    mapping: ProfileImportMapping,
    headers: readonly string[],
    types: ReadonlyMap<string, CustomPropertyType>,
  ) {
    this.columns = mapping.columns
      .filter((c) => c.target.kind !== 'ignore')
      .map((c) => c.index)
      .sort((a, b) => a - b)
    this.identityIndex = mapping.columns.find((c) => c.target.kind === 'identity')?.index ?? -1
    this.headerCount = headers.length
    // The account's type of each custom key the mapping writes (a key the import introduces gets the
    // mapping's type, so the run that introduces it and the next one agree).
    const customTypes = mapping.columns.flatMap((c) =>
      c.target.kind === 'custom' ? [[c.target.key, types.get(c.target.key) ?? c.target.type]] : [],
    )
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify({ mapping, headers, customTypes }))
      .digest('hex')
  }

  /** The row's hash, or null when the row cannot take the fast path (no identity, a parse problem, a ragged row). */
  hashOf(row: ParsedRow): RowHash | null {
    if (this.identityIndex === -1 || row.problem !== undefined || row.cells.length !== this.headerCount)
      return null
    const identity = (row.cells[this.identityIndex] ?? '').trim()
    if (identity === '') return null
    // Each cell with its length, so cell boundaries cannot shift between rows with the same bytes. One
    // string and a one-shot digest: 2.4 times faster than a Hash object fed cell by cell.
    let text = this.fingerprint
    for (const index of this.columns) {
      const cell = row.cells[index] ?? ''
      text += `${cell.length}:${cell}`
    }
    return { identity, hash: oneShotHash('sha256', text, 'hex').slice(0, HASH_BYTES * 2) }
  }
}

/**
 * Which of these rows' hashes equal the ones their identities' profiles keep, compared by SQLite: one
 * query, the identities in key order, and only the matches come back (their positions in `hashes`, with
 * the profile's object id when asked: that join is a third B-tree lookup a row).
 */
export function storedMatches(
  db: Db,
  hashes: readonly RowHash[],
  withObjectIds: boolean,
): Map<number, string> {
  const found = new Map<number, string>()
  if (hashes.length === 0) return found
  const list = JSON.stringify(
    hashes.map((h, i) => [h.identity, h.hash, i] as const).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
  )
  const from = `FROM json_each(?) j
    JOIN identifiers i ON i.value_key = j.value ->> 0 AND i.kind = 'identity' AND i.name = ''
    JOIN import_row_hashes h ON h.profile_id = i.profile_id AND h.hash = unhex(j.value ->> 1)`
  if (!withObjectIds) {
    const at = prepared(db, `SELECT j.value ->> 2 ${from}`).pluck().all(list) as number[]
    for (const i of at) found.set(i, '')
    return found
  }
  const rows = prepared(
    db,
    `SELECT j.value ->> 2, p.object_id ${from} JOIN profiles p ON p.id = i.profile_id`,
  )
    .raw()
    .all(list) as [number, string][]
  for (const [i, objectId] of rows) found.set(i, objectId)
  return found
}

/** The hashes of a batch's rows that set their profiles (rejected rows and merged plans keep none). */
export function writtenHashes(
  outcomes: readonly PlanOutcome[],
  hashOf: ReadonlyMap<RowPlan, string>,
): { objectId: string; hash: string }[] {
  return outcomes.flatMap((o) => {
    const hash = o.outcome === 'rejected' ? undefined : hashOf.get(o.plan)
    return hash === undefined || o.outcome === 'rejected' ? [] : [{ objectId: o.objectId, hash }]
  })
}

/**
 * Inside a batch's transaction, after its rows are written: the hash of each row that set its profile.
 * CROSS JOIN keeps the batch's list outside, so each row is one lookup on profiles(object_id), never a
 * scan of profiles per batch.
 */
export function recordRowHashes(db: Db, written: readonly { objectId: string; hash: string }[]): void {
  if (written.length === 0) return
  prepared(
    db,
    `INSERT OR REPLACE INTO import_row_hashes (profile_id, hash)
     SELECT p.id, unhex(j.value ->> 1) FROM json_each(?) j CROSS JOIN profiles p ON p.object_id = j.value ->> 0`,
  ).run(JSON.stringify(written.map((w) => [w.objectId, w.hash])))
}

/**
 * Pass 2's fast path: the stored hashes of a chunk's rows are looked up together (one query, before any
 * of its rows is validated); a row whose hash matches its profile's is counted unchanged and skipped.
 */
export class UnchangedRows {
  private readonly hasher: RowHasher
  private hashes = new Map<ParsedRow, RowHash>()
  /** The chunk's hashes equal to their profiles' stored ones, with the profile's object id ('' when not asked). */
  private matched = new Map<RowHash, string>()
  /**
   * False when no profile kept a hash when the run started (a first import): a hash this run writes is
   * for an identity that occurs once in the file, so it is never looked up again by this run.
   */
  private readonly anyStored: boolean

  constructor(
    private readonly db: Db,
    mapping: ProfileImportMapping,
    headers: readonly string[],
    types: ReadonlyMap<string, CustomPropertyType>,
    private readonly file: {
      /** Rows of the file placed by objectId alone (pass 1). */
      objectIdRows: number
      /** The first and last line of a key in the file (pass 1). */
      linesOf: (key: string) => { first: number; last: number } | null
    },
  ) {
    this.hasher = new RowHasher(mapping, headers, types)
    this.anyStored = prepared(db, 'SELECT 1 FROM import_row_hashes LIMIT 1').get() !== undefined
  }

  /** True when some profile kept a row hash when the run started (the file may be one imported before). */
  get anyKept(): boolean {
    return this.anyStored
  }

  /**
   * Hashes the chunk's rows past the resume line and reads the stored hashes of their profiles (unless
   * `readStored` is false: rows pass 1 already found changed need only their hashes).
   */
  lookUp(chunk: readonly ParsedRow[], resumeLine: number, readStored = true): void {
    this.hashes = new Map()
    for (const row of chunk) {
      if (row.line <= resumeLine) continue
      const hash = this.hasher.hashOf(row)
      if (hash) this.hashes.set(row, hash)
    }
    this.matched = new Map()
    if (!this.anyStored || !readStored) return
    const hashes = [...this.hashes.values()]
    for (const [i, objectId] of storedMatches(this.db, hashes, this.file.objectIdRows > 0))
      this.matched.set(hashes[i] as RowHash, objectId)
  }

  hashOf(row: ParsedRow): RowHash | undefined {
    return this.hashes.get(row)
  }

  /** The row (its identity's only row in the file) was applied to its profile as it stands now. */
  alreadyApplied(rowHash: RowHash | undefined, onlyRowOfItsIdentity: boolean): boolean {
    if (!rowHash || !onlyRowOfItsIdentity) return false
    const objectId = this.matched.get(rowHash)
    if (objectId === undefined) return false
    // A row placed by this profile's objectId elsewhere in the file may change it: that row decides.
    return this.file.objectIdRows === 0 || this.file.linesOf(`o:${objectId}`) === null
  }
}
