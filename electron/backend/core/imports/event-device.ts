// The device step of an events import: after an event is applied (the login rule has placed its device),
// the device is last seen at the event's time (the newest kept), and takes the row's platform, app version
// and push token when the event is its newest; a new or changed token goes out as a `token` record
// through core/devices' one write path, as a token set on the profile page.
import type { Db } from '../db/connection'
import { findDevice } from '../devices/device-store'
import { defaultTokenType, deviceHeldElsewhere, writeDevice } from '../devices/token-edits'
import type { ProfileRow } from '../profiles/profile-rows'
import type { WriteOptions } from '../profiles/login'
import { prepared } from '../profiles/statements'
import type { DeviceCells } from './device-cells'

/**
 * Writes the event's device. `deviceId` null (an event placed by identity only): the profile's own device,
 * its CleverTap ID. Returns the reason when that device belongs to another profile (nothing written).
 */
export function applyEventDevice(
  db: Db,
  deviceId: string | null,
  identityProfile: Pick<ProfileRow, 'id' | 'object_id'> | null,
  cells: DeviceCells,
  ts: number,
  options: WriteOptions,
): string | null {
  let id = deviceId
  let profile = identityProfile
  if (id === null) {
    if (profile === null) return null
    // Nothing to say about a device the row does not name.
    if (cells.pushToken === null && cells.platform === null && cells.appVersion === null) return null
    id = profile.object_id
    const held = deviceHeldElsewhere(db, id, profile.id)
    if (held !== null) return held
  }
  const old = findDevice(db, id)
  if (deviceId !== null) {
    // The login rule has pointed the device at its profile: that profile gets it.
    if (old === undefined) return null
    profile = prepared(db, 'SELECT id, object_id FROM profiles WHERE id = ?').get(old.profile_id) as {
      id: number
      object_id: string
    }
  }
  // An event older than the device's last sighting says nothing new about it but may move last seen.
  const newest = old?.last_seen === null || old?.last_seen === undefined || ts >= old.last_seen
  const platform = newest ? cells.platform : null
  const token = newest ? cells.pushToken : null
  const type = cells.tokenType ?? (token !== null && platform !== null ? defaultTokenType(platform) : null)
  writeDevice(
    db,
    profile as Pick<ProfileRow, 'id' | 'object_id'>,
    {
      deviceId: id,
      lastSeen: ts,
      ...(platform === null ? {} : { platform }),
      ...(token === null ? {} : { pushToken: token }),
      ...(token === null || type === null ? {} : { tokenType: type }),
      ...(newest && cells.appVersion !== null ? { appVersion: cells.appVersion } : {}),
      source: 'events',
    },
    { changeSet: options.changeSet, actor: options.actor, at: options.at, audit: true },
  )
  return null
}
