// Events and the login rule of PRODUCT.md §2 (CleverTap's onUserLogin): which profile a device's event
// lands on, what a login with an identity does to the device's profile, and the per-profile summaries.
import { AppError } from '../../../../shared/ipc/envelope'
import type { RecordEventResult } from '../../../../shared/ipc/contract'
import {
  isRestrictedEventName,
  RESTRICTED_EVENT_CODE,
  restrictedEventMessage,
} from '../../../../shared/profile/restricted-events'
import {
  LIMITS,
  utf8ByteLength,
  validateIdentifier,
  validatePropertyKey,
} from '../../../../shared/profile/catalogue'
import type { BackendContext } from '../context'
import type { Db } from '../db/connection'
import { findIdentifierHolder, type StoredIdentifier } from './identifiers'
import { newObjectId } from './object-ids'
import { writeEventOutbox } from './outbox'
import { ProfileChange } from './profile-change'
import { findProfileRow, findProfileRowById, type ProfileRow } from './profile-rows'
import { insertBareProfile } from './profile-store'
import { validationError } from './properties'
import { withChangeSet } from '../changes/change-sets'
import { nowSeconds, prepared } from './statements'

export interface EventInput {
  deviceId: string
  identity?: string
  name: string
  props: Record<string, unknown>
  /** Epoch seconds; the context clock when absent. */
  ts?: number
}

export interface WriteOptions {
  at: number
  actor: string
  /** The change set the profile changes and the inserted events belong to (core/changes). */
  changeSet: number
  /** False for sample data: local demo events are not sent anywhere. */
  outbox: boolean
}

interface DeviceRow {
  device_id: string
  profile_id: number
  identified: number
}

export type LoginOutcome = RecordEventResult['login']

export interface LoginResolution {
  profile: ProfileRow
  login: LoginOutcome
  /** CleverTap IDs of every profile this touched (for profiles.changed). */
  touched: string[]
}

/** Largest plausible epoch-seconds value (year 5138): a larger ts is almost surely milliseconds. */
const MAX_EPOCH_SECONDS = 1e11
const MAX_EVENT_PROPERTIES = 256

export function validateEventInput(input: EventInput): void {
  if (input.name.trim() !== input.name || input.name.trim() === '') {
    throw new AppError(
      'validation',
      `Event name "${input.name}" starts or ends with a space (names are matched exactly).`,
      {
        key: 'name',
        value: input.name,
        rule: 'no leading or trailing space',
      },
    )
  }
  if (isRestrictedEventName(input.name)) {
    // Refused here, where the person can rename it, rather than parked at the next sync.
    throw new AppError('validation', restrictedEventMessage(input.name), {
      key: 'evtName',
      value: input.name,
      rule: 'not a restricted system event',
      code: RESTRICTED_EVENT_CODE,
    })
  }
  if (input.identity !== undefined) {
    const error = validateIdentifier('identity', input.identity)
    if (error) throw validationError(error)
  }
  if (input.ts !== undefined && input.ts > MAX_EPOCH_SECONDS) {
    throw new AppError(
      'validation',
      `Event ts ${input.ts} looks like milliseconds; events take epoch seconds.`,
      {
        key: 'ts',
        value: input.ts,
        rule: 'epoch seconds',
      },
    )
  }
  const entries = Object.entries(input.props)
  if (entries.length > MAX_EVENT_PROPERTIES) {
    throw new AppError(
      'validation',
      `Event "${input.name}" has ${entries.length} properties; at most ${MAX_EVENT_PROPERTIES}.`,
      {
        key: 'props',
        value: entries.length,
        rule: `at most ${MAX_EVENT_PROPERTIES} properties per event`,
      },
    )
  }
  for (const [key, value] of entries) {
    const keyError = validatePropertyKey(key)
    if (keyError) throw validationError(keyError)
    if (typeof value === 'string' && utf8ByteLength(value) > LIMITS.valueBytes) {
      throw new AppError('validation', `Event property ${key} is longer than ${LIMITS.valueBytes} bytes.`, {
        key,
        value: `${value.slice(0, 40)}…`,
        rule: `at most ${LIMITS.valueBytes} bytes (UTF-8)`,
      })
    }
  }
}

function findDevice(db: Db, deviceId: string): DeviceRow | undefined {
  return prepared(db, 'SELECT device_id, profile_id, identified FROM devices WHERE device_id = ?').get(
    deviceId,
  ) as DeviceRow | undefined
}

function pointDevice(db: Db, deviceId: string, profileId: number, identified: boolean): void {
  prepared(
    db,
    `INSERT INTO devices (device_id, profile_id, identified) VALUES (?, ?, ?)
     ON CONFLICT(device_id) DO UPDATE SET profile_id = excluded.profile_id, identified = excluded.identified`,
  ).run(deviceId, profileId, identified ? 1 : 0)
}

/** A profile for a new identity: created, the identity attached, recorded like any creation. */
function createIdentifiedProfile(
  db: Db,
  objectId: string,
  identity: string,
  options: WriteOptions,
): ProfileRow {
  const row = insertBareProfile(db, objectId, options.at)
  const change = new ProfileChange(db, row, true)
  change.addIdentifier({ kind: 'identity', name: '', value: identity })
  change.commit({ ...options, identifierAction: 'login.new' })
  return findProfileRowById(db, row.id) as ProfileRow
}

/**
 * The login rule, inside the caller's transaction.
 * - Unknown device: the profile whose CleverTap ID is the device id, else a new anonymous profile with
 *   that id (or, when the identity is already known, the device simply maps to its holder).
 * - No identity: the device's current profile ('none').
 * - The device's profile already holds the identity: 'same'.
 * - The device's profile has never been identified (anonymous) and the identity is new: Scenario 1,
 *   the profile becomes the user's; its earlier events stay and count ('became').
 * - The identity exists on another profile: the device is repointed to it ('switched'). When the device
 *   was anonymous this is Scenario 2: the anonymous profile keeps its events (not remapped), an
 *   anonymous_links row records it, and they show greyed on the identified profile, never counted.
 * - The device's profile is identified as someone else and the identity is new: a fresh profile for
 *   the new identity, the device repointed to it ('switched').
 */
export function resolveLogin(
  db: Db,
  deviceId: string,
  identity: string | undefined,
  options: WriteOptions,
): LoginResolution {
  const wanted: StoredIdentifier | undefined =
    identity === undefined ? undefined : { kind: 'identity', name: '', value: identity }
  let device = findDevice(db, deviceId)
  if (!device) {
    const own = findProfileRow(db, deviceId)
    if (own) {
      pointDevice(db, deviceId, own.id, false)
    } else {
      const holderId = wanted ? findIdentifierHolder(db, wanted) : undefined
      if (holderId !== undefined) {
        // A new device logging in as a known user: nothing anonymous to keep, it is simply theirs.
        pointDevice(db, deviceId, holderId, true)
        const holder = findProfileRowById(db, holderId) as ProfileRow
        return { profile: holder, login: 'switched', touched: [holder.object_id] }
      }
      const row = insertBareProfile(db, deviceId, options.at)
      // An anonymous device profile is sent implicitly by its first event record: no outbox row here.
      new ProfileChange(db, row, true).commit({ ...options, outbox: false })
      pointDevice(db, deviceId, row.id, false)
    }
    device = findDevice(db, deviceId) as DeviceRow
  }
  const profile = findProfileRowById(db, device.profile_id) as ProfileRow
  if (!wanted) return { profile, login: 'none', touched: [profile.object_id] }

  const holderId = findIdentifierHolder(db, wanted)
  if (holderId === profile.id) {
    if (device.identified !== 1) pointDevice(db, deviceId, profile.id, true)
    return { profile, login: 'same', touched: [profile.object_id] }
  }
  const neverIdentified = profile.identified === 0 && device.identified === 0
  if (neverIdentified && holderId === undefined) {
    const change = new ProfileChange(db, profile)
    change.addIdentifier(wanted)
    change.commit({ ...options, identifierAction: 'login.became' })
    pointDevice(db, deviceId, profile.id, true)
    return {
      profile: findProfileRowById(db, profile.id) as ProfileRow,
      login: 'became',
      touched: [profile.object_id],
    }
  }
  const target =
    holderId !== undefined
      ? (findProfileRowById(db, holderId) as ProfileRow)
      : createIdentifiedProfile(db, newObjectId(), wanted.value, options)
  pointDevice(db, deviceId, target.id, true)
  if (neverIdentified) {
    prepared(
      db,
      `INSERT OR IGNORE INTO anonymous_links (anonymous_profile_id, identified_profile_id, device_id, linked_at)
       VALUES (?, ?, ?, ?)`,
    ).run(profile.id, target.id, deviceId, options.at)
  }
  return { profile: target, login: 'switched', touched: [profile.object_id, target.object_id] }
}

/** Stores one event on a profile and updates its summary and last_seen (inside the caller's transaction). */
export function storeEvent(
  db: Db,
  profile: ProfileRow,
  event: { deviceId: string | null; name: string; ts: number; props: Record<string, unknown> },
  outbox: boolean,
  at: number,
  changeSet: number,
): number {
  const info = prepared(
    db,
    'INSERT INTO events (profile_id, device_id, name, ts, props, anonymous, change_set) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    profile.id,
    event.deviceId,
    event.name,
    event.ts,
    JSON.stringify(event.props),
    profile.identified === 1 ? 0 : 1,
    changeSet,
  )
  prepared(
    db,
    `INSERT INTO event_summaries (profile_id, name, count, first_seen, last_seen) VALUES (?, ?, 1, ?, ?)
     ON CONFLICT(profile_id, name) DO UPDATE SET count = count + 1,
       first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
  ).run(profile.id, event.name, event.ts, event.ts)
  prepared(db, 'UPDATE profiles SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)').run(
    event.ts,
    profile.id,
    event.ts,
  )
  // A restricted system event (one a pull or older data brought in) is kept and shown, never uploaded:
  // the API would refuse it with 513.
  if (outbox && !isRestrictedEventName(event.name)) {
    writeEventOutbox(
      db,
      { type: 'event', objectId: profile.object_id, evtName: event.name, ts: event.ts, evtData: event.props },
      at,
    )
  }
  return Number(info.lastInsertRowid)
}

/** The login rule then the event, inside the caller's transaction. */
export function applyEvent(
  db: Db,
  input: EventInput,
  options: WriteOptions,
): RecordEventResult & { touched: string[] } {
  const resolution = resolveLogin(db, input.deviceId, input.identity, options)
  const ts = input.ts ?? options.at
  const eventId = storeEvent(
    db,
    resolution.profile,
    { deviceId: input.deviceId, name: input.name, ts, props: input.props },
    options.outbox,
    options.at,
    options.changeSet,
  )
  return {
    profileId: resolution.profile.object_id,
    eventId,
    login: resolution.login,
    touched: resolution.touched,
  }
}

/** events.record: one event through the login rule, in one transaction. */
export function recordEvent(ctx: BackendContext, input: EventInput): RecordEventResult {
  validateEventInput(input)
  const at = nowSeconds(ctx.clock)
  const start = { kind: 'event' as const, actor: ctx.actor, label: `Event ${input.name}`, at }
  const { touched, ...result } = withChangeSet(ctx.db, start, (changeSet) =>
    applyEvent(ctx.db, input, { at, actor: ctx.actor, outbox: true, changeSet }),
  )
  ctx.events.emit('profiles.changed', { ids: [...new Set(touched)] })
  return result
}
