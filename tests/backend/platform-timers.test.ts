// The real timer ports SFTP and sync share (core/platform/timers.ts): a pending timer never keeps the
// process alive, and a sleep ends early, without throwing, when its signal aborts.
import { describe, expect, it } from 'vitest'
import { realSleep, realTimers } from '../../electron/backend/core/platform/timers'
import { resolveSftpOptions } from '../../electron/backend/core/sftp/options'
import { resolveSyncOptions } from '../../electron/backend/core/sync/options'

describe('the real timer ports', () => {
  it('sets timers that do not hold the process open, and clears them', () => {
    const handle = realTimers.setTimeout(() => {
      throw new Error('a cleared timer fired')
    }, 60_000) as NodeJS.Timeout
    expect(handle.hasRef()).toBe(false)
    realTimers.clearTimeout(handle)
  })

  it('ends a sleep early when its signal aborts, without an error', async () => {
    const controller = new AbortController()
    const started = performance.now()
    const sleeping = realSleep(60_000, controller.signal)
    controller.abort()
    await expect(sleeping).resolves.toBeUndefined()
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('is what SFTP and sync use when a host gives none', () => {
    expect(resolveSftpOptions({}, 'test').timers).toBe(realTimers)
    expect(resolveSftpOptions({}, 'test').sleep).toBe(realSleep)
    expect(resolveSyncOptions({}).timers).toBe(realTimers)
    expect(resolveSyncOptions({}).sleep).toBe(realSleep)
  })
})
