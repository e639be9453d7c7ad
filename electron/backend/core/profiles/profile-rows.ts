// The profiles row as stored, how it is found by its CleverTap ID, and how it becomes a ProfileSummary.
import { AppError } from '../../../../shared/ipc/envelope'
import type { ControlGroupHolder, ProfileSummary } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { prepared } from './statements'

export interface ProfileRow {
  id: number
  object_id: string
  name: string | null
  email: string | null
  identity: string | null
  phone: string | null
  gender: string | null
  dob: number | null
  timezone: string | null
  msg_email: number | null
  msg_push: number | null
  msg_sms: number | null
  msg_whatsapp: number | null
  employed: string | null
  married: string | null
  education: string | null
  photo: string | null
  age: number | null
  system_extra: string
  custom: string
  is_test: number
  cg_excluded: number
  identified: number
  name_key: string | null
  email_key: string | null
  identity_key: string | null
  phone_key: string | null
  last_seen: number | null
  created_at: number
  updated_at: number
}

/** The columns a summary needs; search and list select only these. */
export const SUMMARY_COLUMNS = 'id, object_id, name, email, identity, phone, identified, is_test, last_seen'

export type SummaryRow = Pick<
  ProfileRow,
  'id' | 'object_id' | 'name' | 'email' | 'identity' | 'phone' | 'identified' | 'is_test' | 'last_seen'
>

export function toSummary(row: SummaryRow): ProfileSummary {
  return {
    id: row.object_id,
    name: row.name,
    email: row.email,
    identity: row.identity,
    phone: row.phone,
    type: row.identified ? 'Identified' : 'Anonymous',
    isTest: row.is_test === 1,
    lastSeen: row.last_seen,
  }
}

export function toHolder(
  row: Pick<ProfileRow, 'object_id' | 'name' | 'identity' | 'email' | 'identified'>,
): ControlGroupHolder {
  return {
    id: row.object_id,
    name: row.name,
    identity: row.identity,
    email: row.email,
    type: row.identified ? 'Identified' : 'Anonymous',
  }
}

/** How a profile is named in messages: its name, else identity, else email, with its id. */
export function describeProfile(row: Pick<ProfileRow, 'object_id' | 'name' | 'identity' | 'email'>): string {
  const label = row.name ?? row.identity ?? row.email
  return label ? `${label} (${row.object_id})` : row.object_id
}

export function findProfileRow(db: Db, objectId: string): ProfileRow | undefined {
  return prepared(db, 'SELECT * FROM profiles WHERE object_id = ?').get(objectId) as ProfileRow | undefined
}

export function findProfileRowById(db: Db, id: number): ProfileRow | undefined {
  return prepared(db, 'SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined
}

export function requireProfileRow(db: Db, objectId: string): ProfileRow {
  const row = findProfileRow(db, objectId)
  if (!row) throw new AppError('not_found', `No profile with id "${objectId}".`, { id: objectId })
  return row
}
