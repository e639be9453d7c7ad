// Counts in the user's locale ("1,234", "3 rows"), and the Find People result count sentence.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })

export function formatCount(n: number): string {
  return integer.format(n)
}

/** "1 row", "1,234 rows": a count with the word that fits it. */
export function countOf(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`
}

/** "1 profile", "1,234 profiles" for a listing; "1,000+ matches" for a capped search. */
export function resultCountLabel(total: number, capped: boolean, isSearch: boolean): string {
  const [one, many] = isSearch ? ['match', 'matches'] : ['profile', 'profiles']
  return `${formatCount(total)}${capped ? '+' : ''} ${total === 1 && !capped ? one : many}`
}
