// Custom properties, property keys, identifiers and CleverTap's limits: what a user may name and store.

import { describe, expect, test } from 'vitest'
import {
  IDENTIFIER_PLACEHOLDERS,
  LIMITS,
  describeValue,
  formatPropertyValue,
  utf8ByteLength,
  validateCustomKeyCount,
  validateCustomProperty,
  validateIdentifier,
  validatePropertyKey,
  type PropertyError,
  type ValidationResult,
} from '../../shared/profile/catalogue'

function expectNamed(error: PropertyError | null | undefined, key: string, value: unknown): void {
  expect(error).toBeTruthy()
  if (!error) return
  expect(error.key).toBe(key)
  expect(error.message).toContain(key)
  expect(error.message).toContain(describeValue(value))
  expect(error.message).toContain(error.rule)
}

function rejection(result: ValidationResult): PropertyError | undefined {
  expect(result.ok).toBe(false)
  return result.ok ? undefined : result.error
}

test('the limits are CleverTap’s', () => {
  expect(LIMITS).toEqual({
    keyBytes: 120,
    valueBytes: 512,
    customKeys: 256,
    multiValueItems: 100,
    identifierChars: 1024,
  })
})

describe('property keys', () => {
  test.each([['plan'], ['Last Score'], ['favourite_colour-2'], ['número de cliente']])(
    'accepts %j',
    (key) => {
      expect(validatePropertyKey(key)).toBeNull()
    },
  )

  test.each([
    ['', 'is empty'],
    [' plan', 'space'],
    ['plan ', 'space'],
    ['a.b', 'not allowed'],
    ['a:b', 'not allowed'],
    ['$price', 'not allowed'],
    ["it's", 'not allowed'],
    ['say "hi"', 'not allowed'],
    ['back\\slash', 'not allowed'],
    ['tab\there', 'control'],
  ])('rejects %j', (key, problem) => {
    const error = validatePropertyKey(key)
    expectNamed(error, 'Property key', key)
    expect(error?.message).toContain(problem)
  })

  test('120 bytes is the limit, counted in UTF-8 bytes, not characters', () => {
    expect(validatePropertyKey('k'.repeat(120))).toBeNull()
    expectNamed(validatePropertyKey('k'.repeat(121)), 'Property key', 'k'.repeat(121))
    // 'é' is 2 bytes: 60 fit, 61 (only 61 characters) do not.
    expect(validatePropertyKey('é'.repeat(60))).toBeNull()
    expect(validatePropertyKey('é'.repeat(61))?.message).toContain('too long')
    // '€' is 3 bytes, an emoji 4 (two UTF-16 units).
    expect(validatePropertyKey('€'.repeat(40))).toBeNull()
    expect(validatePropertyKey('€'.repeat(41))?.rule).toContain('120 bytes')
    expect(validatePropertyKey('🎉'.repeat(30))).toBeNull()
    expect(validatePropertyKey('🎉'.repeat(31))).not.toBeNull()
  })

  test('byte counting matches UTF-8 encoding', () => {
    const encoder = new TextEncoder()
    for (const text of ['', 'abc', 'é', '€uro', '🎉 party', 'mixed é€🎉 text', '\ud800 lone']) {
      expect(utf8ByteLength(text)).toBe(encoder.encode(text).length)
    }
  })
})

describe('custom property values by type', () => {
  test.each([
    ['string', 'gold', 'gold'],
    ['string', 'Ünïcödé', 'Ünïcödé'],
    ['number', 42, 42],
    ['number', '3.5', 3.5],
    ['number', '-1e3', -1000],
    ['boolean', true, true],
    ['boolean', 'false', false],
    ['boolean', '1', true],
    ['date', '2024-03-01', 1709251200],
    ['date', '$D_1709251200', 1709251200],
    ['date', '2024-03-01T10:30:00Z', 1709289000],
    ['date', '2024-03-01T10:30:00+05:30', 1709269200],
    ['multi', ['red', 'blue'], ['red', 'blue']],
    ['multi', ['red', 'red', 'blue'], ['red', 'blue']],
    ['multi', ['size', 42], ['size', '42']],
    ['multi', [], []],
  ] as const)('%s accepts %j', (type, input, stored) => {
    expect(validateCustomProperty('plan', type, input)).toEqual({ ok: true, value: stored })
  })

  test.each([
    ['string', 42],
    ['string', ''],
    ['string', 'x'.repeat(513)],
    ['number', 'forty'],
    ['number', '12abc'],
    ['number', Number.POSITIVE_INFINITY],
    ['number', true],
    ['boolean', 'yes'],
    ['boolean', 2],
    ['date', '2023-02-29'],
    ['date', 'next week'],
    ['date', '2024-03-01T25:00:00Z'],
    ['multi', 'red,blue'],
    ['multi', ['red', { nested: true }]],
    ['multi', ['red', '']],
    ['multi', ['x'.repeat(513)]],
  ] as const)('%s rejects %j', (type, input) => {
    expectNamed(rejection(validateCustomProperty('plan', type, input)), 'plan', input)
  })

  test('a multi-value holds at most 100 items, counted after duplicates are dropped', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `item ${i}`)
    expect(validateCustomProperty('tags', 'multi', hundred)).toEqual({ ok: true, value: hundred })
    expect(validateCustomProperty('tags', 'multi', [...hundred, 'item 0'])).toEqual({
      ok: true,
      value: hundred,
    })
    const tooMany = [...hundred, 'item 100']
    const error = rejection(validateCustomProperty('tags', 'multi', tooMany))
    expectNamed(error, 'tags', tooMany)
    expect(error?.rule).toContain('100 items')
  })

  test('each multi-value item may be 512 bytes', () => {
    expect(validateCustomProperty('tags', 'multi', ['€'.repeat(170) + 'ab']).ok).toBe(true)
    expect(rejection(validateCustomProperty('tags', 'multi', ['€'.repeat(171)]))?.rule).toContain('512 bytes')
  })

  test('the key is checked before the value, and system names are refused', () => {
    expectNamed(rejection(validateCustomProperty('a.b', 'string', 'x')), 'Property key', 'a.b')
    const error = rejection(validateCustomProperty('email', 'string', 'bob@example.com'))
    expectNamed(error, 'email', 'bob@example.com')
    expect(error?.rule).toContain('Email')
  })

  test('256 custom keys are allowed, the 257th is refused', () => {
    expect(validateCustomKeyCount(LIMITS.customKeys)).toBeNull()
    const error = validateCustomKeyCount(257)
    expect(error?.message).toContain('257')
    expect(error?.rule).toContain('256')
  })
})

describe('identifiers', () => {
  const placeholders = [
    'undefined',
    'null',
    'na',
    'n/a',
    '0',
    'nil',
    '-1',
    'infinity',
    '-infinity',
    'inf',
    '-inf',
    'nan',
    '-nan',
    'empty',
    'xxxxxx',
    'none',
  ]

  test('the placeholder list is CleverTap’s', () => {
    expect([...IDENTIFIER_PLACEHOLDERS].sort()).toEqual([...placeholders].sort())
  })

  test.each(placeholders.flatMap((p) => [p, p.toUpperCase(), p[0]?.toUpperCase() + p.slice(1)]))(
    'refuses the placeholder %j',
    (value) => {
      for (const kind of ['identity', 'fbid', 'gpid', 'custom'] as const) {
        const error = validateIdentifier(kind, value)
        expect(error?.message).toContain('placeholder')
        expect(error?.message).toContain(describeValue(value))
      }
    },
  )

  test.each(['nullable', '00', 'none1', 'n/a/b', 'user-0', '-12'])('accepts the real value %j', (value) => {
    expect(validateIdentifier('identity', value)).toBeNull()
  })

  test('identifiers are under 1024 characters; multi-byte characters count once', () => {
    expect(validateIdentifier('identity', 'i'.repeat(1023))).toBeNull()
    const long = 'i'.repeat(1024)
    const error = validateIdentifier('identity', long)
    expectNamed(error, 'Identity', long)
    expect(error?.rule).toContain('1024')
    expect(validateIdentifier('identity', '🎉'.repeat(1023))).toBeNull()
    expect(validateIdentifier('identity', '🎉'.repeat(1024))).not.toBeNull()
  })

  test('an email identifier must be an email address', () => {
    expect(validateIdentifier('email', 'bob@example.com')).toBeNull()
    const error = validateIdentifier('email', 'bob@example')
    expectNamed(error, 'Email', 'bob@example')
    expect(error?.code).toBe(515)
  })

  test('empty and space-padded values are refused; custom identifiers are named by their name', () => {
    expectNamed(validateIdentifier('identity', ''), 'Identity', '')
    expectNamed(validateIdentifier('gpid', ' 123'), 'GPID', ' 123')
    expectNamed(validateIdentifier('custom', 'NULL', 'crm_id'), 'crm_id', 'NULL')
  })
})

describe('display', () => {
  test.each([
    ['date', 706492800, '1992-05-22'],
    ['date', -315619200, '1960-01-01'],
    ['date', 1709289000, '2024-03-01 10:30:00 UTC'],
    ['boolean', true, 'Yes'],
    ['boolean', false, 'No'],
    ['multi', ['red', 'blue'], 'red, blue'],
    ['number', 3.5, '3.5'],
    ['string', 'M', 'M'],
  ] as const)('%s %j shows as %j', (type, value, shown) => {
    expect(formatPropertyValue(type, typeof value === 'object' ? [...value] : value)).toBe(shown)
  })

  test('long values are shortened in messages but still recognisable', () => {
    const long = 'z'.repeat(600)
    const error = rejection(validateCustomProperty('note', 'string', long))
    expect(error?.message).toContain(`"${'z'.repeat(40)}`)
    expect(error?.message.length).toBeLessThan(200)
    expect(error?.value).toBe(long)
  })
})
