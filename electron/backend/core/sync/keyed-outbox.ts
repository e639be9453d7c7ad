// Keyed outbox records (profiles/outbox.ts KeyedProfileRecord: an import's profile changes stored by
// their keys only) become full upload records when sync reads them: each key with the profile's CURRENT
// value in wire form (sync/wire.ts localWireView: dates "$D_<epoch>", multi-values as lists, identifiers
// by their wire key), {"$delete": true} for a key it no longer holds. Read this way for a push chunk, for
// the pending fields conflict detection compares, and for the pending and error lists. Full records
// (profileData stored) pass through untouched.
import type { Db } from '../db/connection'
import { DELETE_OPERATION } from '../profiles/outbox'
import { findProfileRow } from '../profiles/profile-rows'
import { loadCustomTypes } from '../profiles/properties'
import type { CustomPropertyType } from '../../../../shared/profile/types'
import { isPlainObject } from './outbox-coalesce'
import { localWireView, type WireView } from './wire'

/** A cheap first look: only a payload whose text names "keys" is parsed to check for the keyed shape. */
const KEYED_TEXT = /"keys":/

/** The stored keys of a keyed record, or null for a full one (profileData stored). */
export function keyedKeys(payload: Record<string, unknown>): string[] | 'all' | null {
  if ('profileData' in payload) return null
  const keys = payload.keys
  if (keys === 'all') return 'all'
  return Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? (keys as string[]) : null
}

export function mayBeKeyed(payloadText: string): boolean {
  return KEYED_TEXT.test(payloadText)
}

/** The profiles' current wire views, each read once per use (a push chunk, a list page). */
export class ProfileViews {
  private readonly views = new Map<string, WireView | null>()
  private types: Map<string, CustomPropertyType> | null = null

  constructor(private readonly db: Db) {}

  /** The profile as wire fields now; null when it no longer exists here. */
  view(objectId: string): WireView | null {
    const known = this.views.get(objectId)
    if (known !== undefined) return known
    const row = findProfileRow(this.db, objectId)
    this.types ??= loadCustomTypes(this.db)
    const view = row === undefined ? null : localWireView(this.db, row, this.types)
    this.views.set(objectId, view)
    return view
  }

  /** The wire keys a keyed record stands for ('all': every key the profile holds now). */
  keysOf(objectId: string, keys: string[] | 'all'): string[] {
    if (keys !== 'all') return keys
    return [...(this.view(objectId)?.keys() ?? [])]
  }

  /**
   * A keyed payload as the full record it stands for (profileData from the current row), or null when the
   * profile is gone (its change is moot: the profile's delete is what the server gets).
   */
  expand(
    objectId: string,
    payload: Record<string, unknown>,
    keys: string[] | 'all',
  ): Record<string, unknown> | null {
    const view = this.view(objectId)
    if (view === null) return null
    const profileData: Record<string, unknown> = {}
    for (const key of this.keysOf(objectId, keys)) {
      const value = view.get(key)
      profileData[key] = value === undefined || value === null ? DELETE_OPERATION : value
    }
    const { keys: _stored, ...record } = payload
    return { ...record, profileData }
  }
}

/** A stored payload's text as the full record (keyed ones expanded); null for a keyed one whose profile is gone. */
export function fullPayloadText(views: ProfileViews, objectId: string, payloadText: string): string | null {
  if (!mayBeKeyed(payloadText)) return payloadText
  let payload: unknown
  try {
    payload = JSON.parse(payloadText)
  } catch {
    return payloadText
  }
  if (!isPlainObject(payload)) return payloadText
  const keys = keyedKeys(payload)
  if (keys === null) return payloadText
  const full = views.expand(objectId, payload, keys)
  return full === null ? null : JSON.stringify(full)
}
