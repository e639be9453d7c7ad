// The profiles columns an import writes for a snapshot, as ProfileChange.commit writes them, and the
// INSERT of a new profile with them (the batch writer's row values).
import { deriveProfileType } from '../../../../shared/profile/identity'
import { foldText } from '../../../../shared/profile/search-keys'
import type { ProfileRow } from '../profiles/profile-rows'
import { propertyColumns } from '../profiles/properties'
import { emptySnapshot, type ProfileSnapshot } from './profile-snapshot'

/** The columns rowColumns() fills, in a fixed order, and the INSERT that writes a new profile with them. */
export const COLUMN_NAMES: readonly string[] = Object.keys(rowColumns(emptySnapshot(), 0, null))
export const INSERT_PROFILE = `INSERT INTO profiles (object_id, created_at, ${COLUMN_NAMES.join(', ')}) VALUES (${['?', '?', ...COLUMN_NAMES.map(() => '?')].join(', ')})`

/** Every profiles column an import sets, as ProfileChange.commit writes them. */
export function rowColumns(
  after: ProfileSnapshot,
  at: number,
  row: ProfileRow | null,
): Record<string, string | number | null> {
  // Filled in place (a spread of ~20 columns per row was a hot spot of a large import); the key order is
  // COLUMN_NAMES' order, which the INSERT relies on.
  const columns = propertyColumns(after.state)
  let email: string | null = null
  let identity: string | null = null
  for (const i of after.identifiers) {
    if (i.kind === 'email') email ??= i.value
    else if (i.kind === 'identity') identity ??= i.value
  }
  columns.email = email
  columns.identity = identity
  columns.email_key = email === null ? null : foldText(email)
  columns.identity_key = identity === null ? null : foldText(identity) || null
  columns.identified = deriveProfileType(after.identifiers) === 'Identified' ? 1 : 0
  columns.is_test = after.isTest ? 1 : 0
  columns.cg_excluded = row?.cg_excluded ?? 0
  columns.updated_at = at
  return columns
}
