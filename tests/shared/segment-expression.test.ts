// The selection grammar's expressions (shared/segments/expression.ts) and the Age rule at its edges.
import { describe, expect, it } from 'vitest'
import { ageFromPacked, profileAge } from '../../shared/profile/identity'
import type { CustomPropertyType } from '../../shared/profile/types'
import { ExpressionError, parseBehaviour, parseWhere } from '../../shared/segments/expression'

const types = new Map<string, CustomPropertyType>([
  ['plan', 'string'],
  ['lifetime_value', 'number'],
  ['interests', 'multi'],
  ['Key name', 'string'],
  ['type', 'string'],
])

describe('--where', () => {
  it('reads values by the property type', () => {
    expect(parseWhere('Age between 25 and 30', types)).toEqual({
      type: 'property',
      property: { kind: 'age' },
      op: 'between',
      value: [25, 30],
    })
    expect(parseWhere('plan in gold|"silver | plus"|"x""y"', types).value).toEqual([
      'gold',
      'silver | plus',
      'x"y',
    ])
    expect(parseWhere('MSG-email = true', types)).toMatchObject({
      property: { kind: 'system', key: 'MSG-email' },
      value: true,
    })
    expect(parseWhere('lifetime_value > 500', types)).toMatchObject({ op: 'gt', value: 500 })
    expect(parseWhere('interests contains music', types)).toMatchObject({
      op: 'containsItem',
      value: 'music',
    })
    expect(parseWhere('custom:"Key name" startswith "New Yo"', types)).toMatchObject({
      property: { kind: 'custom', key: 'Key name' },
      op: 'startsWith',
      value: 'New Yo',
    })
    // A custom key that clashes with a derived name is reached with custom:.
    expect(parseWhere('type = Identified', types).property).toEqual({ kind: 'type' })
    expect(parseWhere('custom:type = x', types).property).toEqual({ kind: 'custom', key: 'type' })
    expect(parseWhere('created >= 2024-01-31', types)).toMatchObject({ op: 'gte', value: '2024-01-31' })
    expect(parseWhere('email !exists', types)).toMatchObject({ property: { key: 'Email' }, op: 'notExists' })
  })

  it('refuses malformed expressions, naming the part', () => {
    const cases: [string, RegExp][] = [
      ['plan ~ gold', /unknown operator "~"/],
      ['nosuch = 1', /unknown property "nosuch"/],
      ['lifetime_value > lots', /"lots" is not a number/],
      ['Age between 30', /between LOW and HIGH/],
      ['Age between 30 and 20', /low value first/],
      ['plan = "open', /unclosed quote/],
      ['plan = New York', /double-quote/],
      ['created > 31/01/2024', /YYYY-MM-DD/],
      ['Age contains 3', /cannot use "contains"/],
      ['plan exists now', /takes no value/],
      ['', /empty --where/],
    ]
    for (const [input, message] of cases) expect(() => parseWhere(input, types), input).toThrow(message)
    expect(() => parseWhere('plan ~ gold', types)).toThrow(ExpressionError)
  })
})

describe('--did', () => {
  it('reads counts, windows, event-property conditions and did not', () => {
    expect(parseBehaviour('"Product Viewed" >= 2 in last 30 days')).toEqual({
      type: 'behaviour',
      did: true,
      event: 'Product Viewed',
      count: { op: 'gte', n: 2 },
      window: { kind: 'lastDays', days: 30 },
    })
    expect(parseBehaviour('!Charged between 2024-01-01 and 2024-01-31 where Currency = EUR')).toEqual({
      type: 'behaviour',
      did: false,
      event: 'Charged',
      window: { kind: 'between', from: '2024-01-01', to: '2024-01-31' },
      where: { key: 'Currency', op: 'eq', value: 'EUR' },
    })
    expect(parseBehaviour('Charged where Amount between 10 and 20').where).toEqual({
      key: 'Amount',
      op: 'between',
      value: [10, 20],
    })
  })

  it('refuses what it cannot read', () => {
    expect(() => parseBehaviour('Charged >= x')).toThrow(/not a whole number/)
    expect(() => parseBehaviour('Charged in last 0 days')).toThrow(/N ≥ 1/)
    expect(() => parseBehaviour('Charged between 2024-01-01 2024-02-01')).toThrow(/between YYYY-MM-DD and/)
    expect(() => parseBehaviour('Charged yesterday')).toThrow(/did not understand "yesterday"/)
  })
})

describe('Age, the one rule of the profile page and the segment engine', () => {
  it('turns a 29 February birthday over on 1 March in a common year, and counts a birthday today', () => {
    expect(ageFromPacked(20040229, 20260228)).toBe(21)
    expect(ageFromPacked(20040229, 20260301)).toBe(22)
    expect(ageFromPacked(20040229, 20280229)).toBe(24)
    expect(ageFromPacked(20000615, 20260615)).toBe(26)
    expect(ageFromPacked(20000616, 20260615)).toBe(25)
    const dob = Date.UTC(2000, 5, 16) / 1000
    const noonUtc = Date.UTC(2026, 5, 15, 12)
    // In Kiritimati (UTC+14) it is already 16 June: the birthday has come; in UTC not yet; an unknown zone reads UTC.
    expect(profileAge({ dob, birthday: null, age: null, timezone: 'Pacific/Kiritimati' }, noonUtc)).toBe(26)
    expect(profileAge({ dob, birthday: null, age: null, timezone: null }, noonUtc)).toBe(25)
    expect(profileAge({ dob, birthday: null, age: null, timezone: 'Mars/Base' }, noonUtc)).toBe(25)
    expect(profileAge({ dob: null, birthday: null, age: 40, timezone: null }, noonUtc)).toBe(40)
  })
})
