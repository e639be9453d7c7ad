// Identifiers: the values that locate a profile (Identity, Email, FBID, GPID, custom). A value belongs to
// at most one profile (unique index identifiers_value); the profile type follows them (shared deriveProfileType).
//
// Phone is deliberately NOT a unique identifier here: the same number on two profiles is CleverTap's
// "Duplicate Platform ID" case (only one of them would receive a message), which the app must be able to
// list and let an admin resolve, so refusing the second profile would hide exactly what must be shown.
import { AppError } from '../../../../shared/ipc/envelope'
import { validateIdentifier } from '../../../../shared/profile/catalogue'
import type { Identifier, IdentifierKind } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { describeProfile, findProfileRowById, toHolder } from './profile-rows'
import { validationError } from './properties'
import { prepared } from './statements'

export interface StoredIdentifier {
  kind: IdentifierKind
  /** '' except for custom identifiers. */
  name: string
  value: string
}

/** Emails are matched case-insensitively; every other identifier exactly. */
export function identifierValueKey(kind: IdentifierKind, value: string): string {
  return kind === 'email' ? value.toLowerCase() : value
}

export function sameIdentifier(a: StoredIdentifier, b: StoredIdentifier): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    identifierValueKey(a.kind, a.value) === identifierValueKey(b.kind, b.value)
  )
}

/** The wire key an identifier is sent under (profileData) and named by in audit and messages. */
export function identifierLabel(identifier: Pick<StoredIdentifier, 'kind' | 'name'>): string {
  switch (identifier.kind) {
    case 'identity':
      return 'Identity'
    case 'email':
      return 'Email'
    case 'fbid':
      return 'FBID'
    case 'gpid':
      return 'GPID'
    case 'custom':
      return identifier.name
  }
}

/** Validates an identifier from a request and returns it in stored form. */
export function normaliseIdentifier(input: Identifier): StoredIdentifier {
  if (input.kind === 'custom' && !input.name) {
    throw new AppError(
      'validation',
      `A custom identifier needs a name (e.g. "crm_id") for the value "${input.value}".`,
      {
        key: 'name',
        value: input.value,
        rule: 'custom identifiers have a name',
      },
    )
  }
  const name = input.kind === 'custom' ? (input.name ?? '') : ''
  const error = validateIdentifier(input.kind, input.value, name || undefined)
  if (error) throw validationError(error)
  return { kind: input.kind, name, value: input.value }
}

export function loadIdentifiers(db: Db, profileId: number): StoredIdentifier[] {
  return prepared(db, 'SELECT kind, name, value FROM identifiers WHERE profile_id = ? ORDER BY rowid').all(
    profileId,
  ) as StoredIdentifier[]
}

export function toIdentifier(stored: StoredIdentifier): Identifier {
  return stored.kind === 'custom'
    ? { kind: stored.kind, name: stored.name, value: stored.value }
    : { kind: stored.kind, value: stored.value }
}

/** The profile (internal id) holding this identifier value, if any. */
export function findIdentifierHolder(db: Db, identifier: StoredIdentifier): number | undefined {
  const row = prepared(
    db,
    'SELECT profile_id FROM identifiers WHERE value_key = ? AND kind = ? AND name = ?',
  ).get(identifierValueKey(identifier.kind, identifier.value), identifier.kind, identifier.name) as
    { profile_id: number } | undefined
  return row?.profile_id
}

/** Refuses an identifier that another profile already holds, naming that profile. */
export function assertIdentifierFree(db: Db, identifier: StoredIdentifier, profileId: number): void {
  const holderId = findIdentifierHolder(db, identifier)
  if (holderId === undefined || holderId === profileId) return
  const holder = findProfileRowById(db, holderId)
  const label = identifierLabel(identifier)
  const who = holder ? describeProfile(holder) : `profile #${holderId}`
  throw new AppError(
    'conflict',
    `${label} "${identifier.value}" already belongs to another profile: ${who}. An identifier value belongs to one profile.`,
    {
      kind: identifier.kind,
      name: identifier.name || undefined,
      value: identifier.value,
      holder: holder ? toHolder(holder) : null,
    },
  )
}

export function insertIdentifier(db: Db, profileId: number, identifier: StoredIdentifier, at: number): void {
  prepared(
    db,
    'INSERT INTO identifiers (profile_id, kind, name, value, value_key, added_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    profileId,
    identifier.kind,
    identifier.name,
    identifier.value,
    identifierValueKey(identifier.kind, identifier.value),
    at,
  )
}

export function deleteIdentifier(db: Db, profileId: number, identifier: StoredIdentifier): void {
  prepared(
    db,
    'DELETE FROM identifiers WHERE profile_id = ? AND value_key = ? AND kind = ? AND name = ?',
  ).run(profileId, identifierValueKey(identifier.kind, identifier.value), identifier.kind, identifier.name)
}
