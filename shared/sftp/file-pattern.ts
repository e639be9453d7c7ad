// File-name patterns of a source (`*.csv`, `export-??.csv`, `[ab]*.csv`): `*` any run of characters,
// `?` one character, `[...]` one of a set (`[!...]` none of it). Matched against names only, ignoring case,
// because an export called DATA.CSV is as much a CSV file as data.csv. The source editor checks a pattern
// with the same rule the backend applies before it lists a folder.
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

export const MAX_PATTERN_LENGTH = 255

/** A problem with the pattern in plain words, or null when it is usable. */
export function checkPattern(pattern: string): string | null {
  if (pattern === '') return 'Give a file pattern, e.g. *.csv.'
  if (pattern.length > MAX_PATTERN_LENGTH) return `A pattern of at most ${MAX_PATTERN_LENGTH} characters.`
  if (pattern.includes('/')) return 'A pattern for file names only; put the path in the folder.'
  try {
    globToRegExp(pattern)
    return null
  } catch {
    return `"${pattern}" is not a usable file pattern.`
  }
}
