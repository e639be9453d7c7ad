// File-name patterns of a source (`*.csv`, `export-??.csv`, `[ab]*.csv`): `*` any run of characters,
// `?` one character, `[...]` one of a set (`[!...]` none of it). Matched against names only, ignoring case,
// because an export called DATA.CSV is as much a CSV file as data.csv.
export function globToRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) source += '\\['
      else {
        let body = pattern.slice(i + 1, end)
        const negated = body.startsWith('!') || body.startsWith('^')
        if (negated) body = body.slice(1)
        source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
        i = end
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'i')
}

/** A problem with the pattern in plain words, or null when it is usable. */
export function checkPattern(pattern: string): string | null {
  if (pattern.includes('/'))
    return 'The file pattern matches names in the folder only; put the path in the folder field.'
  try {
    globToRegExp(pattern)
    return null
  } catch {
    return `"${pattern}" is not a usable file pattern.`
  }
}

export function matchesPattern(name: string, pattern: string): boolean {
  return globToRegExp(pattern).test(name)
}
