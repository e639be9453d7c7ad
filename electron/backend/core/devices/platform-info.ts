// Devices from CleverTap's `platformInfo` (lookups and downloads, CLEVERTAP-API.md §3-§4): one entry per
// device with its platform, versions and push token, written to the pulled profile's devices.
import { parsePlatform, TOKEN_STATES, type TokenState } from '../../../../shared/reachability/rules'
import type { Db } from '../db/connection'
import { findProfileRow } from '../profiles/profile-rows'
import { findDevice, upsertDevice } from './device-store'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null

/** Epoch seconds from a number or a numeric string (ms values are scaled down). */
function seconds(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return null
  return n > 9_999_999_999 ? Math.floor(n / 1000) : Math.floor(n)
}

/**
 * Inside the pull's transaction: writes the devices of one pulled profile. An entry with nothing but a
 * CleverTap ID adds no row (every profile has its own ID; a row appears once there is something to
 * show), but updates a row that exists. Returns how many device rows were written.
 */
export function absorbPlatformInfo(db: Db, profileObjectId: string, platformInfo: unknown): number {
  if (!Array.isArray(platformInfo)) return 0
  const profile = findProfileRow(db, profileObjectId)
  if (!profile) return 0
  let written = 0
  for (const entry of platformInfo) {
    if (!isPlainObject(entry)) continue
    const deviceId = text(entry.objectId)
    if (deviceId === null) continue
    const platform = parsePlatform(text(entry.platform))
    const token = text(entry.push_token) ?? text(entry.token)
    if (platform === null && token === null && findDevice(db, deviceId) === undefined) continue
    // [I] CleverTap documents no token state in platformInfo; the sandbox sends `token_state` (its own).
    const state = text(entry.token_state)
    upsertDevice(db, profile.id, {
      deviceId,
      ...(platform === null ? {} : { platform }),
      ...(token === null ? {} : { pushToken: token }),
      ...(text(entry.token_type) === null ? {} : { tokenType: text(entry.token_type) }),
      ...(state !== null && (TOKEN_STATES as readonly string[]).includes(state)
        ? { tokenState: state as TokenState }
        : {}),
      ...(text(entry.app_version) === null ? {} : { appVersion: text(entry.app_version) }),
      ...(text(entry.os_version) === null ? {} : { osVersion: text(entry.os_version) }),
      ...(text(entry.make) === null ? {} : { make: text(entry.make) }),
      ...(text(entry.model) === null ? {} : { model: text(entry.model) }),
      lastSeen: seconds(entry.last_seen ?? entry.ls),
      source: 'pull',
    })
    written += 1
  }
  return written
}
