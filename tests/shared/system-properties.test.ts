// Every system property of the catalogue, with values a user would type or a file would hold:
// accepted ones come back normalised, rejected ones name the key, the value and the rule.

import { describe, expect, test, vi } from 'vitest'
import {
  SYSTEM_PROPERTIES,
  describeValue,
  findSystemProperty,
  findSystemPropertyByColumn,
  validateSystemProperty,
  type ValidationResult,
} from '../../shared/profile/catalogue'
import type { PropertyValue } from '../../shared/profile/types'

const DAY = 86400

interface PropertyCase {
  key: string
  good: ReadonlyArray<readonly [input: unknown, stored: PropertyValue]>
  bad: readonly unknown[]
  /** CleverTap's error code for this property, when it has one. */
  code?: number
}

const CASES: readonly PropertyCase[] = [
  {
    key: 'Name',
    good: [
      ['Ada Lovelace', 'Ada Lovelace'],
      ['José García', 'José García'],
    ],
    bad: ['', '   ', 42, ['Ada']],
  },
  {
    key: 'Email',
    good: [
      ['bob@example.com', 'bob@example.com'],
      ['first.last+tag@mail.example.co.uk', 'first.last+tag@mail.example.co.uk'],
      [' padded@example.org ', 'padded@example.org'],
    ],
    bad: [
      'bob@',
      'bob',
      '@example.com',
      'bob@example',
      'bob@@example.com',
      'bo b@example.com',
      'bob.@example.com',
      'a@b.c',
      7,
    ],
    code: 515,
  },
  {
    key: 'Identity',
    good: [
      ['user-1234', 'user-1234'],
      [5555555555, '5555555555'],
    ],
    bad: ['', 'null', 'N/A', 0, ' padded', 'x'.repeat(1024), true],
  },
  {
    key: 'Phone',
    good: [
      ['+14155551234', '+14155551234'],
      ['+49 151 2345-6789', '+4915123456789'],
      ['+1 (415) 555-1234', '+14155551234'],
      [35922333232, '+35922333232'],
    ],
    bad: [
      '14155551234',
      '+0123456789',
      '+1415',
      '+1234567890123456',
      '+1415555123x',
      'phone',
      -14155551234,
      1.5,
    ],
    code: 516,
  },
  {
    key: 'Gender',
    good: [
      ['M', 'M'],
      ['f', 'F'],
      ['male', 'M'],
      ['Female', 'F'],
      ['others', 'O'],
      ['Unknown', 'U'],
    ],
    bad: ['X', 'man', '', 1, true],
    code: 514,
  },
  {
    key: 'DOB',
    good: [
      ['1990-05-22', 7446 * DAY],
      ['$D_19920522', 706492800],
      ['$D_1487576752', 1487576752],
      [1487576752, 1487576752],
      ['$D_-315619200', -315619200],
      ['2000-02-29', 11016 * DAY],
    ],
    bad: [
      '1990-02-29',
      '1990-13-01',
      '22/05/1990',
      '$D_1992052',
      'yesterday',
      1487576752.5,
      '2999-01-01',
      32503680000,
      true,
    ],
  },
  {
    key: 'Timezone',
    good: [
      ['Asia/Kolkata', 'Asia/Kolkata'],
      ['Europe/Berlin', 'Europe/Berlin'],
      ['UTC', 'UTC'],
      ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
      // CleverTap's offset forms: the web SDK's tz, Java's custom ids (CLEVERTAP-API.md §7).
      ['GMT+0530', 'GMT+0530'],
      ['GMT-8:00', 'GMT-8:00'],
      ['GMT-08:00', 'GMT-08:00'],
      [' GMT+14 ', 'GMT+14'],
    ],
    bad: ['Mars/Olympus_Mons', '+05:30', 'GMT+1500', 'GMT+0560', 'GMT+5:3', '', 'Europe/', 330],
  },
  ...[
    'MSG-email',
    'MSG-push',
    'MSG-sms',
    'MSG-whatsapp',
    'MSG-dndSMS',
    'MSG-dndWhatsApp',
    'MSG-dndEmail',
  ].map((key): PropertyCase => ({
    key,
    good: [
      [true, true],
      [false, false],
      ['true', true],
      ['FALSE', false],
      ['1', true],
      ['0', false],
    ],
    bad: ['yes', 'maybe', '', 1, 0, ['true']],
  })),
  {
    key: 'Employed',
    good: [
      ['Y', 'Y'],
      ['n', 'N'],
      ['Yes', 'Y'],
      ['no', 'N'],
    ],
    bad: ['true', 'maybe', '', true],
    code: 517,
  },
  {
    key: 'Married',
    good: [
      ['N', 'N'],
      ['y', 'Y'],
    ],
    bad: ['single', 'false', 0],
    code: 519,
  },
  {
    key: 'Education',
    good: [
      ['School', 'School'],
      ['college', 'College'],
      ['GRADUATE', 'Graduate'],
    ],
    bad: ['PhD', 'High school', '', 3],
    code: 518,
  },
  {
    key: 'Photo',
    good: [
      ['https://cdn.example.com/u/42.png', 'https://cdn.example.com/u/42.png'],
      ['http://example.com/a.jpg?size=200', 'http://example.com/a.jpg?size=200'],
    ],
    bad: [
      'example.com/a.png',
      'ftp://example.com/a.png',
      'https://',
      'javascript:alert(1)',
      `https://example.com/${'a'.repeat(500)}`,
    ],
  },
  {
    key: 'Age',
    good: [
      [18, 18],
      ['18', 18],
      [0, 0],
      [' 42 ', 42],
    ],
    bad: ['aa', -1, 18.5, '18.5', 151, '', Number.NaN],
    code: 520,
  },
  {
    key: 'FBID',
    good: [['10203040506070', '10203040506070']],
    bad: ['undefined', 'NaN', ''],
  },
  {
    key: 'GPID',
    good: [['108123456789012345678', '108123456789012345678']],
    bad: ['none', '-1', 'XXXXXX'],
  },
  {
    key: 'ct_is_test_user',
    good: [
      ['Yes', 'Yes'],
      ['yes', 'Yes'],
      ['No', 'No'],
    ],
    bad: [true, 'Y', 'test', ''],
  },
]

/** Asserts a rejection whose message names the key, the value and the rule (and carries CleverTap's code). */
function expectRejected(result: ValidationResult, key: string, value: unknown, code?: number): void {
  expect(result.ok).toBe(false)
  if (result.ok) return
  const { error } = result
  expect(error.key).toBe(key)
  expect(error.value).toBe(value)
  expect(error.rule.length).toBeGreaterThan(5)
  expect(error.message).toContain(key)
  expect(error.message).toContain(describeValue(value))
  expect(error.message).toContain(error.rule)
  if (code !== undefined) expect(error.code).toBe(code)
}

test('the catalogue holds every system property and the table below tests each of them', () => {
  const keys = SYSTEM_PROPERTIES.map((p) => p.key).sort()
  expect(CASES.map((c) => c.key).sort()).toEqual(keys)
  for (const required of [
    'Name',
    'Email',
    'Identity',
    'Phone',
    'Gender',
    'DOB',
    'Timezone',
    'MSG-email',
    'MSG-push',
    'MSG-sms',
    'MSG-whatsapp',
  ]) {
    expect(keys).toContain(required)
  }
})

describe.each(CASES)('$key', ({ key, good, bad, code }) => {
  test.each(good.map(([input, stored]) => ({ input, stored })))('accepts $input', ({ input, stored }) => {
    expect(validateSystemProperty(key, input)).toEqual({ ok: true, value: stored })
  })
  test.each(bad.map((input) => ({ input })))('rejects $input', ({ input }) => {
    expectRejected(validateSystemProperty(key, input), key, input, code)
  })
  test('rejects a missing value', () => {
    expectRejected(validateSystemProperty(key, null), key, null)
    expectRejected(validateSystemProperty(key, undefined), key, undefined)
  })
})

test('error messages read as one sentence naming key, value and rule', () => {
  const result = validateSystemProperty('Email', 'bob@')
  expect(result).toEqual({
    ok: false,
    error: {
      key: 'Email',
      value: 'bob@',
      rule: 'expected name@domain.tld',
      message: 'Email "bob@" is not a valid email address (expected name@domain.tld).',
      code: 515,
    },
  })
})

test('keys are found case-insensitively and errors use the catalogue spelling', () => {
  expect(findSystemProperty('email')?.key).toBe('Email')
  expect(findSystemProperty('msg-SMS')?.key).toBe('MSG-sms')
  expect(findSystemProperty('Favourite colour')).toBeUndefined()
  expect(validateSystemProperty('gender', 'female')).toEqual({ ok: true, value: 'F' })
  expectRejected(validateSystemProperty('phone', '555'), 'Phone', '555', 516)
})

test('an unknown key is rejected by name', () => {
  expectRejected(validateSystemProperty('Shoe size', 42), 'Shoe size', 42)
})

test('properties map to their profiles columns; others live in system_extra', () => {
  const columns = Object.fromEntries(SYSTEM_PROPERTIES.filter((p) => p.column).map((p) => [p.key, p.column]))
  expect(columns).toEqual({
    Name: 'name',
    Email: 'email',
    Identity: 'identity',
    Phone: 'phone',
    Gender: 'gender',
    DOB: 'dob',
    Timezone: 'timezone',
    'MSG-email': 'msg_email',
    'MSG-push': 'msg_push',
    'MSG-sms': 'msg_sms',
    'MSG-whatsapp': 'msg_whatsapp',
    Employed: 'employed',
    Married: 'married',
    Education: 'education',
    Photo: 'photo',
    Age: 'age',
  })
  expect(findSystemPropertyByColumn('msg_sms')?.key).toBe('MSG-sms')
  expect(findSystemPropertyByColumn('system_extra')).toBeUndefined()
})

test('forms get labels, hints, options and editability from the catalogue', () => {
  for (const p of SYSTEM_PROPERTIES) {
    expect(p.label.length).toBeGreaterThan(0)
    expect(p.hint.length).toBeGreaterThan(0)
  }
  const notEditable = SYSTEM_PROPERTIES.filter((p) => !p.editable).map((p) => p.key)
  expect(notEditable.sort()).toEqual(['FBID', 'GPID', 'Identity', 'ct_is_test_user'])
  expect(findSystemProperty('Gender')?.options).toEqual(['M', 'F', 'O', 'U'])
  expect(findSystemProperty('Education')?.options).toEqual(['School', 'College', 'Graduate'])
  expect(findSystemProperty('Employed')?.options).toEqual(['Y', 'N'])
  expect(findSystemProperty('DOB')?.label).toBe('Date of birth')
  expect(findSystemProperty('Phone')?.hint).toContain('+14155551234')
  // Every option a select offers is itself a valid value.
  for (const p of SYSTEM_PROPERTIES) {
    for (const option of p.options ?? [])
      expect(validateSystemProperty(p.key, option)).toEqual({ ok: true, value: option })
  }
})

test('a name at the 512-byte limit is accepted, one byte over is rejected, multi-byte characters counted as bytes', () => {
  expect(validateSystemProperty('Name', 'a'.repeat(512)).ok).toBe(true)
  const overAscii = 'a'.repeat(513)
  expectRejected(validateSystemProperty('Name', overAscii), 'Name', overAscii)
  expect(validateSystemProperty('Name', `${'€'.repeat(170)}ab`).ok).toBe(true) // 510 + 2 bytes
  const overEuro = '€'.repeat(171) // 171 characters, 513 bytes
  const result = validateSystemProperty('Name', overEuro)
  expectRejected(result, 'Name', overEuro)
  if (!result.ok) expect(result.error.rule).toContain('512 bytes')
})

test('a date of birth later than today is refused', () => {
  const tomorrow = new Date(Date.now() + 2 * DAY * 1000).toISOString().slice(0, 10)
  const result = validateSystemProperty('DOB', tomorrow)
  expectRejected(result, 'DOB', tomorrow)
  if (!result.ok) expect(result.error.message).toContain('future')
})

test('time zones are checked once per zone, not once per cell (million-row imports)', () => {
  // Counting Intl.DateTimeFormat constructions instead of timing: deterministic on a busy machine.
  const zones = ['Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Not/AZone']
  const spy = vi.spyOn(Intl, 'DateTimeFormat')
  let valid = 0
  try {
    for (let i = 0; i < 20_000; i++) {
      if (validateSystemProperty('Timezone', zones[i % zones.length]).ok) valid++
    }
    expect(valid).toBe(15_000)
    expect(spy.mock.calls.length).toBeLessThanOrEqual(zones.length)
  } finally {
    spy.mockRestore()
  }
})
