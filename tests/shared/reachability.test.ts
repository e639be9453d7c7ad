// The shared reachability rules against the FAQ table (tests/support/reachability-table.ts), exhaustively
// per channel and reason; the renderer runs the same table (tests/renderer/reachability.svelte.test.ts).
import { describe, expect, test } from 'vitest'
import {
  answerOfCode,
  CHANNELS,
  deviceReachability,
  lastSeenDeviceAnswer,
  describeAnswer,
  parsePlatform,
  profileReachability,
  REASONS,
  reachCode,
  reachCodes,
} from '../../shared/reachability/rules'
import { BASE, DEVICE_CASES, PROFILE_CASES } from '../../test-support/reachability-table'

describe('profile reachability (FAQ table)', () => {
  test.each(PROFILE_CASES)('%s', (_name, change, channel, expected) => {
    const answer = profileReachability({ ...BASE, ...change }, channel)
    expect(answer.reachable ? 'reachable' : answer.reason).toBe(expected)
  })

  test('every channel has a reachable case and every reason it can give is covered', () => {
    for (const channel of CHANNELS) {
      const seen = new Set(PROFILE_CASES.filter((c) => c[2] === channel).map((c) => c[3]))
      const possible = channel.endsWith('push')
        ? ['reachable', 'missing', 'invalid', 'optedout']
        : ['reachable', ...REASONS]
      expect([...seen].sort()).toEqual([...possible].sort())
    }
  })
})

describe('device reachability (FAQ table)', () => {
  test.each(DEVICE_CASES)('%s', (_name, device, change, channel, expected) => {
    const answer = deviceReachability({ ...BASE, ...change }, device, channel)
    expect(answer.kind === 'profile-not-reachable' ? `${answer.kind}:${answer.reason}` : answer.kind).toBe(
      expected,
    )
  })
})

describe('stored codes', () => {
  test('codes round-trip for every answer', () => {
    expect(answerOfCode(0)).toEqual({ reachable: true })
    REASONS.forEach((reason, i) => {
      expect(reachCode({ reachable: false, reason })).toBe(i + 1)
      expect(answerOfCode(i + 1)).toEqual({ reachable: false, reason })
    })
    expect(() => answerOfCode(9)).toThrow(/unknown reachability code 9/)
  })

  test('reachCodes gives the five channels in order', () => {
    expect(reachCodes({ ...BASE, email: null, msgSms: false, devices: [] })).toEqual([1, 1, 1, 3, 0])
  })

  test('wording says profile vs user not reachable', () => {
    expect(describeAnswer({ reachable: false, reason: 'optedout' })).toBe(
      'Profile not reachable: opted out (MSG-* is false)',
    )
    expect(describeAnswer({ kind: 'user-not-reachable' })).toMatch(/^User not reachable/)
  })

  test.each([
    ['android', 'Android'],
    [' iOS ', 'iOS'],
    ['WEB', 'Web'],
    ['windows', 'Other'],
    ['', null],
  ])('platform %j is %j', (text, platform) => {
    expect(parsePlatform(text)).toBe(platform)
  })
})

describe('reachable through the device last seen', () => {
  const android = { platform: 'Android', hasToken: true, tokenState: 'valid' } as const
  const browser = { platform: 'Web', hasToken: true, tokenState: 'valid' } as const

  test('answers for the most recently seen device only', () => {
    const devices = [
      { ...android, lastSeen: 100 },
      { ...browser, lastSeen: 200 },
    ]
    // The browser was seen last: it cannot receive mobile push, though the Android app could.
    expect(lastSeenDeviceAnswer(BASE, devices, 'mobilepush')).toEqual({ kind: 'user-not-reachable' })
    expect(lastSeenDeviceAnswer(BASE, devices, 'webpush')).toEqual({ kind: 'reachable' })
    const androidLast = [{ ...android, lastSeen: 300 }, devices[1] as (typeof devices)[1]]
    expect(lastSeenDeviceAnswer(BASE, androidLast, 'mobilepush')).toEqual({ kind: 'reachable' })
  })

  test('a never-seen device loses to a seen one; an invalid token or an opt-out is a profile reason', () => {
    const devices = [
      { ...android, tokenState: 'invalid' as const, lastSeen: 50 },
      { ...browser, lastSeen: null },
    ]
    expect(lastSeenDeviceAnswer(BASE, devices, 'mobilepush')).toEqual({
      kind: 'profile-not-reachable',
      reason: 'invalid',
    })
    expect(
      lastSeenDeviceAnswer({ ...BASE, msgPush: false }, [{ ...android, lastSeen: 1 }], 'mobilepush'),
    ).toEqual({
      kind: 'profile-not-reachable',
      reason: 'optedout',
    })
    expect(lastSeenDeviceAnswer(BASE, [], 'mobilepush')).toEqual({
      kind: 'profile-not-reachable',
      reason: 'missing',
    })
  })
})
