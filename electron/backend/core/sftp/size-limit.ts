// How big a remote file may be, counted on the wire: a server's listing and `stat` may lie, so the bytes
// are counted as they arrive and the transfer stops the moment one more than the limit has come. Data
// files: CleverTap's SFTP limit of 5 GB per file (CLEVERTAP-API.md §8), or a lower one the backend is
// given; manifests: 1 MiB.
import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'

/**
 * CleverTap accepts "at most 5 GB per file". Read as decimal gigabytes, the stricter reading, so no file
 * this app takes is one CleverTap would refuse.
 */
export const CLEVERTAP_MAX_FILE_BYTES = 5_000_000_000

export interface ByteLimit {
  bytes: number
  /** The limit in words, for the message: "CleverTap’s SFTP limit of 5 GB (…) per file". */
  description: string
}

function bytesText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`
}

/** The limit for data files: CleverTap's, or the lower one given to the backend. */
export function dataFileLimit(maxFileBytes: number): ByteLimit {
  if (maxFileBytes >= CLEVERTAP_MAX_FILE_BYTES) {
    return {
      bytes: CLEVERTAP_MAX_FILE_BYTES,
      description: `CleverTap’s SFTP limit of 5 GB (${bytesText(CLEVERTAP_MAX_FILE_BYTES)}) per file`,
    }
  }
  return {
    bytes: maxFileBytes,
    description: `the limit of ${bytesText(maxFileBytes)} per file set for SFTP imports`,
  }
}

/** The bytes of a file went past its limit; what arrived is not kept. */
export class ByteLimitExceeded extends Error {
  constructor(
    readonly limit: ByteLimit,
    name: string,
    /** Bytes counted when it stopped (more than the limit), or the size the server listed. */
    readonly counted: number,
    listed: boolean,
  ) {
    super(
      listed
        ? `${name} is ${bytesText(counted)} as the server lists it, more than ${limit.description}: it was not downloaded.`
        : `${name} is larger than ${limit.description}: the download was stopped after ${bytesText(counted)} arrived, and nothing of it was kept.`,
    )
    this.name = 'ByteLimitExceeded'
  }
}

/**
 * A pass-through that counts and hashes each chunk and errors (ending the pipeline it is in) as soon as
 * more than `limit.bytes` have passed: the chunk that crosses the limit is not passed on.
 */
export class Meter extends Transform {
  private readonly hash = createHash('sha256')
  /** Bytes passed through so far. */
  bytes = 0

  constructor(
    private readonly limit: ByteLimit,
    private readonly fileName: string,
    private readonly onBytes: (bytes: number) => void,
  ) {
    super()
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length
    if (this.bytes > this.limit.bytes) {
      done(new ByteLimitExceeded(this.limit, this.fileName, this.bytes, false))
      return
    }
    this.hash.update(chunk)
    this.onBytes(this.bytes)
    done(null, chunk)
  }

  /** The SHA-256 of every byte passed through (hex); call once, at the end. */
  sha256(): string {
    return this.hash.digest('hex')
  }
}
