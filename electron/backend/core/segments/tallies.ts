// What the segment engine derives from the snapshot's columns and keeps until the snapshot changes (its
// generation): each profile's Age for today, and how many existing profiles hold each value of a column
// with few distinct values, so a one-condition count sums a few values instead of reading every profile.
import { ageFromPacked, todayPacked } from '../../../../shared/profile/identity'
import type { Column, Snapshot } from './snapshot'

type AgeColumn = Extract<Column, { kind: 'age' }>

/** Distinct values past which a numeric column keeps no tally (a count then reads every profile). */
export const TALLY_LIMIT = 1024
/** Whole numbers below this are tallied in an array (booleans, the profile type, ages). */
const SMALL = 256

/** Existing profiles per distinct value: `values[i]` is held by `counts[i]` profiles (NaN: no value). */
export interface NumTally {
  values: Float64Array
  counts: Float64Array
}

interface Kept<T> {
  generation: number
  /** What else the value depends on (Age: today's date in every zone). */
  key: string
  value: T
}

export class Tallies {
  // Keyed by the column object: a reloaded column is a new object, a re-read row moves the generation.
  private readonly ages = new WeakMap<AgeColumn, Kept<Float64Array>>()
  private readonly texts = new WeakMap<Column, Kept<Float64Array>>()
  private readonly nums = new WeakMap<object, Kept<NumTally | null>>()

  constructor(private readonly snapshot: Snapshot) {}

  private kept<K extends object, T>(map: WeakMap<K, Kept<T>>, owner: K, key: string, make: () => T): T {
    const found = map.get(owner)
    if (found && found.generation === this.snapshot.generation && found.key === key) return found.value
    const value = make()
    map.set(owner, { generation: this.snapshot.generation, key, value })
    return value
  }

  /**
   * Every profile's Age by the shared rule (ageFromPacked, today read in the profile's zone), else its
   * explicit Age; NaN when it has neither. Kept until the snapshot changes or a zone's date turns over.
   */
  ageOf(column: AgeColumn, nowMs: number): Float64Array {
    const todays = Int32Array.from(column.zones.values.map((zone) => todayPacked(nowMs, zone)))
    const utcToday = todayPacked(nowMs, 'UTC')
    return this.kept(this.ages, column, `${utcToday}:${todays.join(',')}`, () => {
      const { birth, zone, explicit } = column
      const ages = new Float64Array(birth.length)
      for (let id = 0; id < ages.length; id++) {
        const b = birth[id] as number
        const z = zone[id] as number
        ages[id] =
          b !== 0 ? ageFromPacked(b, z < 0 ? utcToday : (todays[z] as number)) : (explicit[id] as number)
      }
      return ages
    })
  }

  /** Existing profiles per dictionary code of a text column, at code + 1 (slot 0: no value). */
  textCounts(column: Extract<Column, { kind: 'text' }>): Float64Array {
    return this.kept(this.texts, column, String(column.dict.values.length), () => {
      const { exists } = this.snapshot
      const counts = new Float64Array(column.dict.values.length + 1)
      const codes = column.codes
      for (let id = 0; id < exists.length; id++) {
        const slot = (codes[id] as number) + 1
        counts[slot] = (counts[slot] as number) + (exists[id] as number)
      }
      return counts
    })
  }

  /** Existing profiles per distinct value of `values` (owned by `owner`); null past TALLY_LIMIT values. */
  numCounts(owner: object, values: Float64Array): NumTally | null {
    return this.kept(this.nums, owner, '', () => {
      const { exists } = this.snapshot
      // Small whole numbers (flags, types, ages) are counted in an array, the rest in a Map, which keys
      // NaN ("no value") as one value (SameValueZero) and -0 as 0, as the range tests over them do.
      const small = new Float64Array(SMALL)
      const other = new Map<number, number>()
      for (let id = 0; id < exists.length; id++) {
        if (exists[id] === 0) continue
        const v = values[id] as number
        if (v >= 0 && v < SMALL && (v | 0) === v) small[v] = (small[v] as number) + 1
        else {
          const n = other.get(v)
          if (n !== undefined) other.set(v, n + 1)
          else if (other.size === TALLY_LIMIT) return null
          else other.set(v, 1)
        }
      }
      const kept: [number, number][] = [...other]
      small.forEach((n, v) => n > 0 && kept.push([v, n]))
      if (kept.length > TALLY_LIMIT) return null
      return {
        values: Float64Array.from(kept, ([v]) => v),
        counts: Float64Array.from(kept, ([, n]) => n),
      }
    })
  }
}
