// The one mapping check (shared/imports/mapping-check.ts) the wizard and the backend both run: what stops
// a dry run, which column each problem belongs to, and the columns left out or not placed.
import { describe, expect, it } from 'vitest'
import type {
  EventColumnMapping,
  ImportMapping,
  ProfileColumnMapping,
  ProfileColumnTarget,
} from '../../shared/imports/types'
import { checkMapping, NO_EVENT_KEY, NO_EVENT_NAME, NO_PROFILE_KEY } from '../../shared/imports/mapping-check'

const NONE = new Map<string, never>()

function profiles(headers: string[], targets: ProfileColumnTarget[]): ImportMapping {
  const columns: ProfileColumnMapping[] = targets.map((target, index) => ({
    column: headers[index] ?? '',
    index,
    target,
  }))
  return { kind: 'profiles', columns }
}

describe('checkMapping', () => {
  it('passes a mapping with an identity and one target per column', () => {
    const headers = ['identity', 'Email', 'plan']
    const mapping = profiles(headers, [
      { kind: 'identity' },
      { kind: 'system', key: 'Email' },
      { kind: 'custom', key: 'plan', type: 'string' },
    ])
    expect(checkMapping(mapping, headers, NONE, 'profiles')).toEqual({
      problems: [],
      byColumn: {},
      unplaced: [],
      ignored: [],
    })
  })

  it('puts a target taken twice on the later column, naming both', () => {
    const headers = ['identity', 'Email', 'mail']
    const mapping = profiles(headers, [
      { kind: 'identity' },
      { kind: 'system', key: 'Email' },
      { kind: 'system', key: 'Email' },
    ])
    const check = checkMapping(mapping, headers, NONE, 'profiles')
    const message = 'Columns "Email" and "mail" are both mapped to Email; keep one.'
    expect(check.problems).toEqual([message])
    expect(check.byColumn).toEqual({ 2: message })
  })

  it('says what is wrong with a property key, and that a system property has its own place', () => {
    const headers = ['identity', 'blank', 'bad', 'Phone']
    const mapping = profiles(headers, [
      { kind: 'identity' },
      { kind: 'custom', key: '', type: 'string' },
      { kind: 'custom', key: 'a$b', type: 'string' },
      { kind: 'custom', key: 'Phone', type: 'string' },
    ])
    const { byColumn } = checkMapping(mapping, headers, NONE, 'profiles')
    expect(byColumn[1]).toBe('Column "blank": give the property a key.')
    expect(byColumn[2]).toMatch(/^Column "bad": Property key/)
    expect(byColumn[3]).toBe(
      'Column "Phone": "Phone" is a system property\'s name; map it as Phone instead of a custom property.',
    )
  })

  it('checks custom types against the account only when it knows them', () => {
    const headers = ['identity', 'score']
    const mapping = profiles(headers, [
      { kind: 'identity' },
      { kind: 'custom', key: 'score', type: 'string' },
    ])
    expect(checkMapping(mapping, headers, NONE, 'profiles').problems).toEqual([])
    expect(checkMapping(mapping, headers, new Map([['score', 'number']]), 'profiles').problems).toEqual([
      'Column "score": the custom property "score" is a number property in this account; map it as number, not string.',
    ])
  })

  it('wants an operation column to belong to an imported column other than the identity', () => {
    const headers = ['identity', 'tags', 'tags.operation', 'identity.operation']
    const base: ProfileColumnTarget[] = [
      { kind: 'identity' },
      { kind: 'ignore' },
      { kind: 'operation', of: 'tags' },
      { kind: 'operation', of: 'identity' },
    ]
    const check = checkMapping(profiles(headers, base), headers, NONE, 'profiles')
    expect(check.byColumn).toEqual({
      2: 'Column "tags.operation" holds operations for "tags", which is not an imported column.',
      3: 'Column "identity.operation": the identity columns take no operations.',
    })
    expect(check.ignored).toEqual(['tags'])
  })

  it('needs a key column: Identity or objectId for profiles, a device id or identity and a name for events', () => {
    const headers = ['Name', '']
    const noKey = profiles(headers, [{ kind: 'system', key: 'Name' }])
    expect(checkMapping(noKey, headers, NONE, 'profiles')).toEqual({
      problems: [NO_PROFILE_KEY],
      byColumn: {},
      unplaced: ['(column 2)'],
      ignored: [],
    })
    const columns: EventColumnMapping[] = [{ column: 'Amount', index: 0, target: { kind: 'ignore' } }]
    expect(checkMapping({ kind: 'events', columns }, ['Amount'], NONE, 'events').problems).toEqual([
      NO_EVENT_NAME,
      NO_EVENT_KEY,
    ])
  })

  it('refuses a mapping that does not fit the file', () => {
    const mapping = profiles(['identity', 'Email'], [{ kind: 'identity' }, { kind: 'system', key: 'Email' }])
    expect(checkMapping(mapping, ['identity'], NONE, 'events').problems).toEqual([
      'The mapping is for profiles files, but this is imported as events.',
      'The mapping names column 2 ("Email"), but the file has 1 columns.',
    ])
    expect(checkMapping(mapping, ['identity', 'E-mail'], NONE, 'profiles').problems).toEqual([
      'Column 2 is "E-mail" in this file, not "Email" as the mapping says.',
    ])
  })
})
