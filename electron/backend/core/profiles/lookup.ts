// profiles.lookup: a profile found by whatever a person pastes: its profile id, an Identity, Email, Phone,
// FBID, GPID or custom identifier value, or a key with its kind spelled out (`phone:+14155551234`,
// `custom:crm_id=A-17`). A key that matches several profiles (a phone two profiles share, a value that
// is one profile's identity and another's FBID) is refused as ambiguous with every candidate listed.
import { AppError } from '../../../../shared/ipc/envelope'
import { phoneDigits } from '../../../../shared/profile/search-keys'
import type { LookupCandidate } from '../../../../shared/profile/types'
import type { Db } from '../db/connection'
import { identifierLabel, identifierValueKey, type StoredIdentifier } from './identifiers'
import {
  findProfileRowById,
  SUMMARY_COLUMNS,
  toSummary,
  type ProfileRow,
  type SummaryRow,
} from './profile-rows'
import { prepared } from './statements'

/** The kinds a key may name with a `kind:` prefix. */
export const LOOKUP_PREFIXES = ['id', 'identity', 'email', 'phone', 'fbid', 'gpid', 'custom'] as const
type LookupKind = (typeof LOOKUP_PREFIXES)[number]

/** At most this many candidates travel in an ambiguous reply (the total is given beside them). */
export const MAX_CANDIDATES = 50
/** Phones are E.164 (a country code and a national number): shorter digit strings are not phones. */
const MIN_PHONE_DIGITS = 6
const PHONE_LIKE = /^\+?[\d\s().-]+$/

interface ParsedKey {
  /** Null: every kind is tried. */
  kind: LookupKind | null
  value: string
  /** A custom identifier's name (`custom:NAME=VALUE`). */
  name?: string
}

/** Splits a `kind:value` key; a key without a known prefix is tried against every kind. */
export function parseLookupKey(key: string): ParsedKey {
  const colon = key.indexOf(':')
  const prefix = colon > 0 ? key.slice(0, colon).toLowerCase() : ''
  if (!(LOOKUP_PREFIXES as readonly string[]).includes(prefix)) return { kind: null, value: key }
  const kind = prefix as LookupKind
  const value = key.slice(colon + 1)
  if (kind !== 'custom') {
    if (value === '') throw badKey(key, `nothing follows "${prefix}:"`)
    return { kind, value }
  }
  const equals = value.indexOf('=')
  if (equals <= 0 || equals === value.length - 1) {
    throw badKey(key, 'a custom identifier is written custom:NAME=VALUE, e.g. custom:crm_id=A-17')
  }
  return { kind, name: value.slice(0, equals), value: value.slice(equals + 1) }
}

function badKey(key: string, why: string): AppError {
  return new AppError('validation', `"${key}" is not a lookup key: ${why}.`, { key })
}

/** Internal profile id -> what matched it (e.g. "Identity", "Phone", "profile id"). */
type Matches = Map<number, Set<string>>

function note(matches: Matches, profileId: number, label: string): void {
  const labels = matches.get(profileId) ?? new Set<string>()
  labels.add(label)
  matches.set(profileId, labels)
}

function matchIdentifiers(db: Db, parsed: ParsedKey, matches: Matches): void {
  const { kind, value } = parsed
  if (kind === 'id' || kind === 'phone') return
  let rows: (StoredIdentifier & { profile_id: number })[]
  if (kind === null) {
    // Every identifier kind at once: emails by their lower-cased key, the rest exactly.
    rows = prepared(
      db,
      `SELECT profile_id, kind, name, value FROM identifiers
       WHERE (value_key = @raw AND kind <> 'email') OR (value_key = @lower AND kind = 'email')`,
    ).all({ raw: value, lower: value.toLowerCase() }) as typeof rows
  } else {
    rows = prepared(
      db,
      'SELECT profile_id, kind, name, value FROM identifiers WHERE value_key = ? AND kind = ? AND name = ?',
    ).all(identifierValueKey(kind, value), kind, parsed.name ?? '') as typeof rows
  }
  for (const row of rows) note(matches, row.profile_id, identifierLabel(row))
}

function matchPhones(db: Db, parsed: ParsedKey, matches: Matches): void {
  if (parsed.kind !== null && parsed.kind !== 'phone') return
  if (!PHONE_LIKE.test(parsed.value)) {
    if (parsed.kind === 'phone') throw badKey(`phone:${parsed.value}`, 'a phone number holds digits only')
    return
  }
  const digits = phoneDigits(parsed.value)
  if (digits.length < MIN_PHONE_DIGITS) return
  // Phones are compared by their digits, so +14155551234 and 14155551234 (the wire's form) both match.
  const ids = prepared(db, 'SELECT id FROM profiles WHERE phone_key = ?').pluck().all(digits) as number[]
  for (const id of ids) note(matches, id, 'Phone')
}

function matchProfileId(db: Db, parsed: ParsedKey, matches: Matches): void {
  if (parsed.kind !== null && parsed.kind !== 'id') return
  const id = prepared(db, 'SELECT id FROM profiles WHERE object_id = ?').pluck().get(parsed.value) as
    number | undefined
  if (id !== undefined) note(matches, id, 'profile id')
}

/** The one profile a key names; not_found when none, conflict (with the candidates) when several. */
export function lookupProfileRow(db: Db, key: string): ProfileRow {
  const parsed = parseLookupKey(key)
  const matches: Matches = new Map()
  matchProfileId(db, parsed, matches)
  matchIdentifiers(db, parsed, matches)
  matchPhones(db, parsed, matches)
  if (matches.size === 0) {
    throw new AppError(
      'not_found',
      parsed.kind === null
        ? `No profile has the profile id, Identity, Email, Phone, FBID, GPID or custom identifier "${key}".`
        : `No profile matches ${key}.`,
      { key },
    )
  }
  if (matches.size === 1) {
    const [only] = matches.keys()
    return findProfileRowById(db, only as number) as ProfileRow
  }
  const candidates = candidatesOf(db, matches)
  const shown = candidates.map((c) => `${c.id} (${c.matchedBy.join(', ')})`).join(', ')
  throw new AppError(
    'conflict',
    `"${key}" matches ${matches.size} profiles: ${shown}${matches.size > candidates.length ? ', …' : ''}. ` +
      'Open one by its profile id, or name the kind of key (e.g. identity:VALUE, phone:VALUE).',
    { key, total: matches.size, candidates },
  )
}

function candidatesOf(db: Db, matches: Matches): LookupCandidate[] {
  const ids = [...matches.keys()].sort((a, b) => a - b).slice(0, MAX_CANDIDATES)
  const rows = prepared(
    db,
    `SELECT ${SUMMARY_COLUMNS} FROM profiles WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
  ).all(JSON.stringify(ids)) as SummaryRow[]
  return rows.map((row) => ({ ...toSummary(row), matchedBy: [...(matches.get(row.id) ?? [])] }))
}
