// The source editor's draft: text fields as the person types them, checked with the shared source rules
// the backend applies too (so messages appear before a round trip, in the same words), and turned into the
// save / test request.
import { checkPattern } from '$shared/sftp/file-pattern'
import { checkEveryHours, CLOCK_TIME_MESSAGE, clockTimeOf } from '$shared/sftp/schedule'
import {
  checkFolder,
  checkHost,
  checkPort,
  checkSourceName,
  checkUsername,
  destinationChanges,
  missingSecretMessage,
} from '$shared/sftp/source-rules'
import type {
  AfterAction,
  AuthKind,
  CompletionRule,
  Schedule,
  SftpSourceView,
  SourceFields,
  SourceSecrets,
  Weekday,
} from '$shared/sftp/types'
import type { ImportKind } from '$shared/imports/types'

export type ScheduleKind = Schedule['kind']

export interface SourceDraft {
  name: string
  host: string
  port: string
  username: string
  auth: AuthKind
  password: string
  privateKey: string
  passphrase: string
  /** Replacing a stored password or key (otherwise the stored one is kept). */
  replacingSecret: boolean
  hostKey: string | null
  folder: string
  pattern: string
  completion: CompletionRule
  kind: ImportKind
  /** '' : proposed from the headers (and the manifest). */
  mappingName: string
  after: AfterAction
  scheduleKind: ScheduleKind
  everyHours: string
  time: string
  day: Weekday
}

export const DRAFT_FIELDS = [
  'name',
  'host',
  'port',
  'username',
  'password',
  'privateKey',
  'passphrase',
  'folder',
  'pattern',
  'mappingName',
  'everyHours',
  'time',
] as const
export type DraftField = (typeof DRAFT_FIELDS)[number]

export function emptyDraft(): SourceDraft {
  return {
    name: '',
    host: '',
    port: '22',
    username: '',
    auth: 'password',
    password: '',
    privateKey: '',
    passphrase: '',
    replacingSecret: false,
    hostKey: null,
    folder: '/',
    pattern: '*.csv',
    completion: 'stable',
    kind: 'profiles',
    mappingName: '',
    after: 'move',
    scheduleKind: 'daily',
    everyHours: '6',
    time: '02:00',
    day: 'mon',
  }
}

export function draftFrom(source: SftpSourceView): SourceDraft {
  const schedule = source.schedule
  return {
    ...emptyDraft(),
    name: source.name,
    host: source.host,
    port: String(source.port),
    username: source.username,
    auth: source.auth,
    hostKey: source.hostKey,
    folder: source.folder,
    pattern: source.pattern,
    completion: source.completion,
    kind: source.kind,
    mappingName: source.mappingName ?? '',
    after: source.after,
    scheduleKind: schedule.kind,
    everyHours: schedule.kind === 'every' ? String(schedule.hours) : '6',
    time: schedule.kind === 'daily' || schedule.kind === 'weekly' ? schedule.time : '02:00',
    day: schedule.kind === 'weekly' ? schedule.day : 'mon',
  }
}

/**
 * Whether the draft points somewhere else than the saved source: another host, port, user name or host
 * key. The stored secret is only ever sent where it was saved for (the backend refuses otherwise).
 */
export function destinationChanged(draft: SourceDraft, saved: SftpSourceView | null): boolean {
  if (!saved) return false
  const next = {
    host: draft.host.trim(),
    port: Number(draft.port.trim()),
    username: draft.username.trim(),
    hostKey: draft.hostKey,
  }
  return destinationChanges(saved, next).length > 0
}

/** Whether a secret of the draft's kind is stored with the saved source. */
export function hasStoredSecret(draft: SourceDraft, saved: SftpSourceView | null): boolean {
  if (!saved || saved.auth !== draft.auth) return false
  return draft.auth === 'password' ? saved.stored.password : saved.stored.privateKey
}

/**
 * Whether the draft needs the secret typed in: nothing of this kind is stored, it is being replaced, or
 * the draft points at another server or user (where the stored one is never sent).
 */
export function needsSecret(draft: SourceDraft, saved: SftpSourceView | null): boolean {
  return !hasStoredSecret(draft, saved) || draft.replacingSecret || destinationChanged(draft, saved)
}

/** A whole number as typed: digits only (`22`, `022`), else not a number. */
function wholeNumberOf(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
}

/** Messages per field, from the shared source rules; empty when the draft can be saved. */
export function validateDraft(
  draft: SourceDraft,
  saved: SftpSourceView | null,
): Partial<Record<DraftField, string>> {
  const checks: Partial<Record<DraftField, string | null>> = {
    name: checkSourceName(draft.name.trim()),
    host: checkHost(draft.host.trim()),
    port: checkPort(wholeNumberOf(draft.port)),
    username: checkUsername(draft.username.trim()),
    folder: checkFolder(draft.folder.trim()),
    pattern: checkPattern(draft.pattern.trim()),
  }
  if (needsSecret(draft, saved)) {
    // The stored secret stays with the server it was saved for (the field's hint says so).
    const again = hasStoredSecret(draft, saved) && !draft.replacingSecret && destinationChanged(draft, saved)
    if (draft.auth === 'password' && draft.password === '')
      checks.password = missingSecretMessage('password', again)
    if (draft.auth === 'key' && draft.privateKey.trim() === '')
      checks.privateKey = missingSecretMessage('key', again)
  }
  if (draft.scheduleKind === 'every') checks.everyHours = checkEveryHours(wholeNumberOf(draft.everyHours))
  if (draft.scheduleKind === 'daily' || draft.scheduleKind === 'weekly') {
    checks.time = clockTimeOf(draft.time) === null ? CLOCK_TIME_MESSAGE : null
  }
  const problems: Partial<Record<DraftField, string>> = {}
  for (const field of DRAFT_FIELDS) {
    const message = checks[field]
    if (message) problems[field] = message
  }
  return problems
}

/** The time as stored (`02:05`); a draft that is not a time is refused by validateDraft before. */
function pad(time: string): string {
  return clockTimeOf(time) ?? time.trim()
}

export function scheduleOf(draft: SourceDraft): Schedule {
  switch (draft.scheduleKind) {
    case 'manual':
      return { kind: 'manual' }
    case 'every':
      return { kind: 'every', hours: Number(draft.everyHours.trim()) }
    case 'daily':
      return { kind: 'daily', time: pad(draft.time) }
    case 'weekly':
      return { kind: 'weekly', day: draft.day, time: pad(draft.time) }
  }
}

export function fieldsOf(draft: SourceDraft): SourceFields {
  return {
    name: draft.name.trim(),
    host: draft.host.trim(),
    port: Number(draft.port.trim()),
    username: draft.username.trim(),
    auth: draft.auth,
    hostKey: draft.hostKey,
    folder: draft.folder.trim(),
    pattern: draft.pattern.trim(),
    completion: draft.completion,
    kind: draft.kind,
    mappingName: draft.mappingName === '' ? null : draft.mappingName,
    after: draft.after,
    schedule: scheduleOf(draft),
  }
}

/** The secrets to send: what was typed (stored ones are kept by the backend when left out). */
export function secretsOf(draft: SourceDraft, saved: SftpSourceView | null): SourceSecrets {
  if (!needsSecret(draft, saved)) return {}
  if (draft.auth === 'password') return draft.password === '' ? {} : { password: draft.password }
  return {
    ...(draft.privateKey.trim() === '' ? {} : { privateKey: draft.privateKey }),
    passphrase: draft.passphrase === '' ? null : draft.passphrase,
  }
}
