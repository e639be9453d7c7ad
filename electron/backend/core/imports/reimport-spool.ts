// A re-import reads its file once (issue 11). Pass 1, which parses every row anyway to record its key,
// also settles the rows whose content hash equals the one their profile keeps (row-hashes.ts): those are
// counted unchanged there, and only the other rows are spooled to the file's temporary database
// (file-keys.ts). Pass 2 then reads the spooled rows back instead of decoding and parsing the file again,
// so an unchanged row costs one parse, one hash and one lookup, and a 10%-changed file plans only its
// changed rows. The settling holds only if no identity repeats in the file, no row is placed by objectId
// and the run is not a resume; otherwise (or when too many rows are spooled to be worth it) pass 2
// parses the file as before.
import type { ProfileImportCounts, ProfileImportMapping } from '../../../../shared/ipc/channels/imports'
import type { Db } from '../db/connection'
import { loadCustomTypes } from '../profiles/properties'
import type { ParsedRow, StreamStats } from './csv-reader'
import type { FileKeys } from './file-keys'
import { UnchangedRows } from './row-hashes'
import type { RunSpec } from './run-report'

/** Spooling stops once more than this share of the rows read (and at least MIN_GIVE_UP rows) is spooled. */
const GIVE_UP_SHARE = 0.5
const MIN_GIVE_UP = 20_000
/** Rows read back from the spool at a time: about a file chunk's worth (csv-reader.ts), so they die young too. */
const SPOOL_CHUNK_ROWS = 500

export class ReimportSpool {
  private readonly unchanged: UnchangedRows
  /** Rows settled unchanged in pass 1. */
  settled = 0
  private read = 0
  private abandoned: boolean
  /** Decided once pass 1 has seen every row (decide()). */
  inUse = false

  constructor(
    db: Db,
    spec: RunSpec,
    private readonly keys: FileKeys<unknown>,
  ) {
    // Provisional: pass 1 does not know yet whether a row is its identity's only one or whether a row
    // is placed by objectId; usable() refuses the spool unless both hold for the whole file.
    this.unchanged = new UnchangedRows(
      db,
      spec.mapping as ProfileImportMapping,
      spec.headers,
      loadCustomTypes(db),
      { objectIdRows: 0, linesOf: () => null },
    )
    // A first import (no profile keeps a hash) would spool every row: it parses the file twice instead.
    this.abandoned = !this.unchanged.anyKept
  }

  /** Settles the data rows of a chunk: unchanged ones counted, the rest spooled. */
  take(rows: readonly ParsedRow[]): void {
    if (this.abandoned || rows.length === 0) return
    this.read += rows.length
    this.unchanged.lookUp(rows, 0)
    const rest: ParsedRow[] = []
    for (const row of rows) {
      if (this.unchanged.alreadyApplied(this.unchanged.hashOf(row), true)) this.settled++
      else rest.push(row)
    }
    this.keys.spool(rest)
    if (this.keys.spooled > Math.max(MIN_GIVE_UP, this.read * GIVE_UP_SHARE)) {
      this.abandoned = true
      this.settled = 0
      this.keys.dropSpool()
    }
  }

  /** After pass 1: whether pass 2 reads the spool instead of the file (if not, the spool is dropped). */
  decide(file: { objectIdRows: number }, resuming: boolean): void {
    this.inUse = !this.abandoned && !resuming && file.objectIdRows === 0 && !this.keys.repeats
    if (!this.inUse) this.keys.dropSpool()
  }

  /**
   * Pass 2's rows: the spooled ones (the rows pass 1 settled counted now, and what its reading of the
   * file found kept), or the file read again (header first).
   */
  rows(
    stats: StreamStats,
    counts: ProfileImportCounts,
    pass1: StreamStats,
    readFile: () => AsyncIterable<ParsedRow[]>,
  ): Iterable<ParsedRow[]> | AsyncIterable<ParsedRow[]> {
    if (!this.inUse) return readFile()
    Object.assign(stats, pass1)
    counts.rows += this.settled
    counts.unchanged += this.settled
    return this.keys.spooledChunks(SPOOL_CHUNK_ROWS)
  }
}
