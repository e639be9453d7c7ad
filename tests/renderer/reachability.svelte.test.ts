// The same FAQ reachability table as tests/shared/reachability.test.ts, run in the renderer's runtime
// (happy-dom, through the renderer's $shared alias) so the panel shows what the backend stores.
import { describe, expect, test } from 'vitest'
import { deviceReachability, profileReachability } from '$shared/reachability/rules'
import { BASE, DEVICE_CASES, PROFILE_CASES } from '../../test-support/reachability-table'

describe('reachability rules in the renderer', () => {
  test.each(PROFILE_CASES)('%s', (_name, change, channel, expected) => {
    const answer = profileReachability({ ...BASE, ...change }, channel)
    expect(answer.reachable ? 'reachable' : answer.reason).toBe(expected)
  })
  test.each(DEVICE_CASES)('device: %s', (_name, device, change, channel, expected) => {
    const answer = deviceReachability({ ...BASE, ...change }, device, channel)
    expect(answer.kind === 'profile-not-reachable' ? `${answer.kind}:${answer.reason}` : answer.kind).toBe(
      expected,
    )
  })
})
