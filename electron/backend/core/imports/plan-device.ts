// The device step of a profile import: a row's push token goes on the profile's own device (its CleverTap
// ID, as a token set by hand on the profile page), through core/devices' one write path: a new or
// changed token is audited and queued as a `token` record there; the same token again writes nothing.
import type { Db } from '../db/connection'
import { deviceWouldChange, type DeviceInput } from '../devices/device-store'
import { defaultTokenType, deviceHeldElsewhere, writeDevice } from '../devices/token-edits'
import type { ProfileRow } from '../profiles/profile-rows'
import type { RowPlan } from './profile-plan'

/** The device write a plan asks for on the profile `objectId`, or null when the row has no token. */
export function planDevice(plan: RowPlan, objectId: string): DeviceInput | null {
  const device = plan.device
  if (device === undefined) return null
  // With no type given, the platform's usual one (Android: fcm, iOS: apns, Web: webpush); with neither,
  // the stored type stays (a new device's record then takes its platform's at push time).
  const tokenType =
    device.tokenType ?? (device.platform === null ? undefined : defaultTokenType(device.platform))
  return {
    deviceId: objectId,
    pushToken: device.pushToken,
    ...(device.platform === null ? {} : { platform: device.platform }),
    ...(tokenType === undefined ? {} : { tokenType }),
    source: 'import',
  }
}

/**
 * Before the row is counted: why its token cannot be written (the device belongs to another profile),
 * and whether it changes anything. `profileId` null: a profile this import creates.
 */
export function checkPlanDevice(
  db: Db,
  input: DeviceInput,
  profileId: number | null,
  knownObjectId: boolean,
): { problem: string | null; changes: boolean } {
  // A CleverTap ID this import generated is nobody's device yet: no read needed.
  if (profileId === null && !knownObjectId) return { problem: null, changes: true }
  const problem = deviceHeldElsewhere(db, input.deviceId, profileId)
  if (problem !== null) return { problem, changes: false }
  return { problem: null, changes: profileId === null || deviceWouldChange(db, profileId, input) }
}

/** Inside the batch's transaction: writes the device; a new profile's token is not audited on its own. */
export function writePlanDevice(
  db: Db,
  row: Pick<ProfileRow, 'id' | 'object_id'>,
  input: DeviceInput,
  options: { changeSet: number; actor: string; at: number; created: boolean },
): void {
  writeDevice(db, row, input, { ...options, audit: !options.created })
}
