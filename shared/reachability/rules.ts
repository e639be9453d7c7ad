// The reachability rules (seed FAQ; CLEVERTAP-API.md §9): ONE pure function that answers, per channel,
// whether a profile can be reached and why not, and per device whether that device can receive it at all.
// The backend stores its answers (profiles.reach_*), the profile page, Find People, segments and the
// overview read them; the renderer runs the same function on the devices it shows.
import { isValidEmail } from '../profile/validators'

export const CHANNELS = ['email', 'mobilepush', 'webpush', 'sms', 'whatsapp'] as const
export type Channel = (typeof CHANNELS)[number]

/** Why a profile is not reachable on a channel (stored as the code's index in REACH_CODES). */
export const REASONS = ['missing', 'invalid', 'optedout', 'dnd'] as const
export type Reason = (typeof REASONS)[number]

/** The stored codes: 0 reachable, then the reasons in order (profiles.reach_<channel> columns). */
export const REACH_CODES = ['reachable', ...REASONS] as const
export type ReachCode = (typeof REACH_CODES)[number]

export const PLATFORMS = ['Android', 'iOS', 'Web', 'Other'] as const
export type Platform = (typeof PLATFORMS)[number]

export const TOKEN_STATES = ['valid', 'invalid', 'unregistered'] as const
export type TokenState = (typeof TOKEN_STATES)[number]

/** What the rules need from one device. */
export interface DeviceFacts {
  platform: Platform
  /** Whether the device has a push token (its text is not needed). */
  hasToken: boolean
  tokenState: TokenState
}

/** What the rules need from one profile: addresses, MSG-* opt-ins (null: never set), DND flags, devices. */
export interface ProfileFacts {
  email: string | null
  phone: string | null
  msgEmail: boolean | null
  msgPush: boolean | null
  msgSms: boolean | null
  msgWhatsapp: boolean | null
  dndEmail: boolean
  dndSms: boolean
  dndWhatsapp: boolean
  devices: readonly DeviceFacts[]
}

export type ProfileAnswer = { reachable: true } | { reachable: false; reason: Reason }

/** A device's answer: "user not reachable" when the device cannot receive the channel at all. */
export type DeviceAnswer =
  { kind: 'reachable' } | { kind: 'user-not-reachable' } | { kind: 'profile-not-reachable'; reason: Reason }

// Labels for people (screens, CLI): one wording everywhere.
export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  email: 'Email',
  mobilepush: 'Mobile push',
  webpush: 'Web push',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
}

export const REASON_LABELS: Readonly<Record<Reason, string>> = {
  missing: 'no address or token',
  invalid: 'the address or token is invalid',
  optedout: 'opted out (MSG-* is false)',
  dnd: 'do-not-disturb is set',
}

// E.164 as the profile store keeps phones (shared/profile/validators.ts checkPhone writes this form).
const E164 = /^\+[1-9]\d{7,14}$/

/** Which push channel a platform's token serves: a browser for web push, an app for mobile push. */
export function pushChannelOf(platform: Platform): 'mobilepush' | 'webpush' {
  return platform === 'Web' ? 'webpush' : 'mobilepush'
}

function isPush(channel: Channel): channel is 'mobilepush' | 'webpush' {
  return channel === 'mobilepush' || channel === 'webpush'
}

function addressAnswer(
  address: string | null,
  valid: (text: string) => boolean,
  optIn: boolean | null,
  dnd: boolean,
): ProfileAnswer {
  // Order: an address must exist and be valid before opt-in and DND mean anything.
  if (address === null || address.trim() === '') return { reachable: false, reason: 'missing' }
  if (!valid(address)) return { reachable: false, reason: 'invalid' }
  if (optIn === false) return { reachable: false, reason: 'optedout' }
  if (dnd) return { reachable: false, reason: 'dnd' }
  return { reachable: true }
}

function pushAnswer(channel: 'mobilepush' | 'webpush', facts: ProfileFacts): ProfileAnswer {
  const tokens = facts.devices.filter((d) => d.hasToken && pushChannelOf(d.platform) === channel)
  if (tokens.length === 0) return { reachable: false, reason: 'missing' }
  // A blocked or invalid token is a *profile* reason (the seed's example: push blocked on iOS).
  if (!tokens.some((d) => d.tokenState === 'valid')) return { reachable: false, reason: 'invalid' }
  if (facts.msgPush === false) return { reachable: false, reason: 'optedout' }
  return { reachable: true }
}

/** THE rule: can this profile be reached on this channel, and if not, why. */
export function profileReachability(facts: ProfileFacts, channel: Channel): ProfileAnswer {
  switch (channel) {
    case 'email':
      return addressAnswer(facts.email, isValidEmail, facts.msgEmail, facts.dndEmail)
    case 'sms':
      return addressAnswer(facts.phone, (p) => E164.test(p), facts.msgSms, facts.dndSms)
    case 'whatsapp':
      return addressAnswer(facts.phone, (p) => E164.test(p), facts.msgWhatsapp, facts.dndWhatsapp)
    case 'mobilepush':
    case 'webpush':
      return pushAnswer(channel, facts)
  }
}

/**
 * One device's answer on a channel. Push: a device of the other kind cannot receive it at all (user not
 * reachable); its own token decides otherwise. Email, SMS, WhatsApp go to the profile's address, so
 * every device shares the profile's answer.
 */
export function deviceReachability(facts: ProfileFacts, device: DeviceFacts, channel: Channel): DeviceAnswer {
  if (isPush(channel)) {
    if (pushChannelOf(device.platform) !== channel) return { kind: 'user-not-reachable' }
    const own = pushAnswer(channel, { ...facts, devices: [device] })
    return own.reachable ? { kind: 'reachable' } : { kind: 'profile-not-reachable', reason: own.reason }
  }
  const answer = profileReachability(facts, channel)
  return answer.reachable ? { kind: 'reachable' } : { kind: 'profile-not-reachable', reason: answer.reason }
}

/** A device with when it was last seen (epoch seconds; null: never), for "through the device last seen". */
export type SeenDevice = DeviceFacts & { lastSeen: number | null }

/**
 * "Reachable on CHANNEL through the device last seen" (issue 13, for segments): the answer of the
 * profile's most recently seen device (never-seen devices last; ties: the first listed). A profile with
 * no device is not reachable for want of a token, whatever the channel.
 */
export function lastSeenDeviceAnswer(
  facts: ProfileFacts,
  devices: readonly SeenDevice[],
  channel: Channel,
): DeviceAnswer {
  let latest: SeenDevice | undefined
  for (const device of devices) {
    if (latest === undefined || (device.lastSeen ?? -Infinity) > (latest.lastSeen ?? -Infinity))
      latest = device
  }
  if (latest === undefined) return { kind: 'profile-not-reachable', reason: 'missing' }
  return deviceReachability({ ...facts, devices }, latest, channel)
}

/** The stored code of an answer (0 reachable, 1.. the reasons). */
export function reachCode(answer: ProfileAnswer): number {
  return answer.reachable ? 0 : REASONS.indexOf(answer.reason) + 1
}

/** The answer a stored code stands for; unknown codes are refused rather than guessed. */
export function answerOfCode(code: number): ProfileAnswer {
  if (code === 0) return { reachable: true }
  const reason = REASONS[code - 1]
  if (reason === undefined) throw new Error(`unknown reachability code ${code}`)
  return { reachable: false, reason }
}

/** All five stored codes of a profile, in CHANNELS order. */
export function reachCodes(facts: ProfileFacts): number[] {
  return CHANNELS.map((channel) => reachCode(profileReachability(facts, channel)))
}

/** "Reachable" or "Profile not reachable: opted out (MSG-* is false)": the one wording for people. */
export function describeAnswer(answer: ProfileAnswer | DeviceAnswer): string {
  if ('kind' in answer) {
    if (answer.kind === 'reachable') return 'Reachable'
    if (answer.kind === 'user-not-reachable') return 'User not reachable: this device cannot receive it'
    return `Profile not reachable: ${REASON_LABELS[answer.reason]}`
  }
  return answer.reachable ? 'Reachable' : `Profile not reachable: ${REASON_LABELS[answer.reason]}`
}

/**
 * A platform as people and files write it ("android", "ios", "iPhone", "web", "other", …), or null when it
 * is none of them: CSV imports refuse such a value rather than guess.
 */
export function knownPlatform(text: string): Platform | null {
  const folded = text.trim().toLowerCase()
  if (folded === 'android') return 'Android'
  if (folded === 'ios' || folded === 'iphone' || folded === 'ipad') return 'iOS'
  if (folded === 'web' || folded === 'browser') return 'Web'
  if (folded === 'other') return 'Other'
  return null
}

/** Normalises a platform as the pull and people write it; an unknown one is 'Other' (null: none given). */
export function parsePlatform(text: string | null | undefined): Platform | null {
  if (text === null || text === undefined) return null
  if (text.trim() === '') return null
  return knownPlatform(text) ?? 'Other'
}
