// The table of CleverTap system properties: each one's key, label, type, column, options and hint, and
// the check its values pass. catalogue.ts looks properties up in it and validates with it.

import type { IdentifierKind } from './types'
import { identifierProblem } from './identifier-rules'
import {
  EDUCATION_OPTIONS,
  GENDER_OPTIONS,
  TEST_USER_OPTIONS,
  YES_NO_OPTIONS,
  checkAge,
  checkBirthDate,
  checkBoolean,
  checkEducation,
  checkEmail,
  checkGender,
  checkPhone,
  checkTestUser,
  checkText,
  checkTimeZone,
  checkUrl,
  checkYesNo,
  type CheckResult,
} from './validators'

export type SystemPropertyType = 'string' | 'number' | 'boolean' | 'date' | 'multi'

export interface SystemProperty {
  /** CleverTap wire key. */
  key: string
  /** For forms, e.g. 'Date of birth'. */
  label: string
  type: SystemPropertyType
  /** profiles table column when the property has one; otherwise it lives in system_extra JSON. */
  column?: string
  /** Allowed values for enumerations, for select inputs. */
  options?: readonly string[]
  /** The rule in plain words, shown under inputs. */
  hint: string
  /** False for ct_is_test_user (use mark/unmark) and Identity/FBID/GPID (use identifiers). */
  editable: boolean
}

export type ValueCheck = (value: unknown) => CheckResult

export interface CatalogueEntry {
  property: SystemProperty
  check: ValueCheck
}

const MSG_HINT = 'Yes or No: whether this channel may be used (false = do not send)'

function identifierCheck(kind: IdentifierKind): ValueCheck {
  return (value) => {
    // Identity may be sent as a number (CLEVERTAP-API.md §7); it is kept as its decimal text.
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
    if (typeof text !== 'string') return { ok: false, problem: 'is not text', rule: 'expected a string' }
    const broken = identifierProblem(kind, text)
    return broken === null ? { ok: true, value: text } : { ok: false, ...broken }
  }
}

/** Every CleverTap system property, in the order forms list them, with the check its values pass. */
export const SYSTEM_PROPERTY_ENTRIES: readonly CatalogueEntry[] = [
  {
    property: {
      key: 'Name',
      label: 'Name',
      type: 'string',
      column: 'name',
      hint: 'Full name, up to 512 bytes',
      editable: true,
    },
    check: checkText,
  },
  {
    property: {
      key: 'Email',
      label: 'Email',
      type: 'string',
      column: 'email',
      hint: 'A valid address: name@domain.tld',
      editable: true,
    },
    check: checkEmail,
  },
  {
    property: {
      key: 'Identity',
      label: 'Identity',
      type: 'string',
      column: 'identity',
      hint: "The customer's own user id; managed under Identifiers",
      editable: false,
    },
    check: identifierCheck('identity'),
  },
  {
    property: {
      key: 'Phone',
      label: 'Phone',
      type: 'string',
      column: 'phone',
      hint: 'E.164: + country code and number, e.g. +14155551234',
      editable: true,
    },
    check: checkPhone,
  },
  {
    property: {
      key: 'Gender',
      label: 'Gender',
      type: 'string',
      column: 'gender',
      options: GENDER_OPTIONS,
      hint: 'M, F, O (other) or U (unknown)',
      editable: true,
    },
    check: checkGender,
  },
  {
    property: {
      key: 'DOB',
      label: 'Date of birth',
      type: 'date',
      column: 'dob',
      hint: 'A past date, YYYY-MM-DD',
      editable: true,
    },
    check: (value) => checkBirthDate(value),
  },
  {
    property: {
      key: 'Timezone',
      label: 'Time zone',
      type: 'string',
      column: 'timezone',
      hint: 'An IANA time zone, e.g. Europe/Berlin, or a GMT offset, e.g. GMT+0530',
      editable: true,
    },
    check: checkTimeZone,
  },
  {
    property: {
      key: 'MSG-email',
      label: 'Email opt-in',
      type: 'boolean',
      column: 'msg_email',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-push',
      label: 'Push opt-in',
      type: 'boolean',
      column: 'msg_push',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-sms',
      label: 'SMS opt-in',
      type: 'boolean',
      column: 'msg_sms',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-whatsapp',
      label: 'WhatsApp opt-in',
      type: 'boolean',
      column: 'msg_whatsapp',
      hint: MSG_HINT,
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndSMS',
      label: 'SMS do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb by SMS',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndWhatsApp',
      label: 'WhatsApp do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb on WhatsApp',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'MSG-dndEmail',
      label: 'Email do-not-disturb',
      type: 'boolean',
      hint: 'Yes or No: do not disturb by email',
      editable: true,
    },
    check: checkBoolean,
  },
  {
    property: {
      key: 'Employed',
      label: 'Employed',
      type: 'string',
      column: 'employed',
      options: YES_NO_OPTIONS,
      hint: 'Y or N',
      editable: true,
    },
    check: (value) => checkYesNo(value, 517),
  },
  {
    property: {
      key: 'Married',
      label: 'Married',
      type: 'string',
      column: 'married',
      options: YES_NO_OPTIONS,
      hint: 'Y or N',
      editable: true,
    },
    check: (value) => checkYesNo(value, 519),
  },
  {
    property: {
      key: 'Education',
      label: 'Education',
      type: 'string',
      column: 'education',
      options: EDUCATION_OPTIONS,
      hint: 'School, College or Graduate',
      editable: true,
    },
    check: checkEducation,
  },
  {
    property: {
      key: 'Photo',
      label: 'Photo',
      type: 'string',
      column: 'photo',
      hint: 'An http(s) URL of an image',
      editable: true,
    },
    check: checkUrl,
  },
  {
    property: {
      key: 'Age',
      label: 'Age',
      type: 'number',
      column: 'age',
      hint: 'Whole years, 0 to 150 (not needed when the date of birth is set)',
      editable: true,
    },
    check: checkAge,
  },
  {
    property: {
      key: 'FBID',
      label: 'Facebook ID',
      type: 'string',
      hint: 'Managed under Identifiers',
      editable: false,
    },
    check: identifierCheck('fbid'),
  },
  {
    property: {
      key: 'GPID',
      label: 'Google+ ID',
      type: 'string',
      hint: 'Managed under Identifiers',
      editable: false,
    },
    check: identifierCheck('gpid'),
  },
  {
    property: {
      key: 'ct_is_test_user',
      label: 'Test profile',
      type: 'string',
      options: TEST_USER_OPTIONS,
      hint: '"Yes" marks a test profile; use Mark / Unmark as test profile',
      editable: false,
    },
    check: checkTestUser,
  },
]
