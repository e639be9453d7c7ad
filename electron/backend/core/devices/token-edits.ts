// Tokens set and removed by hand (profile page, CLI) and the token upload record a new or changed token
// becomes (CLEVERTAP-API.md §1). A removal stays local: the API documents no record that removes a token.
import type { ReachabilityView, TokenChangeResult, TokenInput } from '../../../../shared/devices/types'
import { TOKEN_REMOVAL_NOTE } from '../../../../shared/devices/types'
import { AppError } from '../../../../shared/ipc/envelope'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { writeAudit } from '../profiles/audit'
import { withChangeSet } from '../changes/change-sets'
import {
  describeProfile,
  findProfileRowById,
  requireProfileRow,
  type ProfileRow,
} from '../profiles/profile-rows'
import { nowSeconds, prepared } from '../profiles/statements'
import {
  clearToken,
  devicesOf,
  upsertDevice,
  type DeviceInput,
  type DeviceRow,
  type DeviceWrite,
} from './device-store'
import { reachabilityOfRow } from './reachability'

/** CleverTap's token record: `{"type":"token","tokenData":{"id","type"},"objectId"}`. */
export interface TokenRecord {
  type: 'token'
  objectId: string
  tokenData: { id: string; type: string }
}

/** Token types by platform when a source names none (Android: FCM, iOS: APNs, Web: web push). */
export function defaultTokenType(platform: string): string {
  if (platform === 'iOS') return 'apns'
  if (platform === 'Web') return 'webpush'
  return 'fcm'
}

/**
 * Queues a token record for sync, grouped under the profile's CleverTap ID (so it goes after the profile's
 * own pending records); the record names the device's CleverTap ID.
 */
export function writeTokenOutbox(db: Db, profileObjectId: string, device: DeviceRow, at: number): void {
  const record = tokenRecordOf(device)
  if (record === null) return
  prepared(
    db,
    'INSERT INTO outbox (object_id, kind, payload, base, created_at) VALUES (?, ?, ?, NULL, ?)',
  ).run(profileObjectId, 'token', JSON.stringify(record), at)
}

/** The token record a device's token becomes (null when it has none). */
export function tokenRecordOf(
  device: Pick<DeviceRow, 'device_id' | 'push_token' | 'token_type' | 'platform'>,
): TokenRecord | null {
  if (device.push_token === null) return null
  return {
    type: 'token',
    objectId: device.device_id,
    tokenData: { id: device.push_token, type: device.token_type ?? defaultTokenType(device.platform) },
  }
}

/**
 * Why `deviceId` cannot take a token for the profile `profileId`: the device belongs to another profile
 * (a device moves between profiles only by the login rule). Null when it is free or the profile's own.
 */
export function deviceHeldElsewhere(db: Db, deviceId: string, profileId: number | null): string | null {
  const holder = prepared(
    db,
    'SELECT p.object_id FROM devices d JOIN profiles p ON p.id = d.profile_id WHERE d.device_id = ?',
  ).get(deviceId) as { object_id: string } | undefined
  if (holder === undefined) return null
  const own = profileId === null ? undefined : findProfileRowById(db, profileId)
  return own?.object_id === holder.object_id
    ? null
    : `Device "${deviceId}" belongs to another profile (${holder.object_id}): its push token is set on that profile.`
}

/**
 * Inside the caller's transaction and change set: writes a device as a source (the page, a CSV file)
 * gives it. A new or changed token is audited (unless the profile is new: its creation entry stands for
 * it) and queued as a token record, as the profile page does. Null when nothing changed.
 */
export function writeDevice(
  db: Db,
  row: Pick<ProfileRow, 'id' | 'object_id'>,
  input: DeviceInput,
  options: { changeSet: number; actor: string; at: number; audit: boolean },
): DeviceWrite | null {
  const write = upsertDevice(db, row.id, input)
  if (!write.changed) return null
  if (write.tokenChanged) {
    if (options.audit) {
      writeAudit(db, options.changeSet, row.object_id, options.at, options.actor, {
        action: 'device.token.set',
        field: `device ${input.deviceId}`,
        oldValue: write.previousToken,
        newValue: write.row.push_token,
      })
    }
    writeTokenOutbox(db, row.object_id, write.row, options.at)
  }
  return write
}

function emit(ctx: BackendContext, row: ProfileRow): void {
  ctx.events.emit('profiles.changed', { ids: [row.object_id] })
}

/** Sets a token by hand: audited, and pushed as a token record when it is new or changed. */
export function setToken(ctx: BackendContext, input: TokenInput): TokenChangeResult {
  const token = input.pushToken.trim()
  if (token === '')
    throw new AppError('validation', 'The push token is empty: paste the token the app reported.')
  const db = ctx.db
  const result = db
    .transaction((): { view: ReachabilityView; changed: boolean; row: ProfileRow } => {
      const row = requireProfileRow(db, input.profileId)
      const label = `Push token set on ${describeProfile(row)}`
      const start = { kind: 'token' as const, actor: ctx.actor, label, at: nowSeconds(ctx.clock) }
      return withChangeSet(db, start, (changeSet) => writeToken(ctx, row, input, token, changeSet))
    })
    .immediate()
  if (result.changed) emit(ctx, result.row)
  return {
    reachability: result.view,
    remote: result.changed ? 'queued' : 'unchanged',
    message: result.changed
      ? 'Token saved; sync sends it to CleverTap as a token record.'
      : 'That device already has this token: nothing changed.',
  }
}

function writeToken(
  ctx: BackendContext,
  row: ProfileRow,
  input: TokenInput,
  token: string,
  changeSet: number,
): { view: ReachabilityView; changed: boolean; row: ProfileRow } {
  const db = ctx.db
  const deviceId = input.deviceId?.trim() || row.object_id
  const holder = prepared(db, 'SELECT profile_id FROM devices WHERE device_id = ?').get(deviceId) as
    { profile_id: number } | undefined
  if (holder !== undefined && holder.profile_id !== row.id) {
    throw new AppError(
      'conflict',
      `Device "${deviceId}" belongs to another profile; give this profile's device id or leave it empty.`,
    )
  }
  const at = nowSeconds(ctx.clock)
  const old = devicesOf(db, row.id).find((d) => d.device_id === deviceId)
  const write = writeDevice(
    db,
    row,
    {
      deviceId,
      platform: input.platform,
      pushToken: token,
      tokenType: input.tokenType?.trim() || defaultTokenType(input.platform),
      ...(old?.push_token === token ? {} : { tokenState: 'valid' as const }),
      lastSeen: old?.last_seen ?? null,
      source: 'hand',
    },
    { changeSet, actor: ctx.actor, at, audit: true },
  )
  return { view: reachabilityOfRow(db, row), changed: write?.tokenChanged ?? false, row }
}

/** Removes a device's token here: audited, remembered so a pull does not restore it, never pushed. */
export function removeToken(ctx: BackendContext, profileId: string, deviceId: string): TokenChangeResult {
  const db = ctx.db
  const result = db
    .transaction(() => {
      const row = requireProfileRow(db, profileId)
      const device = devicesOf(db, row.id).find((d) => d.device_id === deviceId)
      if (device === undefined) {
        throw new AppError('not_found', `Profile "${profileId}" has no device "${deviceId}".`)
      }
      if (device.push_token === null) return { view: reachabilityOfRow(db, row), changed: false, row }
      const label = `Push token removed from ${describeProfile(row)}`
      const start = { kind: 'token' as const, actor: ctx.actor, label, at: nowSeconds(ctx.clock) }
      withChangeSet(db, start, (changeSet) => removeDeviceToken(ctx, row, device, changeSet))
      return { view: reachabilityOfRow(db, row), changed: true, row }
    })
    .immediate()
  if (result.changed) emit(ctx, result.row)
  return {
    reachability: result.view,
    remote: result.changed ? 'local-only' : 'unchanged',
    message: result.changed ? TOKEN_REMOVAL_NOTE : 'That device has no token: nothing changed.',
  }
}

/** Inside the caller's transaction: the removal itself and its audit entry (also used by resolve). */
export function removeDeviceToken(
  ctx: BackendContext,
  row: ProfileRow,
  device: DeviceRow,
  changeSet: number,
  why?: string,
): void {
  const at = nowSeconds(ctx.clock)
  clearToken(ctx.db, device, at)
  writeAudit(ctx.db, changeSet, row.object_id, at, ctx.actor, {
    action: 'device.token.remove',
    field: `device ${device.device_id}`,
    oldValue: device.push_token,
    newValue: { removed: true, localOnly: true, ...(why === undefined ? {} : { why }) },
  })
}
