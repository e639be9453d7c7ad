// A profile's reachability as the profile page and `profile-desk reachability` show it: the stored codes
// per channel (written by the shared rules through the triggers) and each device's own answer.
import type { ReachabilityView } from '../../../../shared/devices/types'
import {
  answerOfCode,
  CHANNEL_LABELS,
  CHANNELS,
  deviceReachability,
  describeAnswer,
  REACH_CODES,
} from '../../../../shared/reachability/rules'
import type { Db } from '../db/connection'
import { findProfileRowById, requireProfileRow, type ProfileRow } from '../profiles/profile-rows'
import { prepared } from '../profiles/statements'
import { deviceFacts, devicesOf, profileFacts } from './device-store'
import { unpackCodes } from './schema'

/** The stored packed codes of a profile (empty while a bulk load has not filled them yet). */
function storedCodes(db: Db, row: ProfileRow): number[] {
  const stored = prepared(db, 'SELECT reach FROM profiles WHERE id = ?').get(row.id) as
    { reach: number | null } | undefined
  return stored?.reach === null || stored?.reach === undefined ? [] : unpackCodes(stored.reach)
}

export function reachabilityOfRow(db: Db, row: ProfileRow): ReachabilityView {
  const devices = devicesOf(db, row.id)
  const facts = profileFacts(row, devices)
  const codes = storedCodes(db, row)
  return {
    profileId: row.object_id,
    channels: CHANNELS.map((channel, i) => {
      const code = codes[i]
      const answer = code === undefined ? null : answerOfCode(code)
      return {
        channel,
        label: CHANNEL_LABELS[channel],
        code: REACH_CODES[code ?? 0] ?? 'reachable',
        text: answer === null ? 'Not computed yet' : describeAnswer(answer),
      }
    }),
    devices: devices.map((device) => ({
      deviceId: device.device_id,
      platform: device.platform,
      pushToken: device.push_token,
      tokenType: device.token_type,
      tokenState: device.token_state,
      appVersion: device.app_version,
      osVersion: device.os_version,
      lastSeen: device.last_seen,
      source: device.source,
      answers: CHANNELS.map((channel) => {
        const answer = deviceReachability(facts, deviceFacts(device), channel)
        return { channel, kind: answer.kind, text: describeAnswer(answer) }
      }),
    })),
    lastSeenDeviceId: devices.find((d) => d.last_seen !== null)?.device_id ?? null,
  }
}

export function reachabilityOf(db: Db, objectId: string): ReachabilityView {
  return reachabilityOfRow(db, requireProfileRow(db, objectId))
}

export function reachabilityById(db: Db, id: number): ReachabilityView | null {
  const row = findProfileRowById(db, id)
  return row ? reachabilityOfRow(db, row) : null
}
