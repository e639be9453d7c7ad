// SFTP sources in the database (sftp_sources) and their secrets in the secret store (the OS keychain in
// Electron, a user-only file elsewhere): a password, or a private key with its optional passphrase.
// Secrets never enter the database, a log line or a reply; views say only which ones are stored.
import {
  scheduleSchema,
  type Schedule,
  type SourceSecrets,
  type SourceSettings,
} from '../../../../shared/ipc/channels/sftp'
import { AppError } from '../../../../shared/ipc/envelope'
import { checkPattern } from '../../../../shared/sftp/file-pattern'
import { destinationChanges, missingSecretMessage } from '../../../../shared/sftp/source-rules'
import type { Db } from '../db/connection'
import type { SecretStore } from '../platform/secret-store'
import { getMapping } from '../imports/import-runs'
import type { ConnectSpec } from './connection'
import { checkPrivateKey } from './private-key'

export interface SourceRecord extends SourceSettings {
  id: number
  hostKeyType: string | null
  /** When the schedule was set (epoch ms): its slots start after this. */
  anchor: number
  lastSlotAt: number | null
  createdAt: number
  updatedAt: number
}

interface SourceRow {
  id: number
  name: string
  host: string
  port: number
  username: string
  auth: 'password' | 'key'
  host_key: string | null
  host_key_type: string | null
  folder: string
  pattern: string
  completion: 'manifest' | 'stable'
  kind: 'profiles' | 'events'
  mapping_name: string | null
  after: 'leave' | 'move' | 'delete'
  schedule: string
  schedule_anchor: number
  last_slot_at: number | null
  created_at: number
  updated_at: number
}

function toRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    username: row.username,
    auth: row.auth,
    hostKey: row.host_key,
    hostKeyType: row.host_key_type,
    folder: row.folder,
    pattern: row.pattern,
    completion: row.completion,
    kind: row.kind,
    mappingName: row.mapping_name,
    after: row.after,
    schedule: scheduleSchema.parse(JSON.parse(row.schedule)),
    anchor: row.schedule_anchor,
    lastSlotAt: row.last_slot_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export function listSources(db: Db): SourceRecord[] {
  return (db.prepare('SELECT * FROM sftp_sources ORDER BY name COLLATE NOCASE').all() as SourceRow[]).map(
    toRecord,
  )
}

export function findSource(db: Db, id: number): SourceRecord | null {
  const row = db.prepare('SELECT * FROM sftp_sources WHERE id = ?').get(id) as SourceRow | undefined
  return row ? toRecord(row) : null
}

export function getSource(db: Db, id: number): SourceRecord {
  const found = findSource(db, id)
  if (!found) throw new AppError('not_found', `No SFTP source #${id}.`, { id })
  return found
}

export function findSourceByName(db: Db, name: string): SourceRecord | null {
  const row = db.prepare('SELECT * FROM sftp_sources WHERE name = ? COLLATE NOCASE').get(name.trim()) as
    SourceRow | undefined
  return row ? toRecord(row) : null
}

/** Checks what the database can tell: the name is free, the pattern usable, the saved mapping exists. */
export function checkSettings(db: Db, settings: SourceSettings, id: number | null): void {
  const other = findSourceByName(db, settings.name)
  if (other && other.id !== id) {
    throw new AppError('conflict', `A source named "${other.name}" already exists; choose another name.`, {
      key: 'name',
    })
  }
  const patternProblem = checkPattern(settings.pattern)
  if (patternProblem) throw new AppError('validation', patternProblem, { key: 'pattern' })
  if (settings.mappingName !== null) {
    try {
      const saved = getMapping(db, settings.mappingName)
      if (saved.kind !== settings.kind) {
        throw new AppError(
          'validation',
          `The saved mapping "${saved.name}" is for ${saved.kind} files, but this source imports ${settings.kind}.`,
          { key: 'mappingName' },
        )
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') {
        throw new AppError('validation', error.message, { key: 'mappingName' })
      }
      throw error
    }
  }
}

function scheduleJson(schedule: Schedule): string {
  return JSON.stringify(schedule)
}

// The columns a source's settings fill, in the order settingsValues gives them (insert and update share both).
const SETTINGS_COLUMNS = [
  'name',
  'host',
  'port',
  'username',
  'auth',
  'host_key',
  'host_key_type',
  'folder',
  'pattern',
  'completion',
  'kind',
  'mapping_name',
  'after',
  'schedule',
] as const

/** The values of SETTINGS_COLUMNS; the key's type is kept only while there is a key. */
function settingsValues(settings: SourceSettings, hostKeyType: string | null): (string | number | null)[] {
  return [
    settings.name,
    settings.host,
    settings.port,
    settings.username,
    settings.auth,
    settings.hostKey,
    settings.hostKey === null ? null : hostKeyType,
    settings.folder,
    settings.pattern,
    settings.completion,
    settings.kind,
    settings.mappingName,
    settings.after,
    scheduleJson(settings.schedule),
  ]
}

export function insertSource(
  db: Db,
  settings: SourceSettings,
  hostKeyType: string | null,
  now: number,
): number {
  const info = db
    .prepare(
      `INSERT INTO sftp_sources (${SETTINGS_COLUMNS.join(', ')}, schedule_anchor, last_slot_at, created_at, updated_at)
       VALUES (${SETTINGS_COLUMNS.map(() => '?').join(', ')}, ?, NULL, ?, ?)`,
    )
    .run(...settingsValues(settings, hostKeyType), now, now, now)
  return Number(info.lastInsertRowid)
}

/** Replaces a source's settings. A changed schedule starts afresh from now (its earlier slots are not due). */
export function updateSource(
  db: Db,
  current: SourceRecord,
  settings: SourceSettings,
  hostKeyType: string | null,
  now: number,
): void {
  const scheduleChanged = scheduleJson(current.schedule) !== scheduleJson(settings.schedule)
  const keyChanged = current.hostKey !== settings.hostKey
  db.prepare(
    `UPDATE sftp_sources SET ${SETTINGS_COLUMNS.map((column) => `${column} = ?`).join(', ')},
       schedule_anchor = ?, last_slot_at = ?, updated_at = ?
     WHERE id = ?`,
  ).run(
    ...settingsValues(settings, keyChanged ? hostKeyType : (current.hostKeyType ?? hostKeyType)),
    scheduleChanged ? now : current.anchor,
    scheduleChanged ? null : current.lastSlotAt,
    now,
    current.id,
  )
}

export function deleteSourceRow(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM sftp_sources WHERE id = ?').run(id).changes > 0
}

export function recordHostKeyType(db: Db, id: number, fingerprint: string, type: string | null): void {
  if (type === null) return
  db.prepare('UPDATE sftp_sources SET host_key_type = ? WHERE id = ? AND host_key = ?').run(
    type,
    id,
    fingerprint,
  )
}

/** Notes that the scheduler started a run for this slot (so it is not started again). */
export function markSlot(db: Db, id: number, slot: number): void {
  db.prepare('UPDATE sftp_sources SET last_slot_at = max(coalesce(last_slot_at, 0), ?) WHERE id = ?').run(
    slot,
    id,
  )
}

// ---- secrets ----

const SECRET_NAMES = ['password', 'privateKey', 'passphrase'] as const
type SecretName = (typeof SECRET_NAMES)[number]

function secretKey(id: number, name: SecretName): string {
  return `sftp.source.${id}.${name}`
}

export interface StoredSecrets {
  password: string | null
  privateKey: string | null
  passphrase: string | null
}

export async function readSecrets(store: SecretStore, id: number): Promise<StoredSecrets> {
  const [password, privateKey, passphrase] = await Promise.all(
    SECRET_NAMES.map((name) => store.get(secretKey(id, name))),
  )
  return { password: password ?? null, privateKey: privateKey ?? null, passphrase: passphrase ?? null }
}

/** The secrets a connection would use: what the form gives, else what is stored. */
export function mergeSecrets(stored: StoredSecrets, given: SourceSecrets | undefined): StoredSecrets {
  return {
    password: given?.password ?? stored.password,
    privateKey: given?.privateKey ?? stored.privateKey,
    passphrase: given?.passphrase === null ? null : (given?.passphrase ?? stored.passphrase),
  }
}

export const NO_SECRETS: StoredSecrets = { password: null, privateKey: null, passphrase: null }

function sentence(parts: string[]): string {
  const text = parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * The stored secrets a connection with `next` may use. A stored password, key or passphrase only ever goes
 * where it was saved for: with a changed host, port, user name or host key none is used, and when a login
 * would need the stored one, the request must give the secret itself or is refused (validation).
 */
export function storedSecretsFor(
  saved: SourceRecord,
  stored: StoredSecrets,
  next: SourceSettings,
  given: SourceSecrets | undefined,
  loginNeeded: boolean,
): StoredSecrets {
  const changes = destinationChanges(saved, next)
  if (changes.length === 0) return stored
  const key = next.auth === 'password' ? 'password' : 'privateKey'
  const wouldUseStored = saved.auth === next.auth && stored[key] !== null
  if (loginNeeded && wouldUseStored && !given?.[key]) {
    const label = key === 'password' ? 'password' : 'private key'
    const where = `${saved.username}@${saved.host}:${saved.port}`
    throw new AppError(
      'validation',
      `${sentence(changes)} ${changes.length === 1 ? 'has' : 'have'} changed, so the stored ${label} is not used: it is ` +
        `only ever sent to ${where} with the host key it was saved for. Give the ${label} again to connect to ` +
        `${next.username}@${next.host}:${next.port}.`,
      { key, changed: changes },
    )
  }
  return NO_SECRETS
}

/** Refuses settings whose authentication cannot work: no password, or a key that does not parse. */
export function checkSecrets(auth: 'password' | 'key', secrets: StoredSecrets): void {
  if (auth === 'password') {
    if (!secrets.password)
      throw new AppError('validation', missingSecretMessage('password', false), { key: 'password' })
    return
  }
  if (!secrets.privateKey)
    throw new AppError('validation', missingSecretMessage('key', false), { key: 'privateKey' })
  const problem = checkPrivateKey(secrets.privateKey, secrets.passphrase)
  if (problem)
    throw new AppError('validation', problem, { key: secrets.passphrase ? 'passphrase' : 'privateKey' })
}

/** Stores exactly the secrets the authentication uses and removes the others. */
export async function writeSecrets(
  store: SecretStore,
  id: number,
  auth: 'password' | 'key',
  secrets: StoredSecrets,
): Promise<void> {
  const wanted: Record<SecretName, string | null> =
    auth === 'password'
      ? { password: secrets.password, privateKey: null, passphrase: null }
      : { password: null, privateKey: secrets.privateKey, passphrase: secrets.passphrase }
  for (const name of SECRET_NAMES) {
    const value = wanted[name]
    if (value === null) await store.delete(secretKey(id, name))
    else await store.set(secretKey(id, name), value)
  }
}

export async function deleteSecrets(store: SecretStore, id: number): Promise<void> {
  for (const name of SECRET_NAMES) await store.delete(secretKey(id, name))
}

export function connectSpec(source: SourceSettings, secrets: StoredSecrets): ConnectSpec {
  return {
    host: source.host,
    port: source.port,
    username: source.username,
    auth: source.auth,
    password: source.auth === 'password' ? secrets.password : null,
    privateKey: source.auth === 'key' ? secrets.privateKey : null,
    passphrase: source.auth === 'key' ? secrets.passphrase : null,
    hostKey: source.hostKey,
  }
}
