// Which keys a file has seen (the events import: how many times each event occurs), without keeping a
// million strings: an open-addressing table of 64-bit hashes with the first and last line of each key, in
// typed arrays (about 20 bytes a key). Profile imports keep their keys on disk instead (file-keys.ts).
// Two different keys colliding on 64 bits is about a one-in-ten-million chance in a million-row file.

const EMPTY = 0

/** Two independent 32-bit FNV-1a style hashes of a string (UTF-16 code units). */
function hash64(text: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  a ^= a >>> 13
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 16
  // 0 marks an empty slot: keep the first word non-zero.
  return [a >>> 0 || 1, b >>> 0]
}

export class KeyTracker {
  private capacity: number
  private hi: Uint32Array
  private lo: Uint32Array
  private first: Int32Array
  private last: Int32Array
  private seen: Int32Array
  private size = 0

  constructor(initialCapacity = 1 << 16) {
    this.capacity = initialCapacity
    this.hi = new Uint32Array(this.capacity)
    this.lo = new Uint32Array(this.capacity)
    this.first = new Int32Array(this.capacity)
    this.last = new Int32Array(this.capacity)
    this.seen = new Int32Array(this.capacity)
  }

  get count(): number {
    return this.size
  }

  private slot(h: number, l: number): number {
    const mask = this.capacity - 1
    let i = (h ^ Math.imul(l, 0x9e3779b1)) & mask
    while (this.hi[i] !== EMPTY && (this.hi[i] !== h || this.lo[i] !== l)) i = (i + 1) & mask
    return i
  }

  private grow(): void {
    const { hi, lo, first, last, seen } = this
    this.capacity *= 2
    this.hi = new Uint32Array(this.capacity)
    this.lo = new Uint32Array(this.capacity)
    this.first = new Int32Array(this.capacity)
    this.last = new Int32Array(this.capacity)
    this.seen = new Int32Array(this.capacity)
    for (let i = 0; i < hi.length; i++) {
      if (hi[i] === EMPTY) continue
      const at = this.slot(hi[i] as number, lo[i] as number)
      this.hi[at] = hi[i] as number
      this.lo[at] = lo[i] as number
      this.first[at] = first[i] as number
      this.last[at] = last[i] as number
      this.seen[at] = seen[i] as number
    }
  }

  /** Records a key on a line; returns how many times it has been seen, this time included. */
  see(key: string, line: number): number {
    if ((this.size + 1) * 10 > this.capacity * 7) this.grow()
    const [h, l] = hash64(key)
    const at = this.slot(h, l)
    if (this.hi[at] === EMPTY) {
      this.hi[at] = h
      this.lo[at] = l
      this.first[at] = line
      this.size++
    }
    this.last[at] = line
    this.seen[at] = (this.seen[at] as number) + 1
    return this.seen[at] as number
  }

  /** First and last line of a key, or null if never seen. */
  lines(key: string): { first: number; last: number } | null {
    const [h, l] = hash64(key)
    const at = this.slot(h, l)
    if (this.hi[at] === EMPTY) return null
    return { first: this.first[at] as number, last: this.last[at] as number }
  }
}
