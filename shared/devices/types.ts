// What the devices feature shows (zod-free: the renderer imports it): devices and tokens, a profile's
// reachability, the Duplicate Platform ID report and the overview's numbers.
import type { Channel, Platform, ReachCode, TokenState } from '../reachability/rules'
import type { ProfileType } from '../profile/types'

export interface DeviceAnswerView {
  channel: Channel
  /** 'reachable', 'user-not-reachable' or 'profile-not-reachable'. */
  kind: 'reachable' | 'user-not-reachable' | 'profile-not-reachable'
  text: string
}

export interface DeviceView {
  deviceId: string
  platform: Platform
  pushToken: string | null
  tokenType: string | null
  tokenState: TokenState
  appVersion: string | null
  osVersion: string | null
  lastSeen: number | null
  source: string | null
  answers: DeviceAnswerView[]
}

export interface ChannelAnswerView {
  channel: Channel
  label: string
  code: ReachCode
  text: string
}

export interface ReachabilityView {
  profileId: string
  channels: ChannelAnswerView[]
  devices: DeviceView[]
  /** The device seen most recently (the "through the device last seen" answers), if any. */
  lastSeenDeviceId: string | null
}

/** A token set by hand on the profile page or the CLI. */
export interface TokenInput {
  profileId: string
  /** Default: the profile's own CleverTap ID (its first device). */
  deviceId?: string
  platform: Platform
  pushToken: string
  tokenType?: string
}

export interface TokenChangeResult {
  reachability: ReachabilityView
  /** What happens against CleverTap: pushed as a token record, or kept local (removals). */
  remote: 'queued' | 'local-only' | 'unchanged'
  message: string
}

export type DuplicateKind = 'token' | 'phone'

export interface DuplicateHolder {
  profileId: string
  name: string | null
  type: ProfileType
  isTest: boolean
  lastSeen: number | null
  /** When the holder's device with this token (or any device, for phones) was last seen. */
  deviceLastSeen: number | null
  reachable: boolean
  reachText: string
  receives: boolean
}

export interface DuplicateGroup {
  kind: DuplicateKind
  /** The shared token or phone. */
  value: string
  holders: DuplicateHolder[]
}

export interface DuplicatePage {
  groups: DuplicateGroup[]
  /** Give it back as `after` for the next page; null at the end. */
  next: string | null
}

export interface ResolveResult {
  groups: number
  /** Token removals (local only) and phone removals (pushed as $delete of Phone). */
  tokensRemoved: number
  phonesRemoved: number
  dryRun: boolean
  changedProfiles: string[]
  /** The change set the resolution wrote (one for the whole resolution); null in a dry run or when nothing changed. */
  changeSet: number | null
}

/** The rule the app uses to say who receives, stated once for screens and the CLI. */
export const RECEIVER_RULE =
  'CleverTap sends to "the profile that qualifies first" and marks the others Duplicate Platform ID. ' +
  'Profile Desk takes the holder whose device was seen most recently as the one that qualifies first ' +
  '(ties: the profile seen most recently, then the oldest profile).'

export const TOKEN_REMOVAL_NOTE =
  'Removed here only: CleverTap has no upload record that removes a push token, so the server keeps it.'

export interface CountRow {
  label: string
  count: number
}

export interface OverviewNumbers {
  /** The saved segment described, or null for everyone. */
  segment: string | null
  total: number
  byType: CountRow[]
  test: CountRow[]
  ageHistogram: CountRow[]
  reachability: { channel: Channel; label: string; rows: CountRow[] }[]
  devicesByPlatform: CountRow[]
  activity: { day: string; imports: number; pushes: number; pulls: number }[]
  tookMs: number
}
