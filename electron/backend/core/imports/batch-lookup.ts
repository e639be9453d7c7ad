// The batch writer's reads: for a batch of row plans, a few set-based queries find the profiles its
// identities, objectIds, Emails and Phones name (the last two only when the identity set matches on
// them), their identifiers, and who holds each identifier value the batch adds.
import type { IdentitySetKey } from '../../../../shared/profile/identity-set'
import type { Db } from '../db/connection'
import { identifierValueKey, type StoredIdentifier } from '../profiles/identifiers'
import type { ProfileRow } from '../profiles/profile-rows'
import { prepared } from '../profiles/statements'
import { setKeysOf } from './identity-set-match'
import type { RowPlan } from './profile-plan'

export interface BatchRows {
  byIdentity: Map<string, ProfileRow>
  byObjectId: Map<string, ProfileRow>
  /** Email value key -> the profile holding it (only for rows the identity set may place by Email). */
  byEmail: Map<string, ProfileRow>
  /** Phone digits -> the profiles with that phone (only for rows the identity set may place by Phone). */
  byPhone: Map<string, ProfileRow[]>
  identifiersOf: Map<number, StoredIdentifier[]>
  /** claimKey -> CleverTap ID of the profile holding that identifier value (the unique index's view). */
  holders: Map<string, string>
}

/** How an identifier value is known in `holders` (kind, name and the value's key). */
export const claimKey = (i: Pick<StoredIdentifier, 'kind' | 'name' | 'value'>): string =>
  `${i.kind}\u0000${i.name}\u0000${identifierValueKey(i.kind, i.value)}`

const json = (values: readonly unknown[]): string => JSON.stringify(values)

export function prefetchBatch(
  db: Db,
  plans: readonly RowPlan[],
  matchOn: readonly IdentitySetKey[],
): BatchRows {
  const identities = new Set<string>()
  const objectIds = new Set<string>()
  const emails = new Set<string>()
  const phones = new Set<string>()
  for (const plan of plans) {
    if (plan.identity !== null) identities.add(plan.identity)
    if (plan.objectId !== null) objectIds.add(plan.objectId)
    const keys = setKeysOf(plan, matchOn)
    if (keys?.email) emails.add(keys.email)
    if (keys?.phone) phones.add(keys.phone)
  }
  const byIdentity = new Map<string, ProfileRow>()
  for (const row of prepared(
    db,
    `SELECT i.value AS key, p.* FROM identifiers i JOIN profiles p ON p.id = i.profile_id
     WHERE i.value_key IN (SELECT value FROM json_each(?)) AND i.kind = 'identity' AND i.name = ''`,
  ).all(json([...identities])) as (ProfileRow & { key: string })[]) {
    byIdentity.set(row.key, row)
  }
  const byObjectId = new Map<string, ProfileRow>()
  if (objectIds.size > 0) {
    for (const row of prepared(
      db,
      'SELECT * FROM profiles WHERE object_id IN (SELECT value FROM json_each(?))',
    ).all(json([...objectIds])) as ProfileRow[]) {
      byObjectId.set(row.object_id, row)
    }
  }
  const byEmail = new Map<string, ProfileRow>()
  if (emails.size > 0) {
    for (const row of prepared(
      db,
      `SELECT i.value_key AS key, p.* FROM identifiers i JOIN profiles p ON p.id = i.profile_id
       WHERE i.value_key IN (SELECT value FROM json_each(?)) AND i.kind = 'email' AND i.name = ''`,
    ).all(json([...emails])) as (ProfileRow & { key: string })[]) {
      byEmail.set(row.key, row)
    }
  }
  const byPhone = new Map<string, ProfileRow[]>()
  if (phones.size > 0) {
    for (const row of prepared(
      db,
      'SELECT * FROM profiles WHERE phone_key IN (SELECT value FROM json_each(?)) ORDER BY id',
    ).all(json([...phones])) as ProfileRow[]) {
      const key = row.phone_key as string
      byPhone.set(key, [...(byPhone.get(key) ?? []), row])
    }
  }
  const ids = new Set<number>()
  for (const row of [...byIdentity.values(), ...byObjectId.values(), ...byEmail.values()]) ids.add(row.id)
  for (const rows of byPhone.values()) for (const row of rows) ids.add(row.id)
  const identifiersOf = new Map<number, StoredIdentifier[]>()
  if (ids.size > 0) {
    for (const r of prepared(
      db,
      'SELECT profile_id, kind, name, value FROM identifiers WHERE profile_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
    ).all(json([...ids])) as (StoredIdentifier & { profile_id: number })[]) {
      const list = identifiersOf.get(r.profile_id) ?? []
      list.push({ kind: r.kind, name: r.name, value: r.value })
      identifiersOf.set(r.profile_id, list)
    }
  }
  return { byIdentity, byObjectId, byEmail, byPhone, identifiersOf, holders: holdersOf(db, plans) }
}

/** Who holds the emails and other identifiers the batch adds (the unique index's view, before the batch). */
function holdersOf(db: Db, plans: readonly RowPlan[]): Map<string, string> {
  const wanted = new Set<string>()
  for (const plan of plans) {
    for (const op of plan.ops) {
      if (op.op === 'email' && op.value !== null) wanted.add(identifierValueKey('email', op.value))
      else if (op.op === 'identifier') wanted.add(op.value)
    }
  }
  const holders = new Map<string, string>()
  if (wanted.size > 0) {
    for (const r of prepared(
      db,
      `SELECT i.kind, i.name, i.value, p.object_id FROM identifiers i JOIN profiles p ON p.id = i.profile_id
       WHERE i.value_key IN (SELECT value FROM json_each(?)) AND i.kind IN ('email', 'fbid', 'gpid')`,
    ).all(json([...wanted])) as (StoredIdentifier & { object_id: string })[]) {
      holders.set(claimKey(r), r.object_id)
    }
  }
  return holders
}
