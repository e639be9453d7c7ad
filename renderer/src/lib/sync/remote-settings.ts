// The remote settings as a form holds them: the regions, the draft made from the saved view, and the
// checks shown under each field before anything is sent. Pure, so it is tested directly.
// The regions and limits come from the zod-free shared module (the channels module would bring zod in).
import type { RemoteSpec, SyncSettingsView } from '$shared/sync/types'
import { DEFAULT_PULL_QUERY } from '$shared/sync/pull-query'
import { DEFAULT_BATCH_SIZE, isRegion, MAX_BATCH_SIZE, type Region } from '$shared/sync/remote-constants'

export type RemoteChoice = Region | 'url' | ''

/** Every region's name (the Record type fails to compile when the contract gains one). */
export const REGION_NAMES: Record<Region, string> = {
  eu1: 'Europe',
  in1: 'India',
  sg1: 'Singapore',
  us1: 'United States',
  aps3: 'Indonesia',
  mec1: 'Middle East (UAE)',
}

export type SettingsField =
  | 'remote'
  | 'baseUrl'
  | 'accountId'
  | 'passcode'
  | 'pushIntervalMinutes'
  | 'pullIntervalMinutes'
  | 'batchSize'

export const FIELD_ORDER: readonly SettingsField[] = [
  'remote',
  'baseUrl',
  'accountId',
  'passcode',
  'pushIntervalMinutes',
  'pullIntervalMinutes',
  'batchSize',
]

export interface SettingsDraft {
  remote: RemoteChoice
  baseUrl: string
  accountId: string
  /** The new passcode; only used while none is stored or the person chose to replace it. */
  passcode: string
  replacingPasscode: boolean
  autoSync: boolean
  pushIntervalMinutes: string
  pullIntervalMinutes: string
  batchSize: string
}

export function draftFrom(view: SyncSettingsView): SettingsDraft {
  return {
    remote: view.remote === null ? '' : view.remote.kind === 'url' ? 'url' : view.remote.region,
    baseUrl: view.remote?.kind === 'url' ? view.remote.baseUrl : '',
    accountId: view.accountId ?? '',
    passcode: '',
    replacingPasscode: false,
    autoSync: view.autoSync,
    pushIntervalMinutes: String(view.pushIntervalMinutes),
    pullIntervalMinutes: String(view.pullIntervalMinutes),
    batchSize: String(view.batchSize),
  }
}

function wholeNumberIn(text: string, min: number, max: number): number | null {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return null
  const n = Number(trimmed)
  return n >= min && n <= max ? n : null
}

/** A base URL as the backend saves it, for comparing: no trailing slash, no "/1". */
function sameBase(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/1$/, '')
}

/**
 * Whether the draft names another remote or account than the saved one. The stored passcode is only
 * ever sent where it was saved for, so such a draft needs the passcode of its own remote.
 */
export function namesAnotherRemote(draft: SettingsDraft, saved: SyncSettingsView | null): boolean {
  if (saved === null) return false
  const before = draftFrom(saved)
  const remoteChanged =
    saved.remote !== null &&
    (draft.remote !== before.remote ||
      (draft.remote === 'url' && sameBase(draft.baseUrl) !== sameBase(before.baseUrl)))
  const accountChanged = saved.accountId !== null && draft.accountId.trim() !== saved.accountId
  return remoteChanged || accountChanged
}

/**
 * Problems with the draft, by field, in the words shown under each input. `saved`: the saved settings,
 * when a passcode is stored (a draft naming another remote needs that remote's passcode).
 */
export function validateDraft(
  draft: SettingsDraft,
  passcodeStored: boolean,
  saved: SyncSettingsView | null = null,
): Partial<Record<SettingsField, string>> {
  const problems: Partial<Record<SettingsField, string>> = {}
  if (draft.remote === '')
    problems.remote = 'Choose a CleverTap region, or a custom base URL for the sandbox.'
  if (draft.remote === 'url') {
    const raw = draft.baseUrl.trim()
    // Only the scheme is checked here; the backend decides the rest (e.g. plain http only on loopback).
    const url = raw === '' ? null : URL.parse(raw)
    if (raw === '') problems.baseUrl = 'Enter the base URL, e.g. http://127.0.0.1:8080 for the sandbox.'
    else if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      problems.baseUrl = `"${raw}" is not an http(s) address; expected e.g. http://127.0.0.1:8080 or https://host/1.`
  }
  if (draft.accountId.trim() === '')
    problems.accountId = 'Enter the account id (Settings → Project in CleverTap).'
  const otherRemote = passcodeStored && namesAnotherRemote(draft, saved)
  if ((!passcodeStored || draft.replacingPasscode || otherRemote) && draft.passcode === '') {
    problems.passcode = otherRemote
      ? `Enter the passcode for this remote and account: the stored one is only sent to ${saved?.endpoint ?? 'the saved remote'}${saved?.accountId ? ` (account ${saved.accountId})` : ''}.`
      : passcodeStored
        ? 'Enter the new passcode, or keep the stored one.'
        : 'Enter the passcode that goes with this account id.'
  }
  if (wholeNumberIn(draft.pushIntervalMinutes, 1, 24 * 60) === null)
    problems.pushIntervalMinutes = 'Enter whole minutes from 1 to 1440.'
  if (wholeNumberIn(draft.pullIntervalMinutes, 0, 7 * 24 * 60) === null)
    problems.pullIntervalMinutes = 'Enter whole minutes from 0 (only when asked) to 10080 (a week).'
  if (wholeNumberIn(draft.batchSize, 1, MAX_BATCH_SIZE) === null)
    problems.batchSize = `Enter a whole number from 1 to ${MAX_BATCH_SIZE}.`
  return problems
}

export function remoteOf(draft: SettingsDraft): RemoteSpec | null {
  if (draft.remote === '') return null
  if (draft.remote === 'url') return { kind: 'url', baseUrl: draft.baseUrl.trim() }
  return isRegion(draft.remote) ? { kind: 'region', region: draft.remote } : null
}

/** What the form shows before the saved settings arrive. */
export const EMPTY_SETTINGS: SyncSettingsView = {
  remote: null,
  endpoint: null,
  accountId: null,
  passcodeStored: false,
  secretStorage: 'file',
  secretWarning: null,
  configured: false,
  batchSize: DEFAULT_BATCH_SIZE,
  autoSync: true,
  pushIntervalMinutes: 5,
  pullIntervalMinutes: 0,
  pullQuery: DEFAULT_PULL_QUERY,
  pullCoverage: '',
}
