// Derived profile facts: Anonymous / Identified, Age from a date of birth, and the date values it reads.

import { describe, expect, test } from 'vitest'
import { ageFromDob, deriveProfileType, parseDateValue } from '../../shared/profile/identity'

function dob(isoDate: string): number {
  const seconds = parseDateValue(isoDate)
  if (seconds === null) throw new Error(`bad test date ${isoDate}`)
  return seconds
}
const at = (iso: string): number => Date.parse(iso)

describe('profile type', () => {
  // The seed's "User Profile Types": any uniquely identifying information makes a profile Identified.
  test.each([
    [[], 'Anonymous'],
    [['identity'], 'Identified'],
    [['email'], 'Identified'],
    [['fbid'], 'Identified'],
    [['gpid'], 'Identified'],
    [['custom'], 'Identified'],
    [['identity', 'identity', 'email'], 'Identified'],
  ] as const)('%j is %s', (kinds, type) => {
    expect(deriveProfileType(kinds.map((kind) => ({ kind })))).toBe(type)
  })
})

describe('age from date of birth', () => {
  const born = dob('2000-06-15')

  test('goes up on the birthday itself, not the day before', () => {
    expect(ageFromDob(born, at('2024-06-14T23:59:59Z'))).toBe(23)
    expect(ageFromDob(born, at('2024-06-15T00:00:00Z'))).toBe(24)
    expect(ageFromDob(born, at('2024-06-16T12:00:00Z'))).toBe(24)
    expect(ageFromDob(born, at('2025-06-14T12:00:00Z'))).toBe(24)
  })

  test('a Feb 29 birthday turns over on Feb 29 in leap years', () => {
    const leapling = dob('2000-02-29')
    expect(ageFromDob(leapling, at('2024-02-28T12:00:00Z'))).toBe(23)
    expect(ageFromDob(leapling, at('2024-02-29T12:00:00Z'))).toBe(24)
    expect(ageFromDob(leapling, at('2024-03-01T12:00:00Z'))).toBe(24)
  })

  test('a Feb 29 birthday turns over on Mar 1 in non-leap years', () => {
    const leapling = dob('2000-02-29')
    expect(ageFromDob(leapling, at('2023-02-28T12:00:00Z'))).toBe(22)
    expect(ageFromDob(leapling, at('2023-03-01T00:00:00Z'))).toBe(23)
    expect(ageFromDob(leapling, at('2100-02-28T12:00:00Z'))).toBe(99) // 2100 is not a leap year
    expect(ageFromDob(leapling, at('2100-03-01T12:00:00Z'))).toBe(100)
  })

  test('today is read in the given time zone where its date differs from UTC', () => {
    // 20:00 UTC on June 14 is already 01:30 on June 15 in Kolkata.
    const eveningUtc = at('2024-06-14T20:00:00Z')
    expect(ageFromDob(born, eveningUtc, 'UTC')).toBe(23)
    expect(ageFromDob(born, eveningUtc, 'Asia/Kolkata')).toBe(24)
    // 03:00 UTC on June 15 is still 20:00 on June 14 in Los Angeles.
    const earlyUtc = at('2024-06-15T03:00:00Z')
    expect(ageFromDob(born, earlyUtc, 'UTC')).toBe(24)
    expect(ageFromDob(born, earlyUtc, 'America/Los_Angeles')).toBe(23)
  })

  test("CleverTap's GMT offsets are time zones too (a pulled tz of GMT+0530 or GMT-8:00)", () => {
    const eveningUtc = at('2024-06-14T20:00:00Z')
    expect(ageFromDob(born, eveningUtc, 'GMT+0530')).toBe(24)
    expect(ageFromDob(born, at('2024-06-15T03:00:00Z'), 'GMT-8:00')).toBe(23)
    expect(ageFromDob(born, at('2024-06-15T08:00:00Z'), 'GMT-08:00')).toBe(24)
  })

  test('dates before 1970 and an unknown zone', () => {
    expect(ageFromDob(dob('1950-12-31'), at('2024-12-30T12:00:00Z'))).toBe(73)
    expect(ageFromDob(dob('1950-12-31'), at('2024-12-31T12:00:00Z'))).toBe(74)
    expect(() => ageFromDob(born, at('2024-06-15T00:00:00Z'), 'Mars/Base')).toThrow(/Mars\/Base/)
  })
})

describe('date values', () => {
  test.each([
    [1487576752, 1487576752],
    ['$D_1487576752', 1487576752],
    ['$D_946684800', 946684800],
    ['$D_19920522', 706492800],
    ['1487576752', 1487576752],
    ['1992-05-22', 706492800],
    ['1992-05-22T06:00:00Z', 706514400],
    ['1992-05-22T06:00', 706514400],
    ['1992-05-22 06:00:00.250-02:00', 706521600],
    [new Date('1992-05-22T00:00:00Z'), 706492800],
  ])('%j is %i', (input, seconds) => {
    expect(parseDateValue(input)).toBe(seconds)
  })

  test.each([
    ['1992-02-30'],
    ['$D_19920230'],
    ['$D_12345'],
    ['$D_abc'],
    ['22/05/1992'],
    ['1992-5-22'],
    [''],
    [1.5],
    [Number.NaN],
    [null],
    [true],
    [[1992, 5, 22]],
    [new Date('nonsense')],
    [1e15],
  ])('%j is not a date', (input) => {
    expect(parseDateValue(input)).toBeNull()
  })
})
