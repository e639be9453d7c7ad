// The schedule, with an injected clock and timers: slots in local time (every N hours, daily, weekly), a
// source started by the scheduler when its slot comes, one run for any number of slots missed while the
// app was closed, and one run per source at a time.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseScheduleText, type SftpRunInfo } from '../../shared/ipc/channels/sftp'
import type { SftpTimers } from '../../electron/backend/core/sftp/options'
import { dueSlot, latestSlot, nextRunAt, nextSlot } from '../../electron/backend/core/sftp/schedule'
import { openSftpHarness, profilesCsv, type SftpHarness } from '../../test-support/sftp-harness'
import { startSshd, type Sshd } from '../../test-support/sshd-fixture'

// Runs go through a real sshd and real imports: slow on a loaded machine.
vi.setConfig({ testTimeout: 120_000 })

/** Local time, as the schedule reads it. Monday 15 June 2026. */
const at = (day: number, hour: number, minute = 0, second = 0) =>
  new Date(2026, 5, day, hour, minute, second).getTime()
const MONDAY = 15

describe('slots in local time', () => {
  it('daily: the latest slot at or before now, and the next one', () => {
    const daily = { kind: 'daily', time: '02:00' } as const
    const anchor = at(MONDAY, 10)
    expect(latestSlot(daily, anchor, at(MONDAY, 23))).toBeNull() // today's 02:00 came before the schedule existed
    expect(nextSlot(daily, anchor, at(MONDAY, 23))).toBe(at(MONDAY + 1, 2))
    expect(latestSlot(daily, anchor, at(MONDAY + 1, 1, 59))).toBeNull()
    expect(latestSlot(daily, anchor, at(MONDAY + 1, 2))).toBe(at(MONDAY + 1, 2))
    expect(latestSlot(daily, anchor, at(MONDAY + 4, 9))).toBe(at(MONDAY + 4, 2))
  })

  it('weekly: on its day only', () => {
    const weekly = { kind: 'weekly', day: 'wed', time: '03:30' } as const
    const anchor = at(MONDAY, 10)
    expect(nextSlot(weekly, anchor, anchor)).toBe(at(MONDAY + 2, 3, 30))
    expect(latestSlot(weekly, anchor, at(MONDAY + 2, 3, 29))).toBeNull()
    expect(latestSlot(weekly, anchor, at(MONDAY + 8, 12))).toBe(at(MONDAY + 2, 3, 30))
    expect(latestSlot(weekly, anchor, at(MONDAY + 9, 4))).toBe(at(MONDAY + 9, 3, 30))
    expect(nextSlot(weekly, anchor, at(MONDAY + 2, 3, 30))).toBe(at(MONDAY + 9, 3, 30))
  })

  it('every N hours counts from when the schedule was set', () => {
    const every = { kind: 'every', hours: 6 } as const
    const anchor = at(MONDAY, 10, 15)
    expect(nextSlot(every, anchor, anchor)).toBe(at(MONDAY, 16, 15))
    expect(latestSlot(every, anchor, at(MONDAY + 1, 3))).toBe(at(MONDAY, 22, 15))
  })

  it('a slot that was run is not due again; several missed slots make one due slot', () => {
    const state = {
      schedule: { kind: 'daily', time: '02:00' } as const,
      anchor: at(MONDAY, 10),
      lastSlotAt: null,
    }
    expect(dueSlot(state, at(MONDAY + 5, 8))).toBe(at(MONDAY + 5, 2))
    expect(dueSlot({ ...state, lastSlotAt: at(MONDAY + 5, 2) }, at(MONDAY + 5, 8))).toBeNull()
    expect(nextRunAt({ ...state, lastSlotAt: at(MONDAY + 5, 2) }, at(MONDAY + 5, 8))).toBe(at(MONDAY + 6, 2))
    expect(nextRunAt({ ...state, schedule: { kind: 'manual' } }, at(MONDAY + 5, 8))).toBeNull()
  })

  it('reads and refuses the command-line forms', () => {
    expect(parseScheduleText('daily 2:00')).toEqual({ ok: true, schedule: { kind: 'daily', time: '02:00' } })
    expect(parseScheduleText('weekly Monday 02:00')).toEqual({
      ok: true,
      schedule: { kind: 'weekly', day: 'mon', time: '02:00' },
    })
    expect(parseScheduleText('every 6h')).toEqual({ ok: true, schedule: { kind: 'every', hours: 6 } })
    expect(parseScheduleText('manual')).toEqual({ ok: true, schedule: { kind: 'manual' } })
    const bad = parseScheduleText('daily 25:00')
    expect(bad.ok).toBe(false)
    expect(bad.ok ? '' : bad.message).toContain('"daily 25:00" is not a schedule')
  })
})

describe('the scheduler starts due sources', () => {
  let sshd: Sshd
  let dataDir: string
  let h: SftpHarness
  let now = at(MONDAY, 10)
  let pending: { callback: () => void; wakeAt: number } | null = null
  const timers: SftpTimers = {
    setTimeout: (callback, ms) => {
      pending = { callback, wakeAt: now + ms }
      return pending
    },
    clearTimeout: (handle) => {
      if (pending === handle) pending = null
    },
  }

  const open = () =>
    openSftpHarness(sshd, {
      dataDir,
      clock: () => now,
      sftp: { scheduler: true, timers, checkIntervalMs: 7 * 24 * 3_600_000 },
    })

  /** Moves the clock and lets the scheduler's timer fire, as it would by then (`early`: fire it anyway). */
  function advanceTo(time: number, early = false): void {
    now = time
    const timer = pending
    if (timer && (early || timer.wakeAt <= now)) {
      pending = null
      timer.callback()
    }
  }

  /** Lets a start the scheduler decided on reach the database (it reads the secrets first). */
  const settle = () => new Promise((r) => setTimeout(r, 300))

  async function runsOf(sourceId: number, expected: number): Promise<SftpRunInfo[]> {
    for (let i = 0; i < 600; i++) {
      const { items } = await h.call('sftp.runs.list', { sourceId, limit: 50 })
      if (items.length >= expected && items.every((r) => r.status !== 'running')) return items
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`source ${sourceId} did not reach ${expected} finished runs`)
  }

  beforeAll(async () => {
    sshd = await startSshd()
    sshd.mkdir('/nightly')
    sshd.put('/nightly/crm.csv', profilesCsv('nightly', 3))
    sshd.mkdir('/weekly')
    sshd.put('/weekly/report.csv', profilesCsv('weekly', 2))
    dataDir = mkdtempSync(join(tmpdir(), 'profile-desk-sftp-schedule-'))
    h = open()
  })

  afterAll(async () => {
    await h?.close()
    await sshd?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('runs a daily and a weekly source when due, each once per slot, and a missed slot once at the next start', async () => {
    const daily = await h.addSource({
      name: 'Nightly',
      folder: sshd.local('/nightly'),
      schedule: { kind: 'daily', time: '02:00' },
    })
    const weekly = await h.addSource({
      name: 'Weekly',
      folder: sshd.local('/weekly'),
      schedule: { kind: 'weekly', day: 'wed', time: '03:00' },
    })
    const view = await h.call('sftp.sources.get', { id: daily })
    expect(view.nextRunAt).toBe(at(MONDAY + 1, 2))
    expect(view.scheduleText).toBe('Daily at 02:00')
    // The scheduler sleeps until the earliest slot.
    expect(pending?.wakeAt).toBe(at(MONDAY + 1, 2))

    advanceTo(at(MONDAY + 1, 1, 59), true)
    await settle()
    expect(await runsOf(daily, 0)).toEqual([])

    advanceTo(at(MONDAY + 1, 2, 0, 20))
    const first = await runsOf(daily, 1)
    expect(first).toHaveLength(1)
    expect(first[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded', imported: 1 })
    expect(await runsOf(weekly, 0)).toEqual([])
    expect((await h.call('profiles.lookup', { key: 'nightly-3' })).id).toBeTruthy()

    // Wednesday 03:00: the weekly source's day; the daily one ran at 02:00 the same day.
    advanceTo(at(MONDAY + 2, 2, 0, 5))
    await runsOf(daily, 2)
    advanceTo(at(MONDAY + 2, 3, 0, 5))
    const weeklyRuns = await runsOf(weekly, 1)
    expect(weeklyRuns[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded', imported: 1 })
    expect(await runsOf(daily, 2)).toHaveLength(2)

    // The app is closed from Wednesday to Saturday: three daily slots are missed.
    await h.close()
    pending = null
    now = at(MONDAY + 5, 9)
    h = open()
    const afterRestart = await runsOf(daily, 3)
    expect(afterRestart).toHaveLength(3)
    expect(afterRestart[0]).toMatchObject({ trigger: 'missed', status: 'succeeded' })
    // Nothing more until Sunday 02:00.
    advanceTo(at(MONDAY + 5, 12), true)
    await settle()
    expect(await runsOf(daily, 3)).toHaveLength(3)
    expect((await h.call('sftp.sources.get', { id: daily })).nextRunAt).toBe(at(MONDAY + 6, 2))
    expect(await runsOf(weekly, 1)).toHaveLength(1)
  })

  it('a scheduled run that cannot start is recorded failed with the reason, once per slot', async () => {
    const id = await h.addSource({
      name: 'Untrusted nightly',
      folder: sshd.local('/nightly'),
      hostKey: null,
      schedule: { kind: 'daily', time: '04:00' },
    })
    advanceTo(at(MONDAY + 6, 4, 0, 30))
    const runs = await runsOf(id, 1)
    expect(runs[0]).toMatchObject({ status: 'failed', trigger: 'schedule' })
    expect(runs[0]?.error).toContain(
      'The scheduled run could not start: "Untrusted nightly" has no trusted host key',
    )
    advanceTo(at(MONDAY + 6, 4, 30), true)
    await settle()
    expect(await runsOf(id, 1)).toHaveLength(1)
  })

  it('one run per source at a time', async () => {
    const id = await h.addSource({ name: 'Busy', folder: sshd.local('/nightly') })
    const first = h.call('sftp.sources.run', { id })
    const second = await h.fail('sftp.sources.run', { id })
    expect(second.code).toBe('conflict')
    expect(second.message).toContain('"Busy" is already running')
    const { jobId } = await first
    await h.backend.context.jobs.wait(jobId)
  })
})
