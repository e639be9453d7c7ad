// How the account's identity set (shared/profile/identity-set.ts) places a profile row whose identity
// no profile holds yet: on the profile its Email names (Email in the set), else on the one profile its
// Phone names (Phone in the set). Only a profile without an Identity of its own can take the row (one that
// has another Identity belongs to someone else: the row then goes its own way, and an Email it carries
// is refused as held by another profile, as before). Rows that name an objectId are placed by it instead.
// Both import write paths (the batch writer and the store's row writer) decide through this one function.
import type { IdentitySetKey } from '../../../../shared/profile/identity-set'
import { phoneDigits } from '../../../../shared/profile/search-keys'
import { identifierValueKey } from '../profiles/identifiers'
import type { RowPlan } from './profile-plan'

/** What a row offers to the identity set: its Email and Phone cells, when the set matches on them. */
export interface SetKeys {
  /** The email's value key (lower-cased). */
  email: string | null
  /** The phone's digits (profiles.phone_key). */
  phone: string | null
  /** The phone as written in the row, for messages. */
  phoneText: string | null
}

export type SetMatch<P> =
  | { kind: 'none' }
  | { kind: 'match'; profile: P; by: 'Email' | 'Phone' }
  | { kind: 'ambiguous'; reason: string }

export interface SetLookup<P> {
  /** The profile holding this email key, if any (as the batch currently sees it). */
  byEmail(emailKey: string): P | undefined
  /** Every profile whose phone has these digits. */
  byPhone(digits: string): P[]
  /** The profile's first Identity, or null when it has none. */
  identityOf(profile: P): string | null
  /** The CleverTap ID, for messages. */
  objectIdOf(profile: P): string
}

/** The row's set keys; null when the set plays no part for it (no identity, or an objectId names it). */
export function setKeysOf(plan: RowPlan, matchOn: readonly IdentitySetKey[]): SetKeys | null {
  if (plan.identity === null || plan.objectId !== null) return null
  let email: string | null = null
  let phone: string | null = null
  for (const op of plan.ops) {
    if (op.op === 'email' && matchOn.includes('Email')) email = op.value
    else if (op.op === 'set' && op.custom === null && op.key === 'Phone' && matchOn.includes('Phone'))
      phone = typeof op.value === 'string' ? op.value : null
    else if (op.op === 'unset' && !op.custom && op.key === 'Phone') phone = null
  }
  if (email === null && phone === null) return null
  return {
    email: email === null ? null : identifierValueKey('email', email),
    phone: phone === null ? null : phoneDigits(phone),
    phoneText: phone,
  }
}

export function matchOnIdentitySet<P>(keys: SetKeys, lookup: SetLookup<P>): SetMatch<P> {
  if (keys.email !== null) {
    const holder = lookup.byEmail(keys.email)
    if (holder !== undefined && lookup.identityOf(holder) === null)
      return { kind: 'match', profile: holder, by: 'Email' }
  }
  if (keys.phone !== null && keys.phone !== '') {
    const free = lookup.byPhone(keys.phone).filter((p) => lookup.identityOf(p) === null)
    if (free.length === 1) return { kind: 'match', profile: free[0] as P, by: 'Phone' }
    if (free.length > 1) {
      const ids = free.map((p) => lookup.objectIdOf(p)).join(', ')
      return {
        kind: 'ambiguous',
        reason:
          `Phone "${keys.phoneText}" is on ${free.length} profiles without an identity (${ids}), and the identity set ` +
          'matches rows on Phone, so the row cannot tell which one it is: resolve the duplicate phone first, or ' +
          'take Phone out of the identity set (Settings).',
      }
    }
  }
  return { kind: 'none' }
}
