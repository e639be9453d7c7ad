// The account's identity set: which identifiers an uploaded row is matched on (CLEVERTAP-API.md §6: a
// CleverTap account configures its identity keys; Identity and Email by default, Phone when the account
// uses phone numbers as identities). Profile Desk applies it to CSV and SFTP profile rows.

export const IDENTITY_SET_KEYS = ['Identity', 'Email', 'Phone'] as const
export type IdentitySetKey = (typeof IDENTITY_SET_KEYS)[number]

export const DEFAULT_IDENTITY_SET: readonly IdentitySetKey[] = ['Identity', 'Email']

export interface IdentitySetView {
  keys: IdentitySetKey[]
  defaults: IdentitySetKey[]
}

/**
 * The set in its canonical order (Identity, Email, Phone) without repeats, or the reason it cannot be
 * used. Identity is always in it: it is the `identity` column every profile CSV carries.
 */
export function normaliseIdentitySet(
  keys: readonly string[],
): { ok: true; keys: IdentitySetKey[] } | { ok: false; message: string } {
  const unknown = keys.filter((key) => !(IDENTITY_SET_KEYS as readonly string[]).includes(key))
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `${unknown.map((key) => `"${key}"`).join(', ')} cannot be in the identity set: choose from ${IDENTITY_SET_KEYS.join(', ')}.`,
    }
  }
  if (!keys.includes('Identity')) {
    return {
      ok: false,
      message:
        'The identity set must include Identity: it is the identity column every profile CSV row is matched on. Add Email or Phone beside it.',
    }
  }
  return { ok: true, keys: IDENTITY_SET_KEYS.filter((key) => keys.includes(key)) }
}

/** How the set reads in a sentence: "Identity, then Email, then Phone". */
export function describeIdentitySet(keys: readonly IdentitySetKey[]): string {
  return keys.join(', then ')
}
