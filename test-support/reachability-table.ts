// The reachability case table, written from the seed's FAQ and CLEVERTAP-API.md §9, shared by the Node
// test (tests/shared) and the renderer test (tests/renderer) so both runtimes check the same answers.
import type { Channel, DeviceFacts, ProfileFacts, Reason } from '../shared/reachability/rules'

export const BASE: ProfileFacts = {
  email: 'ada@example.com',
  phone: '+14155551234',
  msgEmail: null,
  msgPush: null,
  msgSms: null,
  msgWhatsapp: null,
  dndEmail: false,
  dndSms: false,
  dndWhatsapp: false,
  devices: [
    { platform: 'Android', hasToken: true, tokenState: 'valid' },
    { platform: 'Web', hasToken: true, tokenState: 'valid' },
  ],
}

const android = (state: DeviceFacts['tokenState'], hasToken = true): DeviceFacts => ({
  platform: 'Android',
  hasToken,
  tokenState: state,
})
const ios = (state: DeviceFacts['tokenState']): DeviceFacts => ({
  platform: 'iOS',
  hasToken: true,
  tokenState: state,
})
const web = (state: DeviceFacts['tokenState'], hasToken = true): DeviceFacts => ({
  platform: 'Web',
  hasToken,
  tokenState: state,
})

/** [what the case is, the facts changed from BASE, channel, expected: 'reachable' or the reason]. */
export const PROFILE_CASES: readonly [string, Partial<ProfileFacts>, Channel, 'reachable' | Reason][] = [
  ['email: an address, opted in', {}, 'email', 'reachable'],
  ['email: MSG-email true', { msgEmail: true }, 'email', 'reachable'],
  ['email: no address', { email: null }, 'email', 'missing'],
  ['email: blank address', { email: '  ' }, 'email', 'missing'],
  ['email: not an address', { email: 'ada@' }, 'email', 'invalid'],
  ['email: MSG-email false', { msgEmail: false }, 'email', 'optedout'],
  ['email: DND', { dndEmail: true }, 'email', 'dnd'],
  ['email: no address wins over opted out', { email: null, msgEmail: false }, 'email', 'missing'],
  ['email: opted out wins over DND', { msgEmail: false, dndEmail: true }, 'email', 'optedout'],
  ['sms: a phone', {}, 'sms', 'reachable'],
  ['sms: no phone', { phone: null }, 'sms', 'missing'],
  ['sms: not E.164', { phone: '0415555' }, 'sms', 'invalid'],
  ['sms: MSG-sms false', { msgSms: false }, 'sms', 'optedout'],
  ['sms: DND SMS', { dndSms: true }, 'sms', 'dnd'],
  ['sms: WhatsApp DND does not stop SMS', { dndWhatsapp: true }, 'sms', 'reachable'],
  ['whatsapp: a phone', {}, 'whatsapp', 'reachable'],
  ['whatsapp: no phone', { phone: null }, 'whatsapp', 'missing'],
  ['whatsapp: not E.164', { phone: 'call me' }, 'whatsapp', 'invalid'],
  ['whatsapp: MSG-whatsapp false', { msgWhatsapp: false }, 'whatsapp', 'optedout'],
  ['whatsapp: DND WhatsApp', { dndWhatsapp: true }, 'whatsapp', 'dnd'],
  ['whatsapp: SMS opt-out does not stop WhatsApp', { msgSms: false }, 'whatsapp', 'reachable'],
  ['mobile push: a valid Android token', {}, 'mobilepush', 'reachable'],
  ['mobile push: no devices', { devices: [] }, 'mobilepush', 'missing'],
  ['mobile push: only a web token', { devices: [web('valid')] }, 'mobilepush', 'missing'],
  ['mobile push: an app without a token', { devices: [android('valid', false)] }, 'mobilepush', 'missing'],
  // The seed's example: push blocked on iOS is a *profile* not reachable.
  [
    'mobile push: iOS token unregistered (blocked)',
    { devices: [ios('unregistered')] },
    'mobilepush',
    'invalid',
  ],
  ['mobile push: invalid token', { devices: [android('invalid')] }, 'mobilepush', 'invalid'],
  [
    'mobile push: one valid token of two',
    { devices: [android('invalid'), ios('valid')] },
    'mobilepush',
    'reachable',
  ],
  ['mobile push: MSG-push false', { msgPush: false }, 'mobilepush', 'optedout'],
  ['mobile push: no token wins over opted out', { msgPush: false, devices: [] }, 'mobilepush', 'missing'],
  ['web push: a valid web token', {}, 'webpush', 'reachable'],
  ['web push: only an app token', { devices: [android('valid')] }, 'webpush', 'missing'],
  ['web push: a browser without a token', { devices: [web('valid', false)] }, 'webpush', 'missing'],
  ['web push: invalid web token', { devices: [web('invalid')] }, 'webpush', 'invalid'],
  ['web push: MSG-push false', { msgPush: false }, 'webpush', 'optedout'],
  ['web push: email DND does not matter', { dndEmail: true }, 'webpush', 'reachable'],
]

/** [case, device, profile changes, channel, expected device answer]. */
export const DEVICE_CASES: readonly [string, DeviceFacts, Partial<ProfileFacts>, Channel, string][] = [
  // The FAQ's "User not reachable": the action was on the web, the campaign is mobile push.
  ['a browser for mobile push', web('valid'), {}, 'mobilepush', 'user-not-reachable'],
  ['an app for web push', android('valid'), {}, 'webpush', 'user-not-reachable'],
  ['an app for mobile push', android('valid'), {}, 'mobilepush', 'reachable'],
  [
    'a blocked iOS app for mobile push',
    ios('unregistered'),
    {},
    'mobilepush',
    'profile-not-reachable:invalid',
  ],
  ['an app without a token', android('valid', false), {}, 'mobilepush', 'profile-not-reachable:missing'],
  [
    'an app, push opted out',
    android('valid'),
    { msgPush: false },
    'mobilepush',
    'profile-not-reachable:optedout',
  ],
  ['a browser for web push', web('valid'), {}, 'webpush', 'reachable'],
  ['any device for email follows the profile', web('valid'), {}, 'email', 'reachable'],
  [
    'any device for SMS follows the profile',
    android('valid'),
    { phone: null },
    'sms',
    'profile-not-reachable:missing',
  ],
]
