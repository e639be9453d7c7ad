// CleverTap's per-record error codes and the exact texts the real service sends (CLEVERTAP-API.md §1).
// Texts marked [I] are ours: the code is documented but its wording was never recorded on the wire.
import { RESTRICTED_EVENT_CODE, RESTRICTED_EVENT_TEXT } from '../shared/profile/restricted-events'

export const RecordCode = {
  eventNameMissing: 509,
  invalidStructure: 512,
  restrictedEvent: RESTRICTED_EVENT_CODE,
  gender: 514,
  email: 515,
  phone: 516,
  employed: 517,
  education: 518,
  married: 519,
  age: 520,
  eventPropertiesLimit: 522,
  missingIdentity: 523,
  notEventOrProfile: 524,
  timestamp: 525,
  objectId: 526,
  // [I] 530-535 are documented only as "device-token errors" (CLEVERTAP-API.md §1); 530 is ours for all.
  deviceToken: 530,
  miscellaneous: 555,
} as const

/** Profile-data texts recorded from the live service (tradeo/clevertap-ruby cassettes, 2017-2018). */
const RECORDED_PROFILE_TEXTS: Readonly<Record<number, string>> = {
  514: 'Profile data is incorrect. Gender needs to be M/F.',
  515: 'Profile data is incorrect. Email is not valid.',
  516: 'Profile data is incorrect. Phone number is not valid.',
  517: 'Profile data is incorrect. Employed needs to be Y/N.',
  // The double full stop is what the service sends.
  518: 'Profile data is incorrect. Education needs to be School/College/Graduate..',
  519: 'Profile data is incorrect. Married needs to be Y/N.',
  520: 'Profile data is incorrect. Age is invalid.',
}

/** The recorded text for a profile-data code (514-520), or null when the code has none. */
export function recordedProfileText(code: number): string | null {
  return RECORDED_PROFILE_TEXTS[code] ?? null
}

export const WireText = {
  // Recorded [C]: a missing or empty identifier (the "120 chars" is the service's own wording).
  missingIdentity:
    "'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user.",
  // Recorded [C].
  timestamp: 'Timestamp should be present in the Unix Epoch format.',
  // Recorded [C].
  restrictedEvent: RESTRICTED_EVENT_TEXT,
  // [I] wording; the codes are documented (S19).
  eventNameMissing: 'Event name is mandatory.',
  notEventOrProfile: "Record is neither an event nor a profile: 'type' must be 'event' or 'profile'.",
  objectId: 'objectId is invalid.',
} as const

/**
 * The text that ends every per-record error. The service glues it straight onto the profile-data
 * texts ("…not valid.Skipped record number : 1") and puts a space before it elsewhere
 * ("…the user. Skipped record number : 1"); both are reproduced as recorded.
 */
export function withRecordNumber(text: string, index1: number): string {
  const glued = Object.values(RECORDED_PROFILE_TEXTS).includes(text)
  return `${text}${glued ? '' : ' '}Skipped record number : ${index1}`
}

/** Request-level failures: the HTTP status and CleverTap's body. */
export interface RequestFailure {
  httpStatus: number
  body: { status: 'fail'; error: string; code: number }
}

export function requestFailure(httpStatus: number, error: string): RequestFailure {
  return { httpStatus, body: { status: 'fail', error, code: httpStatus } }
}

export const RequestFailures = {
  // Recorded [C] (S5 with_invalid_credentials).
  unauthorized: () => requestFailure(401, 'Account ID is not valid'),
  // [C2] (S21 comment recording a real response).
  malformed: () => requestFailure(400, 'Malformed request'),
  // [C2] (S19): the message; no Retry-After header is sent.
  tooManyConcurrent: () => requestFailure(429, 'Too many concurrent requests'),
} as const
