// The values the segment snapshot keeps per property: typed arrays indexed by the profile's internal id,
// text dictionary-coded (compared folded over the distinct values), and how stored values are read.
import { foldText } from '../../../../shared/profile/search-keys'
import { packDate } from '../../../../shared/profile/identity'
import { utcDateOf } from '../../../../shared/profile/validators-dates'

/** Dictionary-coded strings: one code per distinct value, compared folded over the distinct values. */
export class Dictionary {
  readonly values: string[] = []
  readonly folded: string[] = []
  private readonly codes = new Map<string, number>()
  code(value: string): number {
    let code = this.codes.get(value)
    if (code === undefined) {
      code = this.values.length
      this.codes.set(value, code)
      this.values.push(value)
      this.folded.push(foldText(value))
    }
    return code
  }
}

export type Column =
  | { kind: 'num'; values: Float64Array }
  | { kind: 'text'; codes: Int32Array; dict: Dictionary }
  | { kind: 'multi'; items: (Int32Array | undefined)[]; dict: Dictionary }
  /** Age inputs: birth date packed (0: none), explicit Age (NaN: none), the profile's zone code (-1: none). */
  | { kind: 'age'; birth: Int32Array; explicit: Float64Array; zone: Int32Array; zones: Dictionary }

export function grownInt32(old: Int32Array, size: number, fill: number): Int32Array {
  const next = new Int32Array(size).fill(fill)
  next.set(old)
  return next
}

export function grownFloat64(old: Float64Array, size: number): Float64Array {
  const next = new Float64Array(size).fill(NaN)
  next.set(old)
  return next
}

/** A multi-value property's items as stored (a JSON list, or one bare value); undefined: none. */
export function listItems(raw: unknown): string[] | undefined {
  if (typeof raw !== 'string') return undefined
  const parsed: unknown = raw.startsWith('[') ? JSON.parse(raw) : [raw]
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined
  return parsed.filter((v): v is string => typeof v === 'string')
}

export function multiItems(raw: unknown, dict: Dictionary): Int32Array | undefined {
  const items = listItems(raw)
  return items && Int32Array.from(items.map((v) => dict.code(v)))
}

/** Age's inputs as the snapshot packs them: the birth date (0: none) from DOB, else the birthday. */
export function packedBirth(dob: unknown, birthday: unknown): number {
  const birth = typeof dob === 'number' ? dob : birthday
  return typeof birth === 'number' ? packDate(utcDateOf(birth)) : 0
}
