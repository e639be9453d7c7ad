// The source editor's draft: text fields as the person types them, checked with the same rules the backend
// applies (so messages appear before a round trip), and turned into the save / test request.
import { MAX_EVERY_HOURS } from '$shared/sftp/schedule'
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
  return (
    draft.host.trim() !== saved.host ||
    Number(draft.port.trim()) !== saved.port ||
    draft.username.trim() !== saved.username ||
    draft.hostKey !== saved.hostKey
  )
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

const TIME = /^([01]?\d|2[0-3]):[0-5]\d$/

/** Messages per field; empty when the draft can be saved. */
export function validateDraft(
  draft: SourceDraft,
  saved: SftpSourceView | null,
): Partial<Record<DraftField, string>> {
  const problems: Partial<Record<DraftField, string>> = {}
  if (draft.name.trim() === '') problems.name = 'Give the source a name.'
  if (draft.host.trim() === '') problems.host = 'Give the server’s host name or IP address.'
  else if (/[\s/@]/.test(draft.host.trim()))
    problems.host = 'Only the host name or IP address: no spaces, slashes or user@.'
  const port = Number(draft.port.trim())
  if (!/^\d+$/.test(draft.port.trim()) || port < 1 || port > 65535)
    problems.port = 'A port from 1 to 65535 (SFTP usually uses 22).'
  if (draft.username.trim() === '') problems.username = 'Give the user name to log in with.'
  if (needsSecret(draft, saved)) {
    // The stored secret stays with the server it was saved for (the field's hint says so).
    const again = hasStoredSecret(draft, saved) && !draft.replacingSecret && destinationChanged(draft, saved)
    if (draft.auth === 'password' && draft.password === '')
      problems.password = again ? 'Give the password again.' : 'Give the password.'
    if (draft.auth === 'key' && draft.privateKey.trim() === '') {
      problems.privateKey = again
        ? 'Paste the private key again, or choose its file.'
        : 'Paste the private key, or choose its file.'
    }
  }
  if (draft.folder.trim() === '') problems.folder = 'Give the folder on the server, e.g. /in.'
  if (draft.pattern.trim() === '') problems.pattern = 'Give a file pattern, e.g. *.csv.'
  else if (draft.pattern.includes('/'))
    problems.pattern = 'A pattern for file names only; put the path in the folder.'
  if (draft.scheduleKind === 'every') {
    const hours = Number(draft.everyHours.trim())
    if (!/^\d+$/.test(draft.everyHours.trim()) || hours < 1 || hours > MAX_EVERY_HOURS) {
      problems.everyHours = `From 1 to ${MAX_EVERY_HOURS} hours.`
    }
  }
  if ((draft.scheduleKind === 'daily' || draft.scheduleKind === 'weekly') && !TIME.test(draft.time.trim())) {
    problems.time = 'A time as HH:MM on a 24-hour clock, e.g. 02:00.'
  }
  return problems
}

function pad(time: string): string {
  const [h = '0', m = '00'] = time.trim().split(':')
  return `${h.padStart(2, '0')}:${m}`
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
