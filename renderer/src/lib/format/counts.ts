// Counts in the user's locale ("1,234"), and the Find People result count sentence.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })

export function formatCount(n: number): string {
  return integer.format(n)
}

/** "1 profile", "1,234 profiles" for a listing; "1,000+ matches" for a capped search. */
export function resultCountLabel(total: number, capped: boolean, isSearch: boolean): string {
  const [one, many] = isSearch ? ['match', 'matches'] : ['profile', 'profiles']
  return `${formatCount(total)}${capped ? '+' : ''} ${total === 1 && !capped ? one : many}`
}
