// Bytes to text for CSV files, chunk by chunk: UTF-8 with or without a BOM, UTF-16 with a BOM, or
// Windows-1252. In `auto` a file that is not valid UTF-8 is read as Windows-1252 with a notice, but only
// when nothing before the first bad byte was multi-byte UTF-8; a file mixing both is refused with the
// line of the first bad byte. Nothing is ever decoded into mojibake silently.
import type { ImportEncoding } from '../../../../shared/ipc/channels/imports'

export type DecodedAs = 'utf-8' | 'utf-8 (BOM)' | 'windows-1252' | 'utf-16le' | 'utf-16be'

/** The first byte that breaks UTF-8, found by the caller's line counting; thrown out of decode(). */
export class InvalidEncodingError extends Error {
  constructor(
    /** Offset of the bad byte from the start of the file. */
    readonly byteOffset: number,
    readonly byte: number,
    readonly reason: 'mixed' | 'not-utf8',
  ) {
    super(`invalid UTF-8 byte 0x${byte.toString(16).padStart(2, '0')} at offset ${byteOffset}`)
  }
}

/** Length of the trailing bytes that start a UTF-8 sequence the chunk does not finish (0-3). */
function incompleteTail(buf: Uint8Array): number {
  const end = buf.length
  for (let back = 1; back <= 3 && back <= end; back++) {
    const b = buf[end - back] as number
    if ((b & 0xc0) === 0x80) continue // continuation byte: keep looking for the lead
    if (b < 0x80) return 0
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > back ? back : 0
  }
  return 0
}

/** Offset of the first byte that is not part of valid UTF-8 (the decoder already said there is one). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0
  while (i < buf.length) {
    const b = buf[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80]
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800]
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000]
    else return i
    if (i + need > buf.length - 1) return i
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k]
      if (c === undefined || (c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return buf.length
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const windows1252 = new TextDecoder('windows-1252')

export class StreamDecoder {
  private as: DecodedAs | null = null
  private carry: Uint8Array = new Uint8Array(0)
  private utf16: InstanceType<typeof TextDecoder> | null = null
  /** Bytes consumed so far (file offset of the next chunk). */
  private offset = 0
  /** Whether any multi-byte UTF-8 has been decoded: after that, a bad byte means a mixed file. */
  private sawMultibyte = false
  /** Set when `auto` fell back to Windows-1252: the offset of the first byte that was not UTF-8. */
  fallbackAt: number | null = null

  constructor(private readonly mode: ImportEncoding) {}

  get encoding(): DecodedAs {
    return this.as ?? (this.mode === 'windows-1252' ? 'windows-1252' : 'utf-8')
  }

  decode(chunk: Uint8Array): string {
    const chunkStart = this.offset
    this.offset += chunk.length
    if (this.as === null) {
      const headStart = chunkStart - this.carry.length
      const joined = this.join(chunk)
      // Too short to see a BOM yet: wait for more (a file shorter than 3 bytes is flushed by end()).
      if (joined.length < 3 && this.mode !== 'windows-1252') {
        this.carry = joined
        return ''
      }
      this.carry = new Uint8Array(0)
      const bytes = this.pickEncoding(joined)
      return this.decodeBytes(bytes, headStart + joined.length - bytes.length)
    }
    return this.decodeBytes(chunk, chunkStart)
  }

  end(): string {
    if (this.as === null) {
      const rest = this.carry
      this.carry = new Uint8Array(0)
      if (rest.length === 0) return ''
      const bytes = this.pickEncoding(rest)
      return this.decodeBytes(bytes, this.offset - bytes.length, true)
    }
    if (this.utf16) return this.utf16.decode()
    if (this.carry.length === 0) return ''
    return this.decodeBytes(new Uint8Array(0), this.offset, true)
  }

  private join(chunk: Uint8Array): Uint8Array {
    if (this.carry.length === 0) return chunk
    const joined = new Uint8Array(this.carry.length + chunk.length)
    joined.set(this.carry, 0)
    joined.set(chunk, this.carry.length)
    return joined
  }

  /** Decides the encoding from the first bytes; returns the bytes left after a BOM. */
  private pickEncoding(head: Uint8Array): Uint8Array {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf && this.mode !== 'windows-1252') {
      this.as = 'utf-8 (BOM)'
      return head.subarray(3)
    }
    if (head[0] === 0xff && head[1] === 0xfe) {
      this.as = 'utf-16le'
      this.utf16 = new TextDecoder('utf-16le')
      return head.subarray(2)
    }
    if (head[0] === 0xfe && head[1] === 0xff) {
      this.as = 'utf-16be'
      this.utf16 = new TextDecoder('utf-16be')
      return head.subarray(2)
    }
    this.as = this.mode === 'windows-1252' ? 'windows-1252' : 'utf-8'
    return head
  }

  /** `inputStart` is the file offset of input[0]; a carried tail sits just before it. */
  private decodeBytes(input: Uint8Array, inputStart: number, final = false): string {
    if (this.utf16) return this.utf16.decode(input, { stream: !final })
    if (this.as === 'windows-1252') return windows1252.decode(input)
    let bytes = this.join(input)
    const base = inputStart - this.carry.length
    this.carry = new Uint8Array(0)
    if (!final) {
      const tail = incompleteTail(bytes)
      if (tail > 0) {
        this.carry = bytes.slice(bytes.length - tail)
        bytes = bytes.subarray(0, bytes.length - tail)
      }
    }
    try {
      const text = utf8.decode(bytes)
      if (!this.sawMultibyte && text.length !== bytes.length) this.sawMultibyte = true
      return text
    } catch {
      const bad = firstInvalidUtf8(bytes)
      const before = bytes.subarray(0, bad)
      const multibyteBefore = this.sawMultibyte || before.some((b) => b >= 0x80)
      if (this.mode === 'auto' && !multibyteBefore) {
        // Everything so far was ASCII, which reads the same in Windows-1252: switch for the rest.
        this.as = 'windows-1252'
        this.fallbackAt = base + bad
        const rest = this.carry
        this.carry = new Uint8Array(0)
        return windows1252.decode(bytes) + (rest.length ? windows1252.decode(rest) : '')
      }
      throw new InvalidEncodingError(base + bad, bytes[bad] ?? 0, multibyteBefore ? 'mixed' : 'not-utf8')
    }
  }
}
