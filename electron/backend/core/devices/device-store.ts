// Device rows: written from the pull (platformInfo), CSV files and by hand, one upsert for all of them;
// read back as the facts the shared reachability rules need. Token text is indexed by a 52-bit hash.
import { hash } from 'node:crypto'
import {
  parsePlatform,
  type DeviceFacts,
  type Platform,
  type ProfileFacts,
  type TokenState,
} from '../../../../shared/reachability/rules'
import type { Db } from '../db/connection'
import type { ProfileRow } from '../profiles/profile-rows'
import { prepared } from '../profiles/statements'

export interface DeviceRow {
  id: number
  device_id: string
  profile_id: number
  platform: Platform
  push_token: string | null
  token_type: string | null
  token_state: TokenState
  token_hash: number | null
  app_version: string | null
  os_version: string | null
  make: string | null
  model: string | null
  last_seen: number | null
  source: string | null
}

/** A device as a source gives it; absent fields keep what is stored. */
export interface DeviceInput {
  deviceId: string
  platform?: Platform | null
  /** A string sets the token; null clears it; undefined keeps it. */
  pushToken?: string | null
  tokenType?: string | null
  tokenState?: TokenState
  appVersion?: string | null
  osVersion?: string | null
  make?: string | null
  model?: string | null
  lastSeen?: number | null
  source: 'pull' | 'import' | 'events' | 'hand'
}

export interface DeviceWrite {
  created: boolean
  /** False when the device already was as the input says (nothing written). */
  changed: boolean
  /** The token it had before. */
  previousToken: string | null
  /** The token is new or different: it goes to CleverTap as a token record. */
  tokenChanged: boolean
  row: DeviceRow
}

/**
 * 52 bits of the token's SHA-1 (node:crypto's one-shot hash, the library made for it): an index key 7×
 * smaller than the tokens themselves (memo-12 §5). Equal hashes are regrouped by the real token.
 */
export function tokenHash(token: string): number {
  return Number.parseInt(hash('sha1', token, 'hex').slice(0, 13), 16)
}

export function devicesOf(db: Db, profileId: number): DeviceRow[] {
  return prepared(
    db,
    'SELECT * FROM devices WHERE profile_id = ? ORDER BY last_seen IS NULL, last_seen DESC, id',
  ).all(profileId) as DeviceRow[]
}

export function findDevice(db: Db, deviceId: string): DeviceRow | undefined {
  return prepared(db, 'SELECT * FROM devices WHERE device_id = ?').get(deviceId) as DeviceRow | undefined
}

function isRemoved(db: Db, deviceId: string, token: string): boolean {
  return (
    prepared(db, 'SELECT 1 FROM removed_tokens WHERE device_id = ? AND push_token = ?').get(
      deviceId,
      token,
    ) !== undefined
  )
}

type DeviceValues = Omit<DeviceRow, 'id'>

/** What a device becomes when `input` is written over `old` (none: a new device), and whether its token changes. */
function nextDevice(
  db: Db,
  old: DeviceRow | undefined,
  profileId: number,
  input: DeviceInput,
): { values: DeviceValues; tokenChanged: boolean } {
  let token = input.pushToken === undefined ? (old?.push_token ?? null) : input.pushToken
  if (token !== null) token = token.trim() === '' ? null : token.trim()
  if (token !== null && input.source === 'pull' && isRemoved(db, input.deviceId, token)) {
    token = old?.push_token ?? null
  }
  const tokenChanged = token !== null && token !== (old?.push_token ?? null)
  const keep = <T>(value: T | undefined, stored: T | null | undefined): T | null =>
    value === undefined ? (stored ?? null) : value
  const values: DeviceValues = {
    device_id: input.deviceId,
    profile_id: profileId,
    platform: input.platform ?? old?.platform ?? 'Other',
    push_token: token,
    token_type: keep(input.tokenType, old?.token_type),
    // A new token starts valid unless the source says otherwise.
    token_state: input.tokenState ?? (tokenChanged ? 'valid' : (old?.token_state ?? 'valid')),
    token_hash: token === null ? null : tokenHash(token),
    app_version: keep(input.appVersion, old?.app_version),
    os_version: keep(input.osVersion, old?.os_version),
    make: keep(input.make, old?.make),
    model: keep(input.model, old?.model),
    last_seen:
      input.lastSeen === undefined || input.lastSeen === null
        ? (old?.last_seen ?? null)
        : Math.max(input.lastSeen, old?.last_seen ?? 0),
    source: input.source,
  }
  return { values, tokenChanged }
}

/** The stored columns `values` changes (where it was written from aside): none means nothing to write. */
function changedColumns(old: DeviceRow, values: DeviceValues): (keyof DeviceValues)[] {
  return (Object.keys(values) as (keyof DeviceValues)[]).filter(
    (name) => name !== 'source' && values[name] !== old[name],
  )
}

/** Whether writing `input` would change the stored device (or create it): a dry run's and a batch's check. */
export function deviceWouldChange(db: Db, profileId: number, input: DeviceInput): boolean {
  const old = findDevice(db, input.deviceId)
  return old === undefined || changedColumns(old, nextDevice(db, old, profileId, input).values).length > 0
}

/**
 * Creates or updates one device of a profile. A token removed here earlier is not taken back from the
 * server (`source: 'pull'`); set by hand or imported again, it is the person's choice and is kept. Only
 * the columns that change are written, so the reachability triggers fire only when a fact of theirs does.
 */
export function upsertDevice(db: Db, profileId: number, input: DeviceInput): DeviceWrite {
  const old = findDevice(db, input.deviceId)
  const { values, tokenChanged } = nextDevice(db, old, profileId, input)
  keepToken(db, input, values)
  if (old !== undefined) {
    const changed = changedColumns(old, values)
    const previousToken = old.push_token
    if (changed.length === 0) return { created: false, changed: false, previousToken, tokenChanged, row: old }
    const row = prepared(
      db,
      `UPDATE devices SET ${[...changed, 'source'].map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id RETURNING *`,
    ).get({ ...values, id: old.id }) as DeviceRow
    return { created: false, changed: true, previousToken, tokenChanged, row }
  }
  const row = prepared(db, `${INSERT_DEVICE} RETURNING *`).get(values) as DeviceRow
  return { created: true, changed: true, previousToken: null, tokenChanged, row }
}

const INSERT_DEVICE = `INSERT INTO devices (device_id, profile_id, platform, push_token, token_type, token_state,
    token_hash, app_version, os_version, make, model, last_seen, source)
  VALUES (@device_id, @profile_id, @platform, @push_token, @token_type, @token_state, @token_hash,
    @app_version, @os_version, @make, @model, @last_seen, @source)`

/** A token set again by a source other than the pull is the person's choice: its removal is forgotten. */
function keepToken(db: Db, input: DeviceInput, values: DeviceValues): void {
  if (values.push_token !== null && input.source !== 'pull') {
    prepared(db, 'DELETE FROM removed_tokens WHERE device_id = ? AND push_token = ?').run(
      input.deviceId,
      values.push_token,
    )
  }
}

/**
 * upsertDevice for a device the caller knows is not stored (the device of a profile an import creates):
 * no read first, and the written columns come back as they were given rather than read back.
 */
export function insertNewDevice(
  db: Db,
  profileId: number,
  input: DeviceInput,
): { values: Omit<DeviceRow, 'id'>; tokenChanged: boolean } {
  const { values, tokenChanged } = nextDevice(db, undefined, profileId, input)
  keepToken(db, input, values)
  prepared(db, INSERT_DEVICE).run(values)
  return { values, tokenChanged }
}

/** Clears a device's token and remembers the removal (a pull will not bring it back). */
export function clearToken(db: Db, device: DeviceRow, at: number): void {
  if (device.push_token === null) return
  prepared(
    db,
    'INSERT OR REPLACE INTO removed_tokens (device_id, push_token, removed_at) VALUES (?, ?, ?)',
  ).run(device.device_id, device.push_token, at)
  prepared(db, 'UPDATE devices SET push_token = NULL, token_hash = NULL WHERE id = ?').run(device.id)
}

export function deviceFacts(row: Pick<DeviceRow, 'platform' | 'push_token' | 'token_state'>): DeviceFacts {
  return {
    platform: parsePlatform(row.platform) ?? 'Other',
    hasToken: row.push_token !== null,
    tokenState: row.token_state,
  }
}

const flag = (value: number | null): boolean | null => (value === null ? null : value === 1)

function extraFlag(extra: Record<string, unknown>, key: string): boolean {
  return extra[key] === true || extra[key] === 1
}

/** The facts the shared rules need, from a stored profile row and its devices. */
export function profileFacts(
  row: Pick<
    ProfileRow,
    'email' | 'phone' | 'msg_email' | 'msg_push' | 'msg_sms' | 'msg_whatsapp' | 'system_extra'
  >,
  devices: readonly DeviceRow[],
): ProfileFacts {
  let extra: Record<string, unknown> = {}
  try {
    extra = JSON.parse(row.system_extra) as Record<string, unknown>
  } catch {
    // An unreadable extra column sets no DND flag; the profile page shows the raw value elsewhere.
  }
  return {
    email: row.email,
    phone: row.phone,
    msgEmail: flag(row.msg_email),
    msgPush: flag(row.msg_push),
    msgSms: flag(row.msg_sms),
    msgWhatsapp: flag(row.msg_whatsapp),
    dndEmail: extraFlag(extra, 'MSG-dndEmail'),
    dndSms: extraFlag(extra, 'MSG-dndSMS'),
    dndWhatsapp: extraFlag(extra, 'MSG-dndWhatsApp'),
    devices: devices.map(deviceFacts),
  }
}
