// Masks of the segment engine (one byte per internal profile id, 1 = kept), combined and counted four
// bytes at a time through 32-bit views: a third of the passes' CPU at 1M profiles. The snapshot keeps its
// capacity a multiple of MASK_ALIGN so every mask has whole words.
import type { Join } from '../../../../shared/segments/definition'

/** Masks (and the snapshot's columns) are sized in multiples of this many ids. */
export const MASK_ALIGN = 8

export function alignedSize(size: number): number {
  return Math.ceil(size / MASK_ALIGN) * MASK_ALIGN
}

function words(mask: Uint8Array): Uint32Array {
  return new Uint32Array(mask.buffer, mask.byteOffset, mask.length >>> 2)
}

/** 0x01 bytes of a word summed: the product's top byte is the sum of the four bytes. */
function byteSum(word: number): number {
  return Math.imul(word & 0x01010101, 0x01010101) >>> 24
}

/** How many ids are set in `mask` (and in `and`, when given). */
export function popcount(mask: Uint8Array, and?: Uint8Array): number {
  let n = 0
  const whole = mask.length & ~3
  if (whole === mask.length && mask.byteOffset % 4 === 0 && (!and || and.byteOffset % 4 === 0)) {
    const a = words(mask)
    if (and) {
      const b = words(and)
      for (let i = 0; i < a.length; i++) n += byteSum(a[i]! & b[i]!)
    } else for (let i = 0; i < a.length; i++) n += byteSum(a[i]!)
    return n
  }
  for (let i = 0; i < mask.length; i++) n += and ? mask[i]! & and[i]! : mask[i]!
  return n
}

/** `into` AND / OR `mask`, in place. */
export function combine(into: Uint8Array, mask: Uint8Array, join: Join): void {
  if (into.length % 4 === 0 && into.byteOffset % 4 === 0 && mask.byteOffset % 4 === 0) {
    const a = words(into)
    const b = words(mask)
    if (join === 'and') for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!
    else for (let i = 0; i < a.length; i++) a[i] = a[i]! | b[i]!
    return
  }
  if (join === 'and') for (let i = 0; i < into.length; i++) into[i] = into[i]! & mask[i]!
  else for (let i = 0; i < into.length; i++) into[i] = into[i]! | mask[i]!
}

/** 0 ↔ 1 in place (bytes are 0 or 1). */
export function complement(mask: Uint8Array): Uint8Array {
  if (mask.length % 4 === 0 && mask.byteOffset % 4 === 0) {
    const a = words(mask)
    for (let i = 0; i < a.length; i++) a[i] = a[i]! ^ 0x01010101
    return mask
  }
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i] ? 0 : 1
  return mask
}

/** Spare buffers kept per pool: a count needs a few masks at once (an item, its group, the whole). */
const SPARE = 6

/**
 * Masks (and behaviour counters) reused between counts instead of allocated per condition: at 1M
 * profiles each is a megabyte (counters four), and allocating them per count put the worker under
 * external-memory pressure, whose collections paused counts for tens of milliseconds.
 */
export class MaskPool {
  private size = 0
  private readonly spare: Uint8Array[] = []
  private counters: Uint32Array | null = null

  /** A mask of `size` ids, all 0 when `zeroed` (else any content: the caller writes every byte). */
  take(size: number, zeroed = true): Uint8Array {
    this.resize(size)
    const mask = this.spare.pop()
    if (mask === undefined) return new Uint8Array(size)
    return zeroed ? mask.fill(0) : mask
  }

  /** A mask nobody reads any more; masks of another size (the snapshot grew) are let go. */
  give(mask: Uint8Array): void {
    if (mask.length === this.size && mask.byteOffset === 0 && this.spare.length < SPARE)
      if (!this.spare.includes(mask)) this.spare.push(mask)
  }

  /** One zeroed counter per id (behaviour counts); the same buffer each time, so one user at a time. */
  counts(size: number): Uint32Array {
    this.resize(size)
    if (this.counters?.length !== size) this.counters = new Uint32Array(size)
    else this.counters.fill(0)
    return this.counters
  }

  private resize(size: number): void {
    if (size === this.size) return
    this.size = size
    this.spare.length = 0
    this.counters = null
  }
}
