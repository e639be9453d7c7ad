// How far a database's WAL runs ahead of the database file, read from its wal-index (the -shm file) without
// taking a lock or running a checkpoint: the frames a checkpoint would have to copy now.
import { closeSync, openSync, readSync } from 'node:fs'

/**
 * The wal-index layout of SQLite's unix and windows VFS (sqlite.org/walformat.html, "The WAL-Index
 * Header"): two copies of a 48-byte header (mxFrame, the last valid frame, at byte 16), then the checkpoint
 * info (nBackfill, the frames already copied into the database, at byte 96). Native byte order.
 * better-sqlite3 offers no sqlite3_wal_hook and PRAGMA wal_checkpoint always checkpoints, so this is the
 * only way to ask "how big is the backlog" without doing the work.
 */
const MX_FRAME = 16
const SALT = 32
const N_BACKFILL = 96
const HEADER_BYTES = 100

export interface WalBacklog {
  /** Frames in the WAL (since it last restarted from its start). */
  frames: number
  /** Of those, frames already copied into the database file. */
  backfilled: number
  /** Changes whenever the WAL starts over from its beginning (the header's first salt). */
  generation: number
}

/** The WAL's frames and how many are checkpointed; null when the wal-index cannot be read (no WAL yet). */
export function readWalBacklog(databaseFile: string): WalBacklog | null {
  let fd: number
  try {
    fd = openSync(`${databaseFile}-shm`, 'r')
  } catch {
    return null
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES)
    if (readSync(fd, header, 0, HEADER_BYTES, 0) < HEADER_BYTES) return null
    const frames = nativeUInt32(header, MX_FRAME)
    const backfilled = nativeUInt32(header, N_BACKFILL)
    // A header caught mid-update (or an index being rebuilt) can say more was copied than exists.
    return { frames, backfilled: Math.min(backfilled, frames), generation: nativeUInt32(header, SALT) }
  } finally {
    closeSync(fd)
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function nativeUInt32(buffer: Buffer, offset: number): number {
  return LITTLE_ENDIAN ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset)
}
